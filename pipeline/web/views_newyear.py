"""»Neues Jahr aus dem Vorjahr«: next year's workbook from last year's (pipeline.newyear), with its checklist."""

from __future__ import annotations

import re
import tempfile
import urllib.parse
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from . import uploads
from .app import Office, Refused, client_address
from .errors import german_message


async def create(request: Request, office: Office, form):
    from ..digest import sha256_file
    from ..newyear import roll_over

    user = request.scope["ikz_session"].user
    previous_name = str(form.get("vorjahr", ""))
    previous = office.workbooks().get(previous_name)
    if previous is None:
        raise Refused(400, "Ungültige Angabe", "Bitte die Arbeitsmappe des Vorjahres wählen.")

    def build():
        with tempfile.TemporaryDirectory(dir=office.config.data / "tmp") as tmp:
            made = roll_over(previous, Path(tmp) / "neu.xlsx")
            numbered = re.fullmatch(r"(.*?)(\d{4})", previous_name)  # ikz-2025 → ikz-2026, as staff name them
            name = f"{numbered.group(1)}{int(numbered.group(2)) + 1}" if numbered else f"ikz-{made.bis.year}"
            target = office.config.inputs / f"{name}.xlsx"
            if target.exists():
                raise Refused(409, "Gibt es schon",
                              f"Die Arbeitsmappe »{name}« gibt es schon; nichts wurde verändert. Sie kann auf der Seite "
                              "»Arbeitsmappe« heruntergeladen und als neue Version hochgeladen werden.")
            scratch = Path(tempfile.mkstemp(dir=office.config.data / "tmp", suffix=".part")[1])
            scratch.write_bytes(made.path.read_bytes())
            sha, size = sha256_file(scratch), scratch.stat().st_size
            stored = uploads.store(office.db, office.config.data, scratch, kind="arbeitsmappe", target=name,
                                   name=f"{name}.xlsx", sha256=sha, size=size, user=user.name,
                                   note=f"neues Jahr aus {previous_name}")
            from ..fsutil import write_atomic

            write_atomic(target, stored.path.read_bytes(), mode=0o644)
            return made, name, stored

    try:
        made, name, stored = await run_in_threadpool(build)
    except Refused:
        raise
    except Exception as exc:  # noqa: BLE001 - last year's workbook has errors, …
        message, rows = german_message(exc)
        raise Refused(400, "Neues Jahr nicht angelegt",
                      f"Aus »{previous_name}« konnte keine neue Arbeitsmappe angelegt werden: {message}"
                      + (f" ({len(rows)} Fehler; die Seite »Prüfen« zeigt sie.)" if rows else "")) from None
    office.db.audit(user.name, client_address(request), "Neues Jahr angelegt",
                    f"{name} aus {previous_name}: Version {stored.id}, {len(made.review)} Punkte zu prüfen")
    return office.render(request, "neues_jahr.html", title=f"Neue Arbeitsmappe {name}", name=name,
                         previous=previous_name, made=made, version=stored.id,
                         link=f"/m/{urllib.parse.quote(name)}/pruefen")
