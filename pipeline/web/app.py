"""The web application: Starlette routes over the pipeline's library, server-rendered German pages.

Every route states its role (`page(role)`); the check happens here on the server, before the
handler runs. Every POST carries the session's CSRF token. Responses carry a Content-Security-Policy
that allows only the app's own scripts and styles (no inline script). Errors become German pages
without a traceback.
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import logging
import os
import sys
import traceback
import urllib.parse
from pathlib import Path

import jinja2
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from ..german import datum
from . import auth
from .config import WebConfig
from .db import ROLE_LABELS, ROLES, Database
from .jobs import Runner

COOKIE = "ikz_sitzung"
HERE = Path(__file__).resolve().parent

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")

log = logging.getLogger("pipeline.web")


class Refused(Exception):
    """A German page with a status code (403, 404, 400, 413, …)."""

    def __init__(self, status: int, title: str, message: str):
        super().__init__(message)
        self.status, self.title, self.message = status, title, message


def forbidden(message: str = "Dafür fehlt Ihnen die Berechtigung. Bitte die Verwaltung fragen.") -> Refused:
    return Refused(403, "Keine Berechtigung", message)


def not_found(message: str = "Diese Seite oder Datei gibt es nicht.") -> Refused:
    return Refused(404, "Nicht gefunden", message)


# -- the application state ------------------------------------------------------

class Office:
    """What every request needs: configuration, database, templates, the run worker."""

    def __init__(self, config: WebConfig, *, start_runner: bool = True):
        self.config = config
        config.data.mkdir(parents=True, exist_ok=True)
        (config.data / "tmp").mkdir(exist_ok=True)
        self.db = Database(config.data / "ikz-web.sqlite3")
        self.runner = Runner(self.db)
        self.start_runner = start_runner
        self.env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"),
                                      autoescape=True, undefined=jinja2.StrictUndefined,
                                      trim_blocks=True, lstrip_blocks=True)
        self.env.filters["zeit"] = _when
        self.env.filters["datum"] = datum
        self.env.filters["groesse"] = _size
        self.env.globals["ROLE_LABELS"] = ROLE_LABELS
        static = HERE / "static"
        self.asset_version = hashlib.sha256(b"".join(p.read_bytes() for p in sorted(static.iterdir()))).hexdigest()[:10]

    def render(self, request: Request, template: str, status: int = 200, **context) -> HTMLResponse:
        session = request.scope.get("ikz_session")
        user = session.user if session else None
        body = self.env.get_template(template).render(
            request=request, user=user, csrf=session.csrf if session else "", asset=self.asset_version,
            nav=_nav(request, user), flash=context.pop("flash", None) or _flash(request), **context)
        return HTMLResponse(body, status_code=status)

    # workbooks: inputs/*.xlsx, looked up by name (never a path built from input)
    def workbooks(self) -> dict[str, Path]:
        folder = self.config.inputs
        found = {}
        for p in sorted(folder.glob("*.xlsx")) if folder.is_dir() else []:
            if p.name.startswith(("~$", ".")) or "-ruecklauf-" in p.name or ".sicherung-" in p.name:
                continue
            found[p.stem] = p
        return found

    def workbook(self, name: str) -> Path:
        path = self.workbooks().get(name)
        if path is None:
            raise not_found("Diese Arbeitsmappe gibt es nicht (mehr). Die Übersicht zeigt alle Arbeitsmappen.")
        return path

    def default_workbook(self) -> str | None:
        names = list(self.workbooks())
        return names[-1] if names else None


def _when(iso: str | None) -> str:
    """»5.12.2026 14:03 Uhr« (`german.datum_zeit`, as every message writes a time) from an ISO time stamp."""
    if not iso:
        return ""
    import datetime as dt

    from ..german import datum_zeit

    try:
        return datum_zeit(dt.datetime.fromisoformat(iso))
    except ValueError:
        return iso


def _size(n: int | None) -> str:
    from ..german import dateigroesse

    return dateigroesse(int(n or 0))


NAV = [
    ("uebersicht", "Übersicht", "lesen"),
    ("arbeitsmappe", "Arbeitsmappe", "lesen"),
    ("pruefen", "Prüfen", "lesen"),
    ("erzeugen", "Erzeugen", "lesen"),
    ("ergebnisse", "Ergebnisse", "lesen"),
    ("versand", "Versand", "lesen"),
    ("ruecklauf", "Rücklauf", "lesen"),
    ("signatur", "Signatur prüfen", "lesen"),
    ("vorlagen", "Vorlagen", "lesen"),
    ("verlauf", "Verlauf", "verwalten"),
    ("benutzer", "Benutzer", "verwalten"),
]


def _nav(request: Request, user) -> list[dict]:
    if user is None:
        return []
    office: Office = request.app.state.office
    wb = request.path_params.get("wb") or office.default_workbook()
    current = request.scope.get("ikz_nav", "")
    items = []
    for key, label, role in NAV:
        if not user.may(role):
            continue
        if key in ("pruefen", "erzeugen", "ergebnisse", "versand", "ruecklauf"):
            if wb is None:
                continue
            href = f"/m/{urllib.parse.quote(wb)}/{key}"
        else:
            href = "/" if key == "uebersicht" else f"/{key}"
        items.append({"href": href, "label": label, "current": key == current})
    return items


def _flash(request: Request) -> dict | None:
    text = request.query_params.get("hinweis")
    return {"kind": "ok", "text": text[:300]} if text else None


def redirect(url: str, hinweis: str | None = None) -> RedirectResponse:
    if hinweis:
        url += ("&" if "?" in url else "?") + "hinweis=" + urllib.parse.quote(hinweis)
    return RedirectResponse(url, status_code=303)


def client_address(request: Request) -> str:
    office: Office = request.app.state.office
    peer = request.client.host if request.client else "?"
    if peer in office.config.proxies:
        forwarded = request.headers.get("x-forwarded-for", "").split(",")[0].strip()
        if forwarded:
            return forwarded[:64]
    return peer


# -- the role check, the session and CSRF, around every handler ----------------------

def page(role: str | None, nav: str = ""):
    """Wrap a handler: load the session, require login and `role` (None: public), set the nav item."""

    def decorate(handler):
        @functools.wraps(handler)
        async def endpoint(request: Request):
            office: Office = request.app.state.office
            session = await run_in_threadpool(_session_of, request)
            request.scope["ikz_session"] = session
            request.scope["ikz_nav"] = nav
            if role is not None:
                if session is None or session.user is None:
                    if request.method == "GET":
                        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                        return redirect("/anmelden?weiter=" + urllib.parse.quote(target))
                    raise Refused(403, "Nicht angemeldet", "Ihre Sitzung ist abgelaufen oder beendet. "
                                                            "Bitte neu anmelden.")
                if not session.user.may(role):
                    raise forbidden(f"Dafür braucht es die Rolle »{ROLE_LABELS[role]}«; Sie haben "
                                    f"»{ROLE_LABELS[session.user.role]}«. Bitte die Verwaltung fragen.")
            return await handler(request, office)

        return endpoint

    return decorate


def _session_of(request: Request):
    office: Office = request.app.state.office
    session = auth.load_session(office.db, request.cookies.get(COOKIE))
    cfg = office.config
    if cfg.sso_header and request.client and request.client.host in cfg.proxies:
        name = request.headers.get(cfg.sso_header.lower(), "").strip()
        if name and (session is None or session.user is None or session.user.name.lower() != name.lower()):
            # the proxy names someone else than the session's user: that session does not count here
            session = None
            row = office.db.user(name)
            if row is not None and not row["locked"]:
                user = auth.User(row["id"], row["name"], row["role"])
                session = auth.new_session(office.db, user)
                request.scope["ikz_new_cookie"] = session.token
                office.db.audit(user.name, client_address(request), "Anmeldung (Single Sign-on)")
    return session


async def checked_form(request: Request):
    """The form of a state-changing request, after its CSRF token was checked."""
    form = await request.form(max_files=200, max_fields=100)
    session = request.scope.get("ikz_session")
    if not auth.csrf_ok(session, form.get("csrf")):
        await form.close()
        raise Refused(403, "Sicherheitsprüfung fehlgeschlagen",
                      "Das Formular ist abgelaufen oder wurde nicht von dieser Anwendung gesendet "
                      "(Sicherheitsprüfung, CSRF). Bitte die Seite neu laden und erneut senden. Es wurde nichts "
                      "verändert.")
    origin = request.headers.get("origin")
    if origin and origin != "null" and urllib.parse.urlsplit(origin).netloc != request.headers.get("host"):
        await form.close()
        raise Refused(403, "Sicherheitsprüfung fehlgeschlagen",
                      "Das Formular kam von einer anderen Adresse. Es wurde nichts verändert.")
    return form


def set_session_cookie(response: Response, request: Request, token: str) -> None:
    office: Office = request.app.state.office
    response.set_cookie(COOKIE, token, httponly=True, samesite="strict", secure=office.config.secure, path="/")


# -- middleware: headers, body limit, errors ---------------------------------------------

class Guard:
    """Pure ASGI middleware: security headers, the request size limit, German error pages."""

    def __init__(self, app, office: Office):
        self.app, self.office = app, office

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = self.office.config.max_request
        headers = dict(scope.get("headers") or [])
        try:
            declared = int(headers.get(b"content-length", b"0") or 0)
        except ValueError:
            declared = 0
        started = [False]

        async def send_wrapped(message):
            if message["type"] == "http.response.start":
                started[0] = True
                h = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"server"]
                h += [(b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
                      (b"x-frame-options", b"DENY"), (b"referrer-policy", b"no-referrer"),
                      (b"cross-origin-opener-policy", b"same-origin")]
                if not any(k.lower() == b"cache-control" for k, _ in h):
                    h.append((b"cache-control", b"no-store"))
                if self.office.config.secure:
                    h.append((b"strict-transport-security", b"max-age=31536000"))
                cookie = scope.get("ikz_new_cookie")
                if cookie:
                    h.append((b"set-cookie", _cookie_header(cookie, self.office.config.secure)))
                message = {**message, "headers": h}
            await send(message)

        received = [0]

        async def receive_limited():
            message = await receive()
            if message["type"] == "http.request":
                received[0] += len(message.get("body", b""))
                if received[0] > limit:
                    raise Refused(413, "Datei zu groß", _too_big(limit))
            return message

        try:
            if declared > limit:
                raise Refused(413, "Datei zu groß", _too_big(limit))
            await self.app(scope, receive_limited, send_wrapped)
        except Exception as exc:  # noqa: BLE001 - every error becomes a German page
            if started[0]:
                log.error("Fehler nach Beginn der Antwort: %s", type(exc).__name__)
                return
            response = self.error_response(scope, exc)
            await response(scope, receive, send_wrapped)

    def error_response(self, scope, exc: Exception) -> Response:
        if isinstance(exc, Refused):
            status, title, message = exc.status, exc.title, exc.message
        elif isinstance(exc, HTTPException):
            status = exc.status_code
            title, message = {
                404: ("Nicht gefunden", "Diese Seite oder Datei gibt es nicht."),
                405: ("Nicht erlaubt", "Diese Aktion ist hier nicht möglich."),
            }.get(status, ("Fehler", "Die Anfrage konnte nicht bearbeitet werden."))
        else:
            status, title = 500, "Interner Fehler"
            message = ("Beim Bearbeiten der Anfrage ist ein Fehler aufgetreten. Es wurde nichts verloren. "
                       "Bitte erneut versuchen; bleibt der Fehler, der IT Bescheid geben (Uhrzeit nennen).")
            print(f"Interner Fehler bei {scope.get('method')} {scope.get('path')}: {type(exc).__name__}",
                  file=sys.stderr)
            if os.environ.get("IKZ_WEB_TRACEBACK"):  # for developers only; never on a page
                traceback.print_exception(exc, file=sys.stderr)
        request = Request(scope)
        accept = dict(scope.get("headers") or []).get(b"accept", b"").decode()
        if "application/json" in accept and "text/html" not in accept:
            return JSONResponse({"fehler": message}, status_code=status)
        try:
            return self.office.render(request, "fehler.html", status=status, title=title, message=message)
        except Exception:  # noqa: BLE001
            return HTMLResponse(f"<!DOCTYPE html><html lang=\"de\"><title>{html.escape(title)}</title>"
                                f"<h1>{html.escape(title)}</h1><p>{html.escape(message)}</p></html>", status)


def _cookie_header(token: str, secure: bool) -> bytes:
    return (f"{COOKIE}={token}; HttpOnly; Path=/; SameSite=strict" + ("; Secure" if secure else "")).encode()


def _too_big(limit: int) -> str:
    return (f"Die Anfrage ist zu groß (höchstens {limit // (1024 * 1024)} MB insgesamt). Es wurde nichts "
            "gespeichert. Große Dateien einzeln hochladen.")


def json_response(data) -> Response:
    return Response(json.dumps(data, ensure_ascii=False), media_type="application/json")


__all__ = ["ROLES", "Office", "Refused", "checked_form", "forbidden", "not_found", "page",
           "redirect", "set_session_cookie"]
