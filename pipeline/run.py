"""Wire the stages into one run: workbook → documents → PDFs → bundles → signatures.

The stages never call each other; this module passes their typed results on.
A run is incremental (every output records the digest of what it was made
from and is reused when that is unchanged), atomic (it writes into a staging
folder that replaces the previous outputs only when everything succeeded)
and locked (a second run on the same outputs waits or stops).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import __version__
from .errors import Problem
from .model import IKZData, Project
from .store import Manifest, ManifestEntry, OutputStore, check_free_space, key_of, sha256_file

Progress = Callable[[str, str, int, int], None]
"""progress(step, item, done, total): called by the run; the CLI draws it."""

PACKAGE_DIR = Path(__file__).resolve().parent
KIND_LABELS = {
    "projektauftrag": "Projektauftrag",
    "zwischenbericht": "Zwischenbericht",
    "schlussbericht": "Schlussbericht",
    "jahresbericht": "Jahresbericht",
}
KIND_TITLES = {
    "projektauftrag": "Projektauftrag",
    "zwischenbericht": "Zwischenbericht der Projektgruppe",
    "schlussbericht": "Schlussbericht der Projektgruppe",
    "jahresbericht": "IKZ-Zwischenbericht",
}


def code_version() -> str:
    """Digest of the package's own source: a code change invalidates all outputs."""
    h = hashlib.sha256(__version__.encode())
    for path in sorted(PACKAGE_DIR.glob("*.py")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


@dataclass(frozen=True)
class Options:
    """What a run does and where."""

    workbook: Path
    outputs: Path = Path("outputs")
    templates: Path = Path("templates")
    state: Path = Path(".ikz")
    jobs: int = os.cpu_count() or 1
    force: bool = False
    signing: object | None = None  # sign.SigningConfig; None → demonstration certificate
    timeout: float = 600.0
    wait: float = 0.0  # seconds to wait for another run's lock


@dataclass(frozen=True)
class DocJob:
    """One document of the run: what it is, from which template, under which key."""

    kind: str
    project: str | None
    title: str
    stem: str
    template: Path
    key: str

    @property
    def docx_rel(self) -> str:
        return f"word/{self.stem}.docx"

    @property
    def pdf_rel(self) -> str:
        return f"pdf/{self.stem}.pdf"


@dataclass(frozen=True)
class RunResult:
    """What a run produced, for the CLI's summary."""

    folder: Path
    manifest: Manifest
    built: int
    reused: int
    bundles_built: int
    bundles_reused: int
    warnings: tuple[Problem, ...]
    demo_certificate: bool
    seconds: float


def _noop(step: str, item: str, done: int, total: int) -> None:
    pass


def plan_documents(data: IKZData, templates: Path, code: str) -> list[DocJob]:
    """Every document the workbook calls for, with the key of its inputs."""
    from . import naming
    from .context import monat_jahr

    tsha = {kind: sha256_file(templates / f"{kind}.docx") for kind in KIND_TITLES}
    settings = dataclasses.asdict(data.bericht)
    jobs: list[DocJob] = []
    for p in data.projekte:
        if p.participations:
            jobs.append(_job("projektauftrag", p, templates, tsha, code, data, settings))
        for r in p.reports:
            jobs.append(_job(r.art.lower(), p, templates, tsha, code, data, settings))
    jobs.append(DocJob(
        "jahresbericht", None, f"{data.bericht.nummer}. IKZ-Zwischenbericht (Stand {monat_jahr(data.bericht.stand)})",
        naming.annual_stem(data), templates / "jahresbericht.docx",
        key_of("jahresbericht", tsha["jahresbericht"], code, data.sha256)))
    return jobs


def _job(kind, p: Project, templates, tsha, code, data, settings) -> DocJob:
    from . import naming

    return DocJob(kind, p.id, f"{KIND_TITLES[kind]}: {p.titel}", naming.document_stem(kind, p.id),
                  templates / f"{kind}.docx", key_of(kind, tsha[kind], code, data.row_digests[p.id], settings))


def run(options: Options, progress: Progress | None = None) -> RunResult:
    """Validate, render, convert, bundle and sign; replace the outputs atomically."""
    from .validate import load

    progress = progress or _noop
    started = time.monotonic()
    progress("Arbeitsmappe prüfen", Path(options.workbook).name, 0, 1)
    data, warnings = load(options.workbook)

    config = options.signing if options.signing is not None else _demo_config(Path(options.state))
    # The certificate's identity is part of every signed output's key; reading the
    # file is enough (pyHanko is only loaded when something has to be signed).
    cert_id = hashlib.sha256(Path(config.pkcs12).read_bytes()).hexdigest()[:16] if Path(config.pkcs12).is_file() else "-"

    code = code_version()
    jobs = plan_documents(data, Path(options.templates), code)
    store = OutputStore(Path(options.outputs), Path(options.workbook).stem)
    cache = Path(options.state) / "cache"
    with store.locked(wait=options.wait):
        check_free_space(Path(options.outputs), 200 * 1024 * 1024)
        previous = None if options.force else store.previous_manifest()
        prev_by_path = {e.path: e for e in previous.entries} if previous else {}
        staging = store.begin()
        try:
            result = _build(options, data, warnings, jobs, store, staging, prev_by_path, cache, config, cert_id, code,
                            progress)
            progress("Ausgaben übernehmen", str(store.final), 0, 1)
            store.commit()
        except BaseException:
            store.abort()
            raise
    _prune_cache(cache, {j.key for j in jobs})
    return dataclasses.replace(result, folder=store.final, seconds=time.monotonic() - started)


class _DemoConfig:
    """Stands in for the demonstration certificate until something must be signed."""

    def __init__(self, state: Path):
        self.directory = state / "demo"
        self.pkcs12 = self.directory / "demo-signatur.p12"
        self.demo = True
        self._real = None

    def real(self):
        if self._real is None:
            from . import sign

            self._real = sign.ensure_demo_certificate(self.directory)
        return self._real


def _demo_config(state: Path) -> _DemoConfig:
    demo = _DemoConfig(state)
    if not demo.pkcs12.is_file():
        demo.real()  # first run: create it now, so its identity enters the keys
    return demo


def _signing(config):
    """The real SigningConfig, checked (passphrase, validity) before the first signature."""
    from . import sign

    real = config.real() if isinstance(config, _DemoConfig) else config
    sign.load_signer(real)
    return real


def _build(options, data, warnings, jobs, store, staging, prev_by_path, cache, config, cert_id, code, progress) -> RunResult:

    entries: dict[str, ManifestEntry] = {}
    signed_key = {j.key: key_of(j.key, cert_id) for j in jobs}

    # 1. Reuse what is unchanged; everything else is rebuilt.
    todo: list[DocJob] = []
    for job in jobs:
        prev = prev_by_path.get(job.pdf_rel)
        if (prev is not None and prev.key == signed_key[job.key] and (cache / f"{job.key}.pdf").is_file()
                and store.reuse(job.pdf_rel, prev.sha256) and store.reuse(job.docx_rel, prev.docx_sha256)):
            entries[job.pdf_rel] = dataclasses.replace(prev, reused=True)
        else:
            todo.append(job)

    # 2. Render the documents that changed (into the cache, keyed by their inputs).
    cache.mkdir(parents=True, exist_ok=True)
    if todo:
        from . import render

        progress("Vorlagen prüfen", str(options.templates), 0, 1)
        render.require_templates(data, Path(options.templates))
    signing = None
    to_convert: list[DocJob] = []
    for i, job in enumerate(todo):
        docx = cache / f"{job.key}.docx"
        if not docx.is_file():
            progress("Word-Dokumente erzeugen", job.stem, i, len(todo))
            project = data.projekt(job.project) if job.project else None
            tmp = cache / f".tmp-{job.key}.docx"
            render.render_document(data, job.kind, project, job.template, tmp)
            os.replace(tmp, docx)
        if not (cache / f"{job.key}.pdf").is_file():
            to_convert.append(job)

    # 3. Convert in as few LibreOffice starts as possible, in parallel batches.
    if to_convert:
        from . import convert

        progress("PDF erzeugen (LibreOffice)", f"{len(to_convert)} Dokumente", 0, len(to_convert))
        conv_dir = cache / ".convert"
        shutil.rmtree(conv_dir, ignore_errors=True)
        inputs = conv_dir / "in"
        inputs.mkdir(parents=True)
        links = {}
        for job in to_convert:
            link = inputs / f"{job.stem}.docx"
            shutil.copyfile(cache / f"{job.key}.docx", link)
            links[link] = job
        pdfs = convert.convert_all(list(links), conv_dir / "out", jobs=options.jobs, timeout=options.timeout)
        for link, pdf in pdfs.items():
            os.replace(pdf, cache / f"{links[link].key}.pdf")
        shutil.rmtree(conv_dir, ignore_errors=True)

    # 4. Signature fields (Projektauftrag) and the office's signature on each standalone PDF,
    # 5. bundles: one per Kreiskommune and one complete bundle, then signed.
    # Both are CPU-bound pure Python (pypdf, pyHanko): spread over `jobs` processes.
    where = data.bericht.dienststelle or data.bericht.herausgeber
    tasks: list[tuple] = []
    for job in todo:
        participants = ()
        if job.kind == "projektauftrag":
            participants = tuple((k.key, k.name) for k in
                                 (data.kommune(p.kommune) for p in data.projekt(job.project).participants))
        tasks.append(("doc", job.pdf_rel, dict(
            cache_docx=cache / f"{job.key}.docx", cache_pdf=cache / f"{job.key}.pdf", out_docx=staging / job.docx_rel,
            out_pdf=staging / job.pdf_rel, participants=participants,
            reason=f"{job.title} – erstellt von der IKZ-Geschäftsstelle", location=where, contact=data.bericht.email)))
    built = len(todo)
    reused = len(jobs) - built
    bundles = _plan_bundles(data, jobs)
    b_built = b_reused = 0
    bundle_meta: dict[str, tuple] = {}
    for rel, kind, kommune, spec_fn, members in bundles:
        bkey = key_of(kind, kommune, [signed_key[m.key] for m in members], code, cert_id,
                      dataclasses.asdict(data.bericht), [dataclasses.asdict(k) for k in data.kommunen])
        prev = prev_by_path.get(rel)
        if prev is not None and prev.key == bkey and store.reuse(rel, prev.sha256):
            entries[rel] = dataclasses.replace(prev, reused=True)
            b_reused += 1
            continue
        from . import bundle

        spec = spec_fn(tuple(bundle.BundleDocument(m.title, cache / f"{m.key}.pdf", KIND_LABELS[m.kind]) for m in members))
        bundle_meta[rel] = (kind, kommune, bkey, spec.title, tuple(m.pdf_rel for m in members))
        tasks.append(("bundle", rel, dict(spec=spec, out=staging / rel,
                                          reason=f"{spec.title} – zusammengestellt von der IKZ-Geschäftsstelle",
                                          location=where, contact=data.bericht.email)))
        b_built += 1

    if tasks:
        signing = _signing(config)
        progress("PDF signieren und Mappen bilden", f"{len(todo)} Dokumente, {b_built} Mappen", 0, len(tasks))
        by_job = {j.pdf_rel: j for j in todo}
        for i, (rel, info) in enumerate(_run_tasks(tasks, signing, options.jobs)):
            progress("PDF signieren und Mappen bilden", rel, i, len(tasks))
            if rel in by_job:
                job = by_job[rel]
                entries[rel] = ManifestEntry(
                    kind=job.kind, title=job.title, path=rel, sha256=info["sha256"], key=signed_key[job.key],
                    project=job.project, docx=job.docx_rel, docx_sha256=info["docx_sha256"], pages=info["pages"],
                    signature=_sig_label(config), signature_fields=info["fields"],
                    template=f"templates/{job.template.name}", template_sha256=sha256_file(job.template))
            else:
                kind, kommune, bkey, title, members = bundle_meta[rel]
                entries[rel] = ManifestEntry(kind=kind, title=title, path=rel, sha256=info["sha256"], key=bkey,
                                             kommune=kommune, pages=info["pages"], signature=_sig_label(config),
                                             documents=members)

    manifest = Manifest(
        workbook=str(options.workbook), workbook_sha256=data.sha256, created=dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        code_version=code, certificate=str(config.pkcs12), demo_certificate=bool(config.demo),
        entries=tuple(entries[k] for k in [j.pdf_rel for j in jobs] + [b[0] for b in bundles]),
        warnings=tuple(str(w) for w in warnings))
    (staging / "manifest.json").write_text(manifest.to_json(), encoding="utf-8")
    return RunResult(staging, manifest, built, reused, b_built, b_reused, tuple(warnings), bool(config.demo), 0.0)


def _run_tasks(tasks: list[tuple], signing, jobs: int):
    """Run finishing tasks, in worker processes when more than one job is allowed; yield (rel, info)."""
    if jobs <= 1 or len(tasks) <= 1:
        for task in tasks:
            yield task[1], _finish(task, signing)
        return
    import concurrent.futures as cf
    import multiprocessing

    # Largest first (the complete bundle) so the workers finish together.
    order = sorted(tasks, key=lambda t: -len(t[2]["spec"].documents) if t[0] == "bundle" else 0)
    ctx = multiprocessing.get_context("fork")
    with cf.ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
        futures = {pool.submit(_finish, task, signing): task[1] for task in order}
        try:
            for future in cf.as_completed(futures):
                yield futures[future], future.result()
        except BaseException:
            for f in futures:
                f.cancel()
            raise


def _finish(task: tuple, signing) -> dict:
    """Worker: finish one standalone document or build one bundle; sign it. Returns facts for the manifest."""
    from . import sign

    kind, rel, a = task
    if kind == "doc":
        from .convert import pdf_info

        a["out_docx"].parent.mkdir(parents=True, exist_ok=True)
        a["out_pdf"].parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(a["cache_docx"], a["out_docx"])
        source = a["cache_pdf"]
        fields: tuple[str, ...] = ()
        if a["participants"]:
            specs = _signature_fields(a["participants"], source)
            sign.add_signature_fields(source, a["out_pdf"], specs)
            fields = tuple(sp.label for sp in specs)
            source = a["out_pdf"]
        sign.sign_pdf(source, a["out_pdf"], signing, reason=a["reason"], location=a["location"], contact=a["contact"])
        return dict(sha256=sha256_file(a["out_pdf"]), docx_sha256=sha256_file(a["out_docx"]),
                    pages=pdf_info(a["cache_pdf"]).pages, fields=fields)
    from . import bundle

    a["out"].parent.mkdir(parents=True, exist_ok=True)
    res = bundle.build_bundle(a["spec"], a["out"])
    sign.sign_pdf(a["out"], a["out"], signing, reason=a["reason"], location=a["location"], contact=a["contact"])
    return dict(sha256=sha256_file(a["out"]), pages=res.pages)


def _sig_label(config) -> str:
    return "signiert (Demonstrationszertifikat)" if config.demo else "signiert"


def _signature_fields(participants: tuple[tuple[str, str], ...], pdf: Path):
    """One empty field per participating Dienststellenleitung, on that person's signature line."""
    from . import sign
    from .errors import ConversionError

    needles = [f"Unterschrift {name}" for _, name in participants]
    found = sign.locate_text(pdf, needles)
    specs, taken = [], []
    for (key, _), needle in zip(participants, needles):
        if needle not in found:
            raise ConversionError(f"Die Unterschriftszeile »{needle}« wurde im PDF nicht gefunden; "
                                  "wurde die Vorlage projektauftrag.docx verändert?")
        page, box = found[needle]
        name = sign.field_name_for(key, taken)
        taken.append(name)
        specs.append(sign.FieldSpec(name, page, sign.box_above(box, width=200), needle))
    return specs


def _plan_bundles(data: IKZData, jobs: list[DocJob]):
    """(path, kind, kommune, spec factory, member jobs) for every bundle."""
    from . import bundle, context, naming

    annual = next(j for j in jobs if j.kind == "jahresbericht")
    b = data.bericht
    jahr = b.jahr
    author = b.herausgeber
    subject = f"{b.nummer}. Zwischenbericht zum IKZ-Prozess, Berichtszeitraum {context.datum(b.von)} – {context.datum(b.bis)}"
    out = []
    for k in data.kommunen:
        mine = {p.id for p in data.projekte if any(x.kommune == k.key for x in p.participants)}
        members = [annual] + [j for j in jobs if j.project in mine]
        addressee = context.gremium_adresse(k)

        def spec(docs, k=k, addressee=addressee):
            return bundle.BundleSpec(
                title=f"IKZ-Unterlagen {jahr} für {context.mit_artikel(k, 'akkusativ')}", subtitle=f"{b.nummer}. IKZ-Zwischenbericht und Projektunterlagen",
                addressee=addressee,
                cover_lines=(f"Berichtszeitraum {context.datum(b.von)} – {context.datum(b.bis)}",
                             f"Stand: {context.monat_jahr(b.stand)}",
                             f"Enthalten: der IKZ-Zwischenbericht und {len(docs) - 1} Unterlagen der Projekte, an denen {context.mit_artikel(k)} beteiligt ist"),
                documents=docs, author=author, subject=subject, keywords=("IKZ", "Kreis Groß-Gerau", k.key, str(jahr)),
                date=b.stand)
        out.append((f"mappen/mappe-{naming.slug(k.key)}.pdf", "ratsmappe", k.key, spec, members))

    def full(docs):
        return bundle.BundleSpec(
            title=f"IKZ-Gesamtmappe {jahr}", subtitle=f"{b.nummer}. IKZ-Zwischenbericht und alle Projektunterlagen",
            addressee="An die IKZ-Lenkungsgruppe\nund das Archiv",
            cover_lines=(f"Berichtszeitraum {context.datum(b.von)} – {context.datum(b.bis)}", f"Stand: {context.monat_jahr(b.stand)}",
                         f"Enthalten: {len(docs)} Dokumente"),
            documents=docs, author=author, subject=subject, keywords=("IKZ", "Kreis Groß-Gerau", "Gesamtmappe", str(jahr)),
            date=b.stand)
    out.append(("mappen/gesamtmappe.pdf", "gesamtmappe", None, full, [annual] + [j for j in jobs if j is not annual]))
    return out


def _prune_cache(cache: Path, keep: set[str]) -> None:
    """Drop cached intermediates no current document needs."""
    if not cache.is_dir():
        return
    for path in cache.iterdir():
        if path.is_file() and path.name.split(".")[0] not in keep:
            path.unlink(missing_ok=True)
