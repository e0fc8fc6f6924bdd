"""Pages: login, first user, Übersicht, Arbeitsmappe (versions), Prüfen."""

from __future__ import annotations

import json
import urllib.parse
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from . import auth, uploads
from .app import Office, Refused, checked_form, client_address, not_found, page, redirect, set_session_cookie
from .db import now_iso
from .errors import german_message, problem_rows

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def routes() -> list[Route]:
    from . import views_admin, views_results, views_ruecklauf

    return [
        Route("/", uebersicht),
        Route("/anmelden", anmelden, methods=["GET", "POST"]),
        Route("/abmelden", abmelden, methods=["POST"]),
        Route("/einrichten/{token}", einrichten, methods=["GET", "POST"]),
        Route("/arbeitsmappe", arbeitsmappe),
        Route("/arbeitsmappe/hochladen", hochladen, methods=["POST"]),
        Route("/arbeitsmappe/version/{id:int}", version),
        Route("/arbeitsmappe/leer", leer),
        Route("/arbeitsmappe/neues-jahr", neues_jahr, methods=["POST"]),
        Route("/m/{wb}/pruefen", pruefen),
        Route("/m/{wb}/arbeitsmappe.xlsx", aktuelle_mappe),
    ] + views_results.routes() + views_admin.routes() + views_ruecklauf.routes()


# -- login ---------------------------------------------------------------------------

def _safe_next(target: str | None) -> str:
    """Only a path on this site (no scheme, no host, no //)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@page(None)
async def anmelden(request: Request, office: Office):
    session = request.scope["ikz_session"]
    if request.method == "GET":
        if session is not None and session.user is not None:
            return redirect(_safe_next(request.query_params.get("weiter")))
        fresh: str | None = None
        if session is None:
            session = await run_in_threadpool(auth.new_session, office.db, None)
            request.scope["ikz_session"] = session
            fresh = session.token
        page_ = office.render(request, "anmelden.html", title="Anmelden", error=None,
                              weiter=_safe_next(request.query_params.get("weiter")), name="",
                              first=office.db.user_count() == 0)
        if fresh:
            set_session_cookie(page_, request, fresh)
        return page_
    form = await checked_form(request)
    name, password = str(form.get("name", ""))[:64], str(form.get("passwort", ""))[:1024]
    address = client_address(request)
    try:
        user = await run_in_threadpool(auth.authenticate, office.db, name, password, address)
    except auth.AuthError as exc:
        office.db.audit(name or "?", address, "Anmeldung fehlgeschlagen", str(exc))
        return office.render(request, "anmelden.html", status=401, title="Anmelden", error=str(exc),
                             weiter=_safe_next(form.get("weiter")), name=name, first=False)
    auth.end_session(office.db, session.token)
    new = auth.new_session(office.db, user)
    office.db.audit(user.name, address, "Anmeldung")
    done: Response = redirect(_safe_next(str(form.get("weiter") or "")))
    set_session_cookie(done, request, new.token)
    return done


@page("lesen")
async def abmelden(request: Request, office: Office):
    await checked_form(request)
    session = request.scope["ikz_session"]
    auth.end_session(office.db, session.token)
    office.db.audit(session.user.name, client_address(request), "Abmeldung")
    response = redirect("/anmelden", "Sie sind abgemeldet.")
    response.delete_cookie("ikz_sitzung", path="/")
    return response


@page(None)
async def einrichten(request: Request, office: Office):
    token = request.path_params["token"]
    if not auth.setup_valid(office.db, token):
        raise Refused(404, "Link ungültig", "Dieser Einrichtungslink ist ungültig, abgelaufen oder schon benutzt. "
                                             "Es gibt ihn nur, solange noch kein Benutzer angelegt ist.")
    session = request.scope["ikz_session"]
    if request.method == "GET":
        fresh: str | None = None
        if session is None:
            session = auth.new_session(office.db, None)
            request.scope["ikz_session"] = session
            fresh = session.token
        page_ = office.render(request, "einrichten.html", title="Ersten Benutzer anlegen", error=None,
                              token=token, name="")
        if fresh:
            set_session_cookie(page_, request, fresh)
        return page_
    form = await checked_form(request)
    name, password = str(form.get("name", "")), str(form.get("passwort", ""))
    try:
        if password != str(form.get("passwort2", "")):
            raise auth.AuthError("Die beiden Passwörter stimmen nicht überein.")
        user = await run_in_threadpool(auth.create_first_user, office.db, token, name, password)
    except auth.AuthError as exc:
        return office.render(request, "einrichten.html", status=400, title="Ersten Benutzer anlegen",
                             error=str(exc), token=token, name=name)
    auth.end_session(office.db, session.token)
    new = auth.new_session(office.db, user)
    office.db.audit(user.name, client_address(request), "Ersten Benutzer angelegt", f"{user.name} (Verwalten)")
    done: Response = redirect("/", f"Willkommen, {user.name}. Sie können jetzt weitere Benutzer anlegen.")
    set_session_cookie(done, request, new.token)
    return done


# -- Übersicht -------------------------------------------------------------------

def workbook_state(office: Office, name: str, path: Path) -> dict:
    """Last check, last run, signatures collected and the next step, for one workbook."""
    from ..digest import sha256_file
    from ..ruecklauf import SUMMARY, read_summary
    from ..store import ARCHIVE, Manifest

    db = office.db
    sha = sha256_file(path)
    check = db.one("SELECT * FROM checks WHERE workbook = ? ORDER BY id DESC LIMIT 1", (name,))
    run = db.one("SELECT * FROM runs WHERE workbook = ? ORDER BY id DESC LIMIT 1", (name,))
    manifest = Manifest.load(office.config.outputs / name / "manifest.json")
    current = manifest is not None and manifest.inputs.get("workbook") == sha
    summary = read_summary(office.config.outputs / ARCHIVE / name / SUMMARY)  # of `make ruecklauf` or the web
    versand = (office.config.outputs / name / "versand").is_dir()
    job = office.runner.job_for(name)
    if check is None or check["sha256"] != sha:
        step = ("Prüfen", f"/m/{name}/pruefen", "Die aktuelle Version wurde noch nicht geprüft.")
    elif check["errors"]:
        step = ("Fehler beheben", f"/m/{name}/pruefen",
                f"Die Prüfung fand {check['errors']} Fehler: in Excel korrigieren und eine neue Version hochladen.")
    elif job is not None and job.status == "läuft":
        step = ("Erzeugen läuft", f"/m/{name}/erzeugen", "Die Dokumente werden gerade erzeugt.")
    elif not current:
        step = ("Erzeugen", f"/m/{name}/erzeugen", "Die Dokumente zur aktuellen Version erzeugen.")
    elif not versand:
        step = ("Versand vorbereiten", f"/m/{name}/versand", "Je Kommune die Unterlagen und den E-Mail-Entwurf anlegen.")
    else:
        step = ("Rücklauf einsammeln", f"/m/{name}/ruecklauf", "Zurückgekommene, unterschriebene Projektaufträge hochladen.")
    return {"name": name, "check": check, "run": run, "current": current, "manifest": manifest,
            "ruecklauf": list(summary.lines) if summary else None,
            "ruecklauf_at": summary.at.isoformat() if summary else None,
            "built": json.loads(run["built"]) if run and run["built"] else [], "step": step}


@page("lesen", "uebersicht")
async def uebersicht(request: Request, office: Office):
    states = await run_in_threadpool(lambda: [workbook_state(office, n, p) for n, p in office.workbooks().items()])
    return office.render(request, "uebersicht.html", title="Übersicht", states=list(reversed(states)))


# -- Arbeitsmappe ------------------------------------------------------------------

@page("lesen", "arbeitsmappe")
async def arbeitsmappe(request: Request, office: Office):
    return _arbeitsmappe_page(office, request, request.query_params.get("fehler"))


def _arbeitsmappe_page(office: Office, request: Request, error: str | None, status: int = 200):
    import datetime as dt

    versions = office.db.query("SELECT * FROM uploads WHERE kind = 'arbeitsmappe' ORDER BY id DESC")
    names = list(office.workbooks())
    this_year = dt.date.today().year
    years = [y for y in range(this_year - 1, this_year + 3) if f"ikz-{y}" not in names]
    return office.render(request, "arbeitsmappe.html", status=status, title="Arbeitsmappe", versions=versions,
                         names=names, years=years, newyear=_newyear_available(), error=error)


def _newyear_available() -> bool:
    try:
        from .. import newyear  # noqa: F401
    except ImportError:
        return False
    return True


@page("bearbeiten")
async def hochladen(request: Request, office: Office):
    form = await checked_form(request)
    user = request.scope["ikz_session"].user
    target = str(form.get("ziel", ""))
    names = office.workbooks()
    if target.startswith("neu-"):
        try:
            year = int(target[4:])
        except ValueError:
            raise Refused(400, "Ungültige Angabe", "Bitte ein Jahr für die neue Arbeitsmappe wählen.") from None
        if not 2000 <= year <= 2100:
            raise Refused(400, "Ungültige Angabe", "Bitte ein Jahr zwischen 2000 und 2100 wählen.")
        name = f"ikz-{year}"
    elif target in names:
        name = target
    else:
        raise Refused(400, "Ungültige Angabe", "Bitte wählen, zu welcher Arbeitsmappe die Datei gehört.")
    upload = form.get("datei")
    if upload is None or not hasattr(upload, "read") or not upload.filename:
        return _arbeitsmappe_error(office, request, "Bitte eine Datei auswählen (Excel-Arbeitsmappe, .xlsx).")
    try:
        scratch, sha, size = await uploads.receive_checked(upload, office.config.max_workbook,
                                                           office.config.data / "tmp", "arbeitsmappe")
    except uploads.UploadError as exc:
        office.db.audit(user.name, client_address(request), "Hochladen abgelehnt", f"Arbeitsmappe: {exc}")
        return _arbeitsmappe_error(office, request, str(exc), status=_status_of(exc))
    finally:
        await form.close()
    stored = await run_in_threadpool(_install_workbook, office, scratch, name, upload.filename, sha, size, user.name)
    office.db.audit(user.name, client_address(request), "Arbeitsmappe hochgeladen",
                    f"{name}: Version {stored.id} »{stored.name}« ({sha[:12]})")
    return redirect(f"/m/{urllib.parse.quote(name)}/pruefen",
                    f"Version {stored.id} von »{name}« gespeichert. Hier das Ergebnis der Prüfung.")


def _status_of(exc: uploads.UploadError) -> int:
    return 413 if "zu groß" in str(exc) else 400


def _arbeitsmappe_error(office: Office, request: Request, message: str, status: int = 400):
    return _arbeitsmappe_page(office, request, message, status)


def _install_workbook(office: Office, scratch: Path, name: str, uploaded_name: str, sha: str, size: int,
                      user: str) -> uploads.Stored:
    """Keep the upload as a version and make it the workbook in inputs/. The state it replaces is kept
    as a version too when no version holds it (e.g. edited on the server): nothing is lost."""
    from ..digest import sha256_file
    from ..fsutil import write_atomic

    dest = office.config.inputs / f"{name}.xlsx"
    office.config.inputs.mkdir(parents=True, exist_ok=True)
    if dest.is_file():
        old = sha256_file(dest)
        if office.db.one("SELECT id FROM uploads WHERE kind = 'arbeitsmappe' AND sha256 = ?", (old,)) is None:
            uploads.store_bytes(office.db, office.config.data, dest.read_bytes(), kind="arbeitsmappe", target=name,
                                name=dest.name, user="(Server)", note="Stand vor dem Hochladen einer neuen Version")
    stored = uploads.store(office.db, office.config.data, scratch, kind="arbeitsmappe", target=name,
                           name=uploaded_name, sha256=sha, size=size, user=user)
    write_atomic(dest, stored.path.read_bytes(), mode=0o644)
    return stored


@page("lesen")
async def version(request: Request, office: Office):
    row = office.db.one("SELECT * FROM uploads WHERE id = ? AND kind = 'arbeitsmappe'", (request.path_params["id"],))
    if row is None:
        raise not_found("Diese Version gibt es nicht.")
    path = uploads.path_of(office.config.data, row)
    if not path.is_file():
        raise not_found("Diese Version gibt es nicht.")
    stamp = row["at"][:10]
    return FileResponse(path, media_type=XLSX, filename=f"{row['target']}-version-{row['id']}-{stamp}.xlsx")


@page("lesen")
async def aktuelle_mappe(request: Request, office: Office):
    path = office.workbook(request.path_params["wb"])
    return FileResponse(path, media_type=XLSX, filename=path.name)


@page("lesen")
async def leer(request: Request, office: Office):
    import tempfile

    from ..blank import write_workbook

    def build() -> bytes:
        with tempfile.TemporaryDirectory(dir=office.config.data / "tmp") as tmp:
            path = Path(tmp) / "leer.xlsx"
            write_workbook(path)
            return path.read_bytes()

    content = await run_in_threadpool(build)
    return Response(content, media_type=XLSX,
                    headers={"content-disposition": 'attachment; filename="leere-arbeitsmappe.xlsx"'})


@page("bearbeiten")
async def neues_jahr(request: Request, office: Office):
    form = await checked_form(request)
    if not _newyear_available():
        raise Refused(501, "Noch nicht verfügbar", "»Neues Jahr aus dem Vorjahr« ist in dieser Version noch nicht "
                                                   "verfügbar. Bitte die Arbeitsmappe des Vorjahres herunterladen, "
                                                   "anpassen und als neue Arbeitsmappe hochladen.")
    from . import views_newyear

    return await views_newyear.create(request, office, form)


# -- Prüfen ----------------------------------------------------------------------

def run_check(office: Office, name: str, path: Path, user: str) -> dict:
    """The check of the CLI: workbook problems as rows (errors first) and the templates' problems."""
    from .. import render
    from ..digest import sha256_file
    from ..errors import ValidationError
    from ..validate import load

    sha = sha256_file(path)
    result: dict[str, Any]
    try:
        data, warnings = load(path)
    except ValidationError as exc:
        rows = problem_rows(exc.problems)
        result = {"rows": rows, "templates": [], "fatal": None, "facts": None}
    except Exception as exc:  # noqa: BLE001 - unreadable workbook: one German message
        message, rows = german_message(exc)
        result = {"rows": rows, "templates": [], "fatal": message, "facts": None}
    else:
        template_problems = render.check_templates(data, office.config.templates)
        result = {"rows": problem_rows(warnings), "templates": template_problems, "fatal": None,
                  "facts": {"kommunen": len(data.kommunen), "projekte": len(data.projekte),
                            "aktuell": sum(1 for p in data.projekte if p.aktuell), "jahr": data.bericht.jahr}}
    errors = sum(1 for r in result["rows"] if r["error"]) + len(result["templates"]) + (1 if result["fatal"] else 0)
    warnings_n = sum(1 for r in result["rows"] if not r["error"])
    office.db.execute("INSERT INTO checks (workbook, sha256, user, at, errors, warnings) VALUES (?, ?, ?, ?, ?, ?)",
                      (name, sha, user, now_iso(), errors, warnings_n))
    result.update(errors=errors, warnings=warnings_n)
    return result


@page("lesen", "pruefen")
async def pruefen(request: Request, office: Office):
    name = request.path_params["wb"]
    path = office.workbook(name)
    user = request.scope["ikz_session"].user
    result = await run_in_threadpool(run_check, office, name, path, user.name)
    office.db.audit(user.name, client_address(request), "Arbeitsmappe geprüft",
                    f"{name}: {result['errors']} Fehler, {result['warnings']} Warnungen")
    return office.render(request, "pruefen.html", title=f"Prüfen: {name}", name=name, result=result)
