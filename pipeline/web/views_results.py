"""Pages: Erzeugen (with live progress), Ergebnisse (downloads, previews, ZIP), Versand."""

from __future__ import annotations

import os
import subprocess
import tempfile
import urllib.parse
import zipfile
from pathlib import Path

from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse
from starlette.routing import Route

from .app import Office, Refused, checked_form, client_address, json_response, not_found, page, redirect
from .errors import german_message
from .jobs import BusyError

MIME = {".pdf": "application/pdf", ".json": "application/json",
        ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ".eml": "message/rfc822", ".zip": "application/zip"}


def routes() -> list[Route]:
    return [
        Route("/m/{wb}/erzeugen", erzeugen, methods=["GET", "POST"]),
        Route("/m/{wb}/erzeugen/stand", stand),
        Route("/m/{wb}/ergebnisse", ergebnisse),
        Route("/m/{wb}/datei/{i:int}/{art}", datei),
        Route("/m/{wb}/vorschau/{i:int}", vorschau),
        Route("/m/{wb}/manifest.json", manifest_json),
        Route("/m/{wb}/ergebnisse.zip", alles_zip),
        Route("/m/{wb}/versand", versand, methods=["GET", "POST"]),
        Route("/m/{wb}/versand/liste", versandliste),
        Route("/m/{wb}/versand/{k:int}/{f:int}", versand_datei),
        Route("/m/{wb}/versand/{k:int}.zip", versand_zip),
    ]


def signing_state(office: Office) -> dict:
    """Which certificate signs: the demonstration certificate, or a configured one (then: is a passphrase needed?)."""
    from ..sign import ENV_PASSPHRASE, load_config

    try:
        config = load_config(office.config.signing_config, os.environ)
    except Exception as exc:  # noqa: BLE001
        return {"demo": False, "needs_passphrase": False, "error": german_message(exc)[0], "certificate": ""}
    if config is None:
        return {"demo": True, "needs_passphrase": False, "error": None, "certificate": ""}
    return {"demo": False, "needs_passphrase": not os.environ.get(ENV_PASSPHRASE), "error": None,
            "certificate": config.pkcs12.name}


# -- Erzeugen ------------------------------------------------------------------------

@page("lesen", "erzeugen")
async def erzeugen(request: Request, office: Office):
    name = request.path_params["wb"]
    path = office.workbook(name)
    user = request.scope["ikz_session"].user
    error = None
    if request.method == "POST":
        form = await checked_form(request)
        if not user.may("bearbeiten"):
            from .app import forbidden

            raise forbidden("Dokumente erzeugen darf die Rolle »Bearbeiten«; Sie haben »Lesen«. "
                            "Bitte die Verwaltung fragen.")
        passphrase = str(form.get("passwort", "")) or None
        sig = signing_state(office)
        if sig["needs_passphrase"] and not passphrase:
            error = f"Bitte das Passwort des Zertifikats »{sig['certificate']}« eingeben."
        else:
            try:
                office.runner.submit(workbook=path, user=user.name, outputs=office.config.outputs,
                                     templates=office.config.templates, state=office.config.state,
                                     config=office.config.signing_config if office.config.signing_config.is_file() else None,
                                     passphrase=passphrase if sig["needs_passphrase"] else None,
                                     force=form.get("alles") == "ja", jobs=office.config.jobs)
            except BusyError as exc:
                error = str(exc)
            else:
                return redirect(f"/m/{urllib.parse.quote(name)}/erzeugen")
            finally:
                passphrase = None
                form = None
    job = office.runner.job_for(name)
    elsewhere = office.runner.running_elsewhere(name)
    last = office.db.query("SELECT * FROM runs WHERE workbook = ? ORDER BY id DESC LIMIT 5", (name,))
    return office.render(request, "erzeugen.html", status=409 if error and "läuft schon" in error else 200,
                         title=f"Erzeugen: {name}", name=name, job=job.as_dict() if job else None,
                         elsewhere=elsewhere, error=error, signing=signing_state(office), runs=last)


@page("lesen")
async def stand(request: Request, office: Office):
    name = request.path_params["wb"]
    office.workbook(name)
    job = office.runner.job_for(name)
    if request.query_params.get("warten") and job is not None and job.status == "läuft":
        await run_in_threadpool(office.runner.wait_change, 2.0)
        job = office.runner.job_for(name)
    return json_response(job.as_dict() if job else {"status": None})


# -- Ergebnisse -----------------------------------------------------------------------

def _manifest(office: Office, name: str):
    from ..store import Manifest

    office.workbook(name)
    folder = office.config.outputs / name
    return folder, Manifest.load(folder / "manifest.json")


def _inside(folder: Path, rel: str) -> Path:
    """The file `rel` (from a manifest this program wrote) inside `folder`, or 404."""
    path = (folder / rel).resolve()
    if not path.is_relative_to(folder.resolve()) or not path.is_file():
        raise not_found("Diese Datei gibt es nicht (mehr). Vielleicht wurde inzwischen neu erzeugt.")
    return path


@page("lesen", "ergebnisse")
async def ergebnisse(request: Request, office: Office):
    from ..kinds import BUNDLE_KINDS, DOCUMENT_KINDS

    name = request.path_params["wb"]
    folder, manifest = _manifest(office, name)
    labels = {k.name: k.label for k in DOCUMENT_KINDS + BUNDLE_KINDS}
    bundle_names = {k.name for k in BUNDLE_KINDS}
    documents: list[dict] = []
    bundles: list[dict] = []
    if manifest is not None:
        for i, e in enumerate(manifest.entries):
            row = {"i": i, "e": e, "label": labels.get(e.kind, e.kind), "file": Path(e.path).name,
                   "docx": Path(e.docx).name if e.docx else None}
            (bundles if e.kind in bundle_names else documents).append(row)
    return office.render(request, "ergebnisse.html", title=f"Ergebnisse: {name}", name=name, manifest=manifest,
                         documents=documents, bundles=bundles)


def _entry(office: Office, name: str, i: int):
    folder, manifest = _manifest(office, name)
    if manifest is None or not 0 <= i < len(manifest.entries):
        raise not_found("Diese Datei gibt es nicht (mehr). Vielleicht wurde inzwischen neu erzeugt.")
    return folder, manifest.entries[i]


@page("lesen")
async def datei(request: Request, office: Office):
    name, i, art = request.path_params["wb"], request.path_params["i"], request.path_params["art"]
    folder, entry = _entry(office, name, i)
    if art == "pdf":
        rel = entry.path
    elif art == "docx" and entry.docx:
        rel = entry.docx
    else:
        raise not_found()
    path = _inside(folder, rel)
    if path.suffix == ".pdf":
        office.db.audit(request.scope["ikz_session"].user.name, client_address(request),
                        "Signierte Datei heruntergeladen", f"{name}/{rel}")
    return FileResponse(path, media_type=MIME.get(path.suffix, "application/octet-stream"), filename=path.name)


@page("lesen")
async def vorschau(request: Request, office: Office):
    name, i = request.path_params["wb"], request.path_params["i"]
    folder, entry = _entry(office, name, i)
    pdf = _inside(folder, entry.path)
    cache = office.config.data / "vorschau"
    png = cache / f"{entry.sha256}.png"
    if not png.is_file():
        await run_in_threadpool(_preview, pdf, png)
    return FileResponse(png, media_type="image/png", headers={"cache-control": "private, max-age=86400"})


def _preview(pdf: Path, png: Path) -> None:
    png.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=png.parent) as tmp:
        subprocess.run(["pdftoppm", "-png", "-f", "1", "-l", "1", "-scale-to", "240", "-singlefile", str(pdf),
                        str(Path(tmp) / "seite")], check=True, capture_output=True, timeout=60)
        os.replace(Path(tmp) / "seite.png", png)


@page("lesen")
async def manifest_json(request: Request, office: Office):
    folder, manifest = _manifest(office, request.path_params["wb"])
    if manifest is None:
        raise not_found("Es gibt noch keine Ergebnisse: zuerst »Erzeugen«.")
    return FileResponse(folder / "manifest.json", media_type="application/json", filename="manifest.json")


def zip_files(office: Office, files: list[tuple[Path, str]]) -> Path:
    """A ZIP of (file, name in the ZIP) in the scratch folder; deleted after it was sent."""
    fd, name = tempfile.mkstemp(dir=office.config.data / "tmp", suffix=".zip")
    os.close(fd)
    with zipfile.ZipFile(name, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for path, arc in files:
            zf.write(path, arc)
    return Path(name)


@page("lesen")
async def alles_zip(request: Request, office: Office):
    name = request.path_params["wb"]
    folder, manifest = _manifest(office, name)
    if manifest is None:
        raise not_found("Es gibt noch keine Ergebnisse: zuerst »Erzeugen«.")
    rels = ["manifest.json"] + [e.path for e in manifest.entries] + [e.docx for e in manifest.entries if e.docx]
    files = [(_inside(folder, rel), f"{name}/{rel}") for rel in rels]
    archive = await run_in_threadpool(zip_files, office, files)
    office.db.audit(request.scope["ikz_session"].user.name, client_address(request),
                    "Signierte Dateien heruntergeladen", f"{name}: alle Ergebnisse als ZIP")
    return FileResponse(archive, media_type="application/zip", filename=f"{name}-ergebnisse.zip",
                        background=BackgroundTask(archive.unlink, missing_ok=True))


# -- Versand -------------------------------------------------------------------------

def _versand_folders(office: Office, name: str) -> tuple[Path, list[Path]]:
    office.workbook(name)
    folder = office.config.outputs / name / "versand"
    if not folder.is_dir():
        return folder, []
    return folder, sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))


@page("lesen", "versand")
async def versand(request: Request, office: Office):
    from ..versand import VersandOptions, run_versand

    name = request.path_params["wb"]
    path = office.workbook(name)
    user = request.scope["ikz_session"].user
    error: str | None = None
    problems: list[dict] = []
    if request.method == "POST":
        await checked_form(request)
        if not user.may("bearbeiten"):
            from .app import forbidden

            raise forbidden("Den Versand vorbereiten darf die Rolle »Bearbeiten«; Sie haben »Lesen«.")
        try:
            result = await run_in_threadpool(run_versand, VersandOptions(
                workbook=path, outputs=office.config.outputs, templates=office.config.templates, allow_open=True))
        except Exception as exc:  # noqa: BLE001
            error, problems = german_message(exc)
        else:
            office.db.audit(user.name, client_address(request), "Versand vorbereitet",
                            f"{name}: {len(result.plan.mailings)} Ordner, {len(result.drafts)} E-Mail-Entwürfe")
            return redirect(f"/m/{urllib.parse.quote(name)}/versand",
                            f"Versand vorbereitet: {len(result.plan.mailings)} Ordner, "
                            f"{len(result.drafts)} E-Mail-Entwürfe.")
    folder, kommunen = _versand_folders(office, name)
    listing = [{"k": k, "name": d.name, "files": [{"f": f, "name": p.name, "size": p.stat().st_size,
                                                   "eml": p.suffix == ".eml"} for f, p in enumerate(_files(d))]}
               for k, d in enumerate(kommunen)]
    return office.render(request, "versand.html", status=400 if error else 200, title=f"Versand: {name}",
                         name=name, listing=listing, liste=(folder / "Versandliste.xlsx").is_file(), error=error,
                         problems=problems)


def _versand_file(office: Office, name: str, k: int, f: int | None) -> Path:
    _, kommunen = _versand_folders(office, name)
    if not 0 <= k < len(kommunen):
        raise not_found()
    if f is None:
        return kommunen[k]
    files = _files(kommunen[k])
    if not 0 <= f < len(files):
        raise not_found()
    return files[f]


@page("lesen")
async def versand_datei(request: Request, office: Office):
    name = request.path_params["wb"]
    path = _versand_file(office, name, request.path_params["k"], request.path_params["f"])
    if path.suffix in (".pdf", ".eml"):
        office.db.audit(request.scope["ikz_session"].user.name, client_address(request),
                        "Signierte Datei heruntergeladen", f"{name}/versand/{path.parent.name}/{path.name}")
    return FileResponse(path, media_type=MIME.get(path.suffix, "application/octet-stream"), filename=path.name)


@page("lesen")
async def versand_zip(request: Request, office: Office):
    name = request.path_params["wb"]
    folder = _versand_file(office, name, request.path_params["k"], None)
    archive = await run_in_threadpool(zip_files, office, [(p, f"{folder.name}/{p.name}") for p in _files(folder)])
    office.db.audit(request.scope["ikz_session"].user.name, client_address(request),
                    "Signierte Dateien heruntergeladen", f"{name}/versand/{folder.name} als ZIP")
    return FileResponse(archive, media_type="application/zip", filename=f"versand-{folder.name}.zip",
                        background=BackgroundTask(archive.unlink, missing_ok=True))


@page("lesen")
async def versandliste(request: Request, office: Office):
    folder, _ = _versand_folders(office, request.path_params["wb"])
    path = folder / "Versandliste.xlsx"
    if not path.is_file():
        raise not_found("Es gibt noch keine Versandliste: zuerst »Versand vorbereiten«.")
    return FileResponse(path, media_type=MIME[".xlsx"], filename=path.name)


__all__ = ["routes", "signing_state", "zip_files", "Refused"]
