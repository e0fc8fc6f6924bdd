"""Pages: Vorlagen (download, checked upload, versions), Verlauf (audit log), Benutzer, Signatur-Einstellungen."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse
from starlette.routing import Route

from . import auth, uploads
from .app import Office, Refused, checked_form, client_address, not_found, page, redirect
from .db import ROLES
from .errors import german_message

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def routes() -> list[Route]:
    return [
        Route("/vorlagen", vorlagen),
        Route("/vorlagen/datei/{i:int}", vorlage_datei),
        Route("/vorlagen/hochladen", vorlage_hochladen, methods=["POST"]),
        Route("/vorlagen/version/{id:int}", vorlage_version),
        Route("/verlauf", verlauf),
        Route("/benutzer", benutzer),
        Route("/benutzer/anlegen", benutzer_anlegen, methods=["POST"]),
        Route("/benutzer/aendern", benutzer_aendern, methods=["POST"]),
    ]


# -- Vorlagen ---------------------------------------------------------------------

def _templates(office: Office) -> list[Path]:
    """The Word templates and the text templates (cover letters) in templates/, by name."""
    folder = office.config.templates
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and p.suffix in (".docx", ".txt") and not p.name.startswith(("~$", ".")))


@page("lesen", "vorlagen")
async def vorlagen(request: Request, office: Office, error: str | None = None, status: int = 200,
                   problems: list | None = None):
    files = _templates(office)
    versions = office.db.query("SELECT * FROM uploads WHERE kind IN ('vorlage', 'vorlage-text') ORDER BY id DESC")
    return office.render(request, "vorlagen.html", status=status, title="Vorlagen", files=list(enumerate(files)),
                         docx=[(i, p.name) for i, p in enumerate(files)],
                         versions=versions, error=error, problems=problems or [])


@page("lesen")
async def vorlage_datei(request: Request, office: Office):
    files = _templates(office)
    i = request.path_params["i"]
    if not 0 <= i < len(files):
        raise not_found()
    path = files[i]
    return FileResponse(path, media_type=DOCX if path.suffix == ".docx" else "text/plain; charset=utf-8",
                        filename=path.name)


@page("lesen")
async def vorlage_version(request: Request, office: Office):
    row = office.db.one("SELECT * FROM uploads WHERE id = ? AND kind IN ('vorlage', 'vorlage-text')",
                        (request.path_params["id"],))
    if row is None:
        raise not_found("Diese Version gibt es nicht.")
    path = uploads.path_of(office.config.data, row)
    target = Path(row["target"])
    return FileResponse(path, media_type=DOCX if path.suffix == ".docx" else "text/plain; charset=utf-8",
                        filename=f"{target.stem}-version-{row['id']}{path.suffix}")


def _check_with(office: Office, target: Path, candidate: Path) -> list[str]:
    """`check`'s template problems when `candidate` replaces `target` (in a copy of the templates folder),
    against the newest workbook; the workbook's own errors are not the template's. A text template (the
    letters) is loaded as its command loads it: a syntax error names the line."""
    from .. import render
    from ..errors import TemplateError
    from ..validate import load

    if target.suffix == ".txt":
        from ..versand import TEMPLATE as VERSAND_TEMPLATE
        from ..versand import load_template
        from .erinnerung import _template

        with tempfile.TemporaryDirectory(dir=office.config.data / "tmp") as tmp:
            folder = Path(tmp)
            shutil.copyfile(candidate, folder / target.name)
            try:
                if target.name == VERSAND_TEMPLATE:
                    load_template(folder)
                else:
                    _template(folder)
            except TemplateError as exc:
                return [str(exc)]
        return []

    workbooks = office.workbooks()
    if not workbooks:
        return ["Es gibt keine Arbeitsmappe, mit der die Vorlage geprüft werden kann. Zuerst eine hochladen."]
    try:
        data, _ = load(list(workbooks.values())[-1])
    except Exception as exc:  # noqa: BLE001
        return [f"Die Arbeitsmappe zum Prüfen der Vorlage hat Fehler: {german_message(exc)[0]}"]
    with tempfile.TemporaryDirectory(dir=office.config.data / "tmp") as tmp:
        folder = Path(tmp) / "templates"
        shutil.copytree(office.config.templates, folder)
        shutil.copyfile(candidate, folder / target.name)
        return render.check_templates(data, folder)


@page("verwalten")
async def vorlage_hochladen(request: Request, office: Office):
    form = await checked_form(request)
    user = request.scope["ikz_session"].user
    docx = {p.name: p for p in _templates(office)}
    target = docx.get(str(form.get("ziel", "")))
    if target is None:
        await form.close()
        return await _vorlagen_error(request, office, "Bitte wählen, welche Vorlage ersetzt werden soll.")
    upload = form.get("datei")
    if upload is None or not hasattr(upload, "read") or not upload.filename:
        return await _vorlagen_error(request, office, "Bitte eine Word-Datei (.docx) oder Textdatei (.txt) auswählen.")
    kind = "vorlage" if target.suffix == ".docx" else "vorlage-text"
    try:
        scratch, sha, size = await uploads.receive_checked(upload, office.config.max_template,
                                                           office.config.data / "tmp", kind)
    except uploads.UploadError as exc:
        return await _vorlagen_error(request, office, str(exc), 413 if "zu groß" in str(exc) else 400)
    finally:
        await form.close()
    problems = await run_in_threadpool(_check_with, office, target, scratch)
    if problems:
        scratch.unlink(missing_ok=True)
        office.db.audit(user.name, client_address(request), "Vorlage abgelehnt",
                        f"{target.name}: {len(problems)} Probleme")
        return await _vorlagen_error(request, office, f"Die Vorlage wurde nicht übernommen: Die Prüfung fand "
                                                      f"{len(problems)} Problem(e). »{target.name}« ist unverändert.",
                                     400, problems)
    stored = await run_in_threadpool(_install_template, office, scratch, target, upload.filename, sha, size,
                                     user.name, kind)
    office.db.audit(user.name, client_address(request), "Vorlage ersetzt", f"{target.name}: Version {stored.id}")
    return redirect("/vorlagen", f"»{target.name}« geprüft und übernommen (Version {stored.id}).")


async def _vorlagen_error(request, office, message, status=400, problems=None):
    return await vorlagen.__wrapped__(request, office, error=message, status=status, problems=problems)


def _install_template(office: Office, scratch: Path, target: Path, uploaded_name: str, sha: str, size: int,
                      user: str, kind: str) -> uploads.Stored:
    from ..digest import sha256_file
    from ..fsutil import write_atomic

    old = sha256_file(target)
    if office.db.one("SELECT id FROM uploads WHERE kind = ? AND sha256 = ?", (kind, old)) is None:
        uploads.store_bytes(office.db, office.config.data, target.read_bytes(), kind=kind, target=target.name,
                            name=target.name, user="(Server)", note="Stand vor dem Ersetzen")
    stored = uploads.store(office.db, office.config.data, scratch, kind=kind, target=target.name,
                           name=uploaded_name, sha256=sha, size=size, user=user)
    write_atomic(target, stored.path.read_bytes(), mode=0o644)
    return stored


# -- Verlauf ---------------------------------------------------------------------------

@page("verwalten", "verlauf")
async def verlauf(request: Request, office: Office):
    try:
        seite = max(0, int(request.query_params.get("seite", "0")))
    except ValueError:
        seite = 0
    rows = office.db.query("SELECT * FROM audit ORDER BY id DESC LIMIT 101 OFFSET ?", (seite * 100,))
    return office.render(request, "verlauf.html", title="Verlauf", rows=rows[:100], seite=seite,
                         weiter=len(rows) > 100)


# -- Benutzer --------------------------------------------------------------------------

@page("verwalten", "benutzer")
async def benutzer(request: Request, office: Office, error: str | None = None, status: int = 200):
    from .views_results import signing_state

    return office.render(request, "benutzer.html", status=status, title="Benutzer", users=office.db.users(),
                         roles=ROLES, error=error, signing=signing_state(office),
                         config_file=office.config.signing_config.name)


@page("verwalten")
async def benutzer_anlegen(request: Request, office: Office):
    form = await checked_form(request)
    admin = request.scope["ikz_session"].user
    name, role, password = str(form.get("name", "")), str(form.get("rolle", "")), str(form.get("passwort", ""))
    try:
        user = await run_in_threadpool(auth.create_user, office.db, name, role, password)
    except auth.AuthError as exc:
        return await benutzer.__wrapped__(request, office, error=str(exc), status=400)
    office.db.audit(admin.name, client_address(request), "Benutzer angelegt", f"{user.name} ({user.role})")
    return redirect("/benutzer", f"Benutzer »{user.name}« angelegt.")


@page("verwalten")
async def benutzer_aendern(request: Request, office: Office):
    form = await checked_form(request)
    admin = request.scope["ikz_session"].user
    name, action = str(form.get("name", "")), str(form.get("aktion", ""))
    try:
        if name.lower() == admin.name.lower() and action in ("sperren", "rolle"):
            raise auth.AuthError("Das eigene Konto kann man nicht sperren oder herabstufen.")
        if action == "sperren":
            auth.set_locked(office.db, name, True)
            what = "gesperrt"
        elif action == "entsperren":
            auth.set_locked(office.db, name, False)
            what = "entsperrt"
        elif action == "rolle":
            auth.set_role(office.db, name, str(form.get("rolle", "")))
            what = f"Rolle: {form.get('rolle')}"
        elif action == "passwort":
            await run_in_threadpool(auth.set_password, office.db, name, str(form.get("passwort", "")))
            what = "Passwort neu gesetzt"
        else:
            raise Refused(400, "Ungültige Angabe", "Unbekannte Aktion.")
    except auth.AuthError as exc:
        return await benutzer.__wrapped__(request, office, error=str(exc), status=400)
    office.db.audit(admin.name, client_address(request), "Benutzer geändert", f"{name}: {what}")
    return redirect("/benutzer", f"Benutzer »{name}«: {what}.")
