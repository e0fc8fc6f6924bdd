"""Pages: Rücklauf (returned PDFs, the matrix, downloads, reminders) and Signatur prüfen."""

from __future__ import annotations

import os
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.routing import Route

from ..german import datum
from . import uploads
from .app import Office, checked_form, client_address, page
from .errors import german_message


def routes() -> list[Route]:
    return [
        Route("/signatur", signatur, methods=["GET", "POST"]),
        Route("/m/{wb}/ruecklauf", ruecklauf_page, methods=["GET", "POST"]),
        Route("/m/{wb}/ruecklauf/uebersicht.xlsx", uebersicht_xlsx),
        Route("/m/{wb}/ruecklauf/arbeitsmappe-kopie", arbeitsmappe_kopie, methods=["POST"]),
        Route("/m/{wb}/ruecklauf/erinnerungen", erinnerungen, methods=["POST"]),
        Route("/m/{wb}/ruecklauf/datei/{id:int}", rueck_datei),
    ]


def trust_roots(office: Office) -> tuple[list[Path], list[Path]]:
    """Trust anchors of the signing configuration, and the local demonstration CAs (as the CLI's verify)."""
    from .. import sign

    roots: list[Path] = []
    config = sign.load_config(office.config.signing_config, os.environ)
    if config is not None:
        roots.extend(config.trust_roots)
    demo = sorted((office.config.state / "demo").glob(f"**/{sign.DEMO_CA_FILE}"))
    return roots, demo


def field_rows(report) -> list[dict]:
    return [{"label": f.label, "status": f.status, "ok": f.intact, "signed": f.signed, "broken": f.broken,
             "trusted": f.trusted} for f in report.fields]


@page("lesen", "signatur")
async def signatur(request: Request, office: Office):
    result, error = None, None
    status = 200
    if request.method == "POST":
        form = await checked_form(request)
        user = request.scope["ikz_session"].user
        upload = form.get("datei")
        try:
            if upload is None or not hasattr(upload, "read") or not upload.filename:
                raise uploads.UploadError("Bitte eine PDF-Datei auswählen.")
            scratch, sha, size = await uploads.receive(upload, office.config.max_pdf, office.config.data / "tmp")
            try:
                uploads.check_content(scratch, "signatur")
                result = await run_in_threadpool(_verify, office, scratch)
            finally:
                scratch.unlink(missing_ok=True)
            result["name"] = uploads.display_name(upload.filename)
            office.db.audit(user.name, client_address(request), "Signatur geprüft",
                            f"»{result['name']}«: {result['summary']}")
        except uploads.UploadError as exc:
            error, status = str(exc), 413 if "zu groß" in str(exc) else 400
        finally:
            await form.close()
    return office.render(request, "signatur.html", status=status, title="Signatur prüfen", result=result,
                         error=error)


def _verify(office: Office, pdf: Path) -> dict:
    from ..sign import overview, verification

    roots, demo = trust_roots(office)
    try:
        report = verification.verify(pdf, roots, demo)
    except Exception as exc:  # noqa: BLE001
        raise uploads.UploadError(f"Die Datei kann nicht geprüft werden: {german_message(exc)[0]}") from None
    return {"title": report.title, "fields": field_rows(report), "ok": report.ok,
            "persons": overview.persons_line(report.persons) if report.persons else "",
            "office": overview.office_line([report]),
            "summary": "in Ordnung" if report.ok else "UNGÜLTIGE Signatur"}


# -- Rücklauf -------------------------------------------------------------------------------

MAX_FILES = 100


def _returned_rows(office: Office, name: str):
    return office.db.query("SELECT * FROM uploads WHERE kind = 'ruecklauf' AND target = ? ORDER BY id", (name,))


def _overview(office: Office, name: str) -> Path:
    from ..ruecklauf import OVERVIEW
    from ..store import ARCHIVE

    return office.config.outputs / ARCHIVE / name / OVERVIEW


def evaluate(office: Office, name: str, workbook: Path):
    """The Rücklauf of this workbook: every PDF uploaded for it, counted with the copies kept in the outputs
    (as `make ruecklauf` does). The uploads are handed to the library in a scratch folder named by id."""
    import shutil
    import tempfile

    from .. import ruecklauf
    from ..store import ARCHIVE
    from ..validate import load

    data, _ = load(workbook)
    outputs = office.config.outputs
    run_folder = outputs / name
    roots, demo = trust_roots(office)
    rows = {row["id"]: row for row in _returned_rows(office, name)}
    with tempfile.TemporaryDirectory(dir=office.config.data / "tmp") as tmp:
        folder = Path(tmp)
        for uid, row in rows.items():
            source = uploads.path_of(office.config.data, row)
            try:
                os.link(source, folder / f"{uid}.pdf")
            except OSError:
                shutil.copyfile(source, folder / f"{uid}.pdf")
        result = ruecklauf.collect(data, run_folder, [folder], roots, demo, outputs=outputs)
        kept = outputs / ARCHIVE / name
        ruecklauf.archive(result, kept / ruecklauf.INBOX)
        ruecklauf.record(kept, result)
        files = []
        for r in result.files:
            row = rows[int(r.file.stem)]  # every file in the folder is an upload named by its id
            files.append({"id": row["id"], "name": row["name"], "user": row["user"], "at": row["at"],
                          "what": r.describe(), "match": r.match, "ok": r.report.ok,
                          "signatures": [f"{f.label}: {f.status}" for f in r.report.persons if f.signed]})
    kommunen = []
    for state in result.projects:
        for s in state.signers:
            if s.kommune not in kommunen:
                kommunen.append(s.kommune)
    order = {k.key: i for i, k in enumerate(data.kommunen)}
    kommunen.sort(key=lambda k: order.get(k.key, 0))
    matrix = []
    for state in result.projects:
        by = {s.kommune.key: s for s in state.signers}
        cells = []
        for k in kommunen:
            signer = by.get(k.key)
            if signer is None:
                cells.append({"css": "", "text": "–", "title": "nicht beteiligt"})
            elif signer.signed:
                who = signer.signature.who if signer.signature is not None else "laut Arbeitsmappe"
                when = datum(signer.date)
                cells.append({"css": "unterschrieben", "text": f"unterschrieben {when}", "title": who})
            elif signer.invalid:
                cells.append({"css": "ungueltig", "text": "UNGÜLTIG", "title": "nur ungültige Unterschriften"})
            else:
                cells.append({"css": "fehlt", "text": "fehlt", "title": ""})
        matrix.append({"project": state.project, "title": state.target.entry.title,
                       "count": f"{len(state.signed)} von {len(state.signers)}", "cells": cells,
                       "line": state.line()})
    return {"files": files, "kommunen": [k.key for k in kommunen], "matrix": matrix, "ok": result.ok,
            "counted": result.counted, "hidden": result.hidden, "result": result, "data": data}


@page("lesen", "ruecklauf")
async def ruecklauf_page(request: Request, office: Office):
    name = request.path_params["wb"]
    workbook = office.workbook(name)
    user = request.scope["ikz_session"].user
    errors: list[str] = []
    if request.method == "POST":
        form = await checked_form(request)
        try:
            if not user.may("bearbeiten"):
                from .app import forbidden

                raise forbidden("Rückläufe hochladen darf die Rolle »Bearbeiten«; Sie haben »Lesen«.")
            files = [f for f in form.getlist("dateien") if hasattr(f, "read") and f.filename]
            if not files:
                errors.append("Bitte eine oder mehrere PDF-Dateien auswählen.")
            if len(files) > MAX_FILES:
                errors.append(f"Höchstens {MAX_FILES} Dateien auf einmal; bitte in mehreren Schritten hochladen.")
                files = []
            stored = 0
            for upload in files:
                shown = uploads.display_name(upload.filename)
                try:
                    scratch, sha, size = await uploads.receive_checked(upload, office.config.max_pdf,
                                                                       office.config.data / "tmp", "ruecklauf")
                except uploads.UploadError as exc:
                    errors.append(f"»{shown}«: {exc} Diese Datei wurde nicht übernommen.")
                    continue
                if office.db.one("SELECT id FROM uploads WHERE kind = 'ruecklauf' AND target = ? AND sha256 = ?",
                                 (name, sha)) is not None:
                    scratch.unlink(missing_ok=True)
                    errors.append(f"»{shown}« ist schon da (gleicher Inhalt); sie zählt einmal.")
                    continue
                uploads.store(office.db, office.config.data, scratch, kind="ruecklauf", target=name,
                              name=upload.filename, sha256=sha, size=size, user=user.name)
                stored += 1
            if stored:
                office.db.audit(user.name, client_address(request), "Rücklauf hochgeladen",
                                f"{name}: {stored} PDF-Dateien")
        finally:
            await form.close()
    try:
        state = await run_in_threadpool(evaluate, office, name, workbook)
        fatal = None
    except Exception as exc:  # noqa: BLE001 - no run yet, workbook with errors, …
        state, fatal = None, german_message(exc)[0]
    return office.render(request, "ruecklauf.html", status=400 if errors and request.method == "POST" else 200,
                         title=f"Rücklauf: {name}", name=name, state=state, fatal=fatal, errors=errors,
                         overview=_overview(office, name).is_file())


@page("lesen")
async def rueck_datei(request: Request, office: Office):
    from starlette.responses import FileResponse

    from .app import not_found

    row = office.db.one("SELECT * FROM uploads WHERE id = ? AND kind = 'ruecklauf' AND target = ?",
                        (request.path_params["id"], request.path_params["wb"]))
    if row is None:
        raise not_found()
    return FileResponse(uploads.path_of(office.config.data, row), media_type="application/pdf",
                        filename=f"ruecklauf-{row['id']}.pdf")


@page("lesen")
async def uebersicht_xlsx(request: Request, office: Office):
    from starlette.responses import FileResponse

    from .app import not_found

    name = request.path_params["wb"]
    office.workbook(name)
    path = _overview(office, name)
    if not path.is_file():
        raise not_found("Es gibt noch keine Übersicht: zuerst die Seite »Rücklauf« öffnen.")
    return FileResponse(path, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        filename=f"Ruecklauf-{name}.xlsx")


@page("bearbeiten")
async def arbeitsmappe_kopie(request: Request, office: Office):
    """The workbook with »Unterzeichnet am« filled where a valid signature was found, as a download (the
    workbook itself is unchanged; staff check the copy and upload it as a new version)."""
    import datetime as dt
    import shutil
    import tempfile

    from starlette.responses import Response

    from .. import ruecklauf

    await checked_form(request)
    name = request.path_params["wb"]
    workbook = office.workbook(name)

    def build() -> tuple[bytes, int]:
        state = evaluate(office, name, workbook)
        with tempfile.TemporaryDirectory(dir=office.config.data / "tmp") as tmp:
            copy = Path(tmp) / workbook.name
            shutil.copyfile(workbook, copy)
            made, filled = ruecklauf.workbook_copy(copy, state["result"], dt.date.today())
            return made.read_bytes(), filled

    content, filled = await run_in_threadpool(build)
    office.db.audit(request.scope["ikz_session"].user.name, client_address(request),
                    "Arbeitsmappe mit Unterschriftsdaten heruntergeladen", f"{name}: {filled} Daten ergänzt")
    filename = f"{name}-ruecklauf-{dt.date.today():%Y-%m-%d}.xlsx"
    return Response(content, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"content-disposition": f'attachment; filename="{filename}"'})


@page("bearbeiten")
async def erinnerungen(request: Request, office: Office):
    """A ZIP of .eml drafts: one to each Kommune whose signature is still missing (with an address)."""
    from starlette.background import BackgroundTask
    from starlette.responses import FileResponse

    from . import erinnerung
    from .views_results import zip_files

    await checked_form(request)
    name = request.path_params["wb"]
    workbook = office.workbook(name)

    def build():
        state = evaluate(office, name, workbook)
        return erinnerung.write_drafts(office, name, state["data"], state["result"])

    try:
        drafts, without = await run_in_threadpool(build)
    except Exception as exc:  # noqa: BLE001 - a broken reminder template: its line, nothing written
        from .app import Refused

        raise Refused(400, "Erinnerungen nicht erstellt", german_message(exc)[0]) from None
    if not drafts:
        from .app import redirect

        return redirect(f"/m/{name}/ruecklauf", "Keine Erinnerung nötig: Es fehlt keine Unterschrift bei einer "
                                                "Kommune mit E-Mail-Adresse." + (f" Ohne Adresse: {', '.join(without)}." if without else ""))
    archive = await run_in_threadpool(zip_files, office, drafts)
    for path, _ in drafts:
        path.unlink(missing_ok=True)
    office.db.audit(request.scope["ikz_session"].user.name, client_address(request), "Erinnerungen erstellt",
                    f"{name}: {len(drafts)} E-Mail-Entwürfe")
    return FileResponse(archive, media_type="application/zip", filename=f"erinnerungen-{name}.zip",
                        background=BackgroundTask(archive.unlink, missing_ok=True))
