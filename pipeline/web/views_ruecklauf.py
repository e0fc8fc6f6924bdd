"""Pages: Rücklauf (returned PDFs, the matrix, downloads, reminders) and Signatur prüfen."""

from __future__ import annotations

import os
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.routing import Route

from . import uploads
from .app import Office, checked_form, client_address, page
from .errors import german_message


def routes() -> list[Route]:
    return [
        Route("/signatur", signatur, methods=["GET", "POST"]),
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
