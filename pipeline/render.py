"""Render the Word documents from the templates with docxtpl.

Public API:

* ``render(template, context, out, *, doc_title, doc_subject, doc_author)`` –
  one document; the template is checked against the context first (Jinja
  syntax, every variable and attribute it uses), and nothing is written
  unless rendering succeeded;
* ``render_all(data, templates_dir, out_dir)`` – every document of a
  workbook; all of them are rendered in memory before the first file is
  written, so a broken template leaves ``out_dir`` untouched;
* ``check_template(path, sample_context)`` / ``check_templates(data, dir)`` –
  German problem descriptions for ``python -m pipeline check``.

Rendering uses a Jinja environment with autoescape and strict undefined
variables. Values from the workbook are escaped, so ``&``, ``<`` or ``{{ }}``
appear literally. Long texts (`markup.RichText`) become real Word paragraphs
(style Normal), list items (List Bullet / List Bullet 2, i.e. the template's
bullet numbering) and bold runs. The participation table is built as real
WordprocessingML (merged header cells, shading, repeating header rows, a
landscape section when it is wide). Charts are drawn with matplotlib and
carry alternative text (``wp:docPr/@descr``).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import jinja2
from docxtpl import DocxTemplate
from jinja2.exceptions import TemplateSyntaxError, UndefinedError

from .charts import draw_bar_chart, draw_process, draw_timeline
from .content.text import clean
from .errors import TemplateError
from .figures import BarChart, ParticipationTable, ProcessChart, Timeline
from .fsutil import write_atomic
from .kinds import (
    DOCUMENT_KINDS,
    DocumentKind,
    DocumentRef,
    document_kind,
    documents_for,
)
from .links import link_addresses
from .markup import RichText
from .model import IKZData
from .template_check import (
    check_sources,
    load_template,
    missing_styles,
    missing_text,
    templates_error,
    top_level_names,
)
from .templating import environment, syntax_message
from .toc import fill_toc
from .tracking import Node, NodeList, Reads
from .wordml import (
    Pictures,
    StyleMap,
    WordXml,
    drop_empty_paragraphs,
    participation_table,
    rich_paragraphs,
)

__all__ = [
    "RenderedDocument",
    "check_template",
    "check_templates",
    "document_bytes",
    "draws",
    "render",
    "render_all",
    "render_all_atomic",
    "render_bytes",
    "render_context",
    "require_templates",
]


@dataclass(frozen=True)
class RenderedDocument:
    """One written .docx: its kind, the project (None for the annual report)
    and the path."""

    kind: str
    projekt: str | None
    path: Path

    @property
    def project(self) -> str | None:
        """Alias of `projekt` (the project ID)."""
        return self.projekt


# ---------------------------------------------------------------------------
# materializing the context for one template


def _materialize(value, tpl: DocxTemplate, styles: StyleMap, path: str, pictures: Pictures,
                 keys: tuple[str, ...] = (), reads: Reads | None = None):
    """The context as the template sees it: Word XML for long texts and the table, pictures for
    charts, "" for None, and containers that log what the template reads (`tracking`)."""
    if isinstance(value, RichText):
        return WordXml(lambda: rich_paragraphs(value, styles)) if value else ""
    if isinstance(value, ParticipationTable):
        return WordXml(lambda: participation_table(tpl.docx, value, styles)) if value else ""
    if isinstance(value, BarChart):
        return pictures.add(lambda: draw_bar_chart(value), 16.0, value.alt, "Diagramm", path) if value else ""
    if isinstance(value, Timeline):
        return pictures.add(lambda: draw_timeline(value), 16.0, value.alt, "Zeitplan", path) if value else ""
    if isinstance(value, ProcessChart):
        return pictures.add(lambda: draw_process(value), 16.0, value.alt, "Ablauf", path) if value else ""
    if isinstance(value, Mapping):
        return Node({k: _materialize(v, tpl, styles, f"{path}.{k}" if path else str(k), pictures, (*keys, k), reads)
                     for k, v in value.items()}, path, keys, reads)
    if isinstance(value, (list, tuple)):
        # any use of a list logs all of it: its elements need not log their own reads
        return NodeList([_materialize(v, tpl, styles, f"{path}[]", pictures) for v in value], keys, reads)
    if value is None:
        return ""
    return value


_DRAWN = (ParticipationTable, BarChart, Timeline, ProcessChart)


def draws(context) -> bool:
    """Whether rendering `context` draws a chart or the participation table, i.e. needs matplotlib or the
    hyphenation patterns (`work.preload`)."""
    if isinstance(context, _DRAWN):
        return bool(context)
    if isinstance(context, Mapping):
        return any(draws(v) for v in context.values())
    if isinstance(context, (list, tuple)):
        return any(draws(v) for v in context)
    return False


def _timestamp() -> dt.datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc).replace(tzinfo=None)
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0, tzinfo=None)


def _set_properties(doc, title: str, subject: str, author: str, keywords: str) -> None:
    cp = doc.core_properties
    cp.title = title
    cp.subject = subject
    cp.author = author
    cp.last_modified_by = author
    cp.language = "de-DE"
    cp.keywords = keywords
    cp.comments = ""
    cp.category = ""
    cp.revision = 1
    now = _timestamp()
    cp.created = now
    cp.modified = now


def _check_xml_chars(text: str) -> str:
    return clean(text)


# ---------------------------------------------------------------------------
# rendering


def render_bytes(template: Path, context: Mapping, *, doc_title: str, doc_subject: str, doc_author: str,
                 keywords: str = "", reads: Reads | None = None, draw: bool = True) -> bytes:
    """Render `template` with `context` into .docx bytes (nothing is written).

    Raises TemplateError naming the template and the problem (syntax error,
    unknown variable) before rendering anything. `reads`, when given, collects
    the context paths the template read (see `tracking`). `draw=False` puts a
    blank picture where each chart goes (a trial rendering: see `Pictures`).
    """
    template = Path(template)
    tpl = load_template(template)
    env = environment()
    problems = check_sources(template.name, tpl, context, env)
    if problems:
        raise TemplateError(" ".join(problems) if len(problems) == 1 else
                            f"{len(problems)} Probleme in der Vorlage »{template.name}«: " + " | ".join(problems))
    styles = StyleMap.of(tpl.docx)
    # The root is a plain dict (Jinja copies it); the values below it log their reads.
    pictures = Pictures(draw=draw)
    materialized = {k: _materialize(v, tpl, styles, str(k), pictures, (k,), reads) for k, v in context.items()}
    if reads is not None:
        for name in top_level_names(tpl, env):
            if name in materialized and not isinstance(materialized[name], (Node, NodeList)):
                reads.add((name,))
    try:
        tpl.render(materialized, env, autoescape=True)
    except UndefinedError as exc:
        raise TemplateError(f"Vorlage »{template.name}«: {exc}") from exc
    except TemplateSyntaxError as exc:
        snippet = " ".join(getattr(exc, "docx_context", []) or [])
        raise TemplateError(f"Vorlage »{template.name}«: Fehler in einem Platzhalter: {syntax_message(exc)}"
                            + (f" – bei »{snippet.strip()[:90]}«" if snippet.strip() else "")) from exc
    except jinja2.TemplateError as exc:
        raise TemplateError(f"Vorlage »{template.name}«: {exc}") from exc
    except Exception as exc:  # lxml errors on broken structure, …
        raise TemplateError(f"Vorlage »{template.name}« konnte nicht verarbeitet werden: {exc}") from exc
    doc = tpl.docx
    unplaced = pictures.place(doc)
    if unplaced:
        raise TemplateError(f"Vorlage »{template.name}«: " + " ".join(
            f"Das Bild {{{{ {p.path} }}}} lässt sich dort nicht einsetzen; es muss als {{{{ {p.path} }}}} "
            "in einem Absatz des Textes stehen (nicht in Kopf- oder Fußzeile, nicht als {{p …}})." for p in unplaced))
    link_addresses(doc, styles)
    fill_toc(doc)
    drop_empty_paragraphs(doc)
    _set_properties(doc, _check_xml_chars(doc_title), _check_xml_chars(doc_subject), _check_xml_chars(doc_author),
                    _check_xml_chars(keywords))
    buf = io.BytesIO()
    tpl.save(buf)
    return buf.getvalue()


def render(template: Path, context: Mapping, out: Path, *, doc_title: str, doc_subject: str,
           doc_author: str) -> Path:
    """Render one document and write it to `out` (atomically). The template
    is checked first; on any problem a TemplateError is raised and `out` is
    not touched."""
    data = render_bytes(template, context, doc_title=doc_title, doc_subject=doc_subject, doc_author=doc_author,
                        keywords=f"IKZ; {context.get('dokument', {}).get('art', '')}".strip("; "))
    out = Path(out)
    write_atomic(out, data)
    return out


def _doc_properties(ctx: Mapping) -> tuple[str, str, str]:
    d = ctx.get("dokument", {})
    return d.get("titel", ""), d.get("betreff", ""), d.get("autor", "")


# What the rendering reads besides the template: the document properties.
PROPERTY_READS = (("dokument", "titel"), ("dokument", "betreff"), ("dokument", "autor"))


def render_context(template: Path, context: Mapping, kind: DocumentKind, reads: Reads | None = None) -> bytes:
    """One document of `kind` as .docx bytes, from a context built by the kind's builder.
    `reads` collects every context path the document's content depends on."""
    title, subject, author = _doc_properties(context)
    if reads is not None:
        for path in PROPERTY_READS:
            reads.add(path)
    return render_bytes(template, context, doc_title=title, doc_subject=subject, doc_author=author,
                        keywords=f"IKZ; {kind.title}", reads=reads)


def document_bytes(data: IKZData, ref: DocumentRef, templates_dir: Path) -> bytes:
    """One document of the workbook as .docx bytes (context, checks, render)."""
    kind = document_kind(ref.kind)
    project = data.projekt(ref.project) if ref.project else None
    return render_context(Path(templates_dir) / kind.template, kind.build(data, project), kind)


def _render_in_memory(data: IKZData, templates_dir: Path, out_dir: Path) -> list[tuple[RenderedDocument, bytes]]:
    templates_dir = Path(templates_dir)
    refs = documents_for(data)
    for name in dict.fromkeys(ref.kind for ref in refs):
        path = templates_dir / document_kind(name).template
        if not path.is_file():
            raise TemplateError(f"Die Vorlage »{path.name}« fehlt (erwartet: {path}).")
    rendered: list[tuple[RenderedDocument, bytes]] = []
    for ref in refs:
        kind = document_kind(ref.kind)
        stem = kind.stem(data, data.projekt(ref.project) if ref.project else None)
        path = Path(out_dir) / kind.name / f"{stem}.docx"
        rendered.append((RenderedDocument(ref.kind, ref.project, path), document_bytes(data, ref, templates_dir)))
    return rendered


def render_all(data: IKZData, templates_dir: Path, out_dir: Path) -> list[RenderedDocument]:
    """Render every document of the workbook into `out_dir`/<kind>/<file>.docx.

    All documents are rendered in memory first; only when every one
    succeeded are the files written. A TemplateError (missing template,
    syntax error, unknown variable) therefore leaves `out_dir` untouched.
    """
    rendered = _render_in_memory(data, templates_dir, out_dir)
    for doc, blob in rendered:
        write_atomic(doc.path, blob)
    return [doc for doc, _ in rendered]


def render_all_atomic(data: IKZData, templates_dir: Path, out_dir: Path) -> list[RenderedDocument]:
    """Like `render_all`, but `out_dir` is replaced as a whole: the documents
    are written into a sibling staging folder that takes the place of
    `out_dir` only when everything was written. Old files of documents that
    no longer exist disappear; on an error `out_dir` stays as it was."""
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.neu-", dir=out_dir.parent))
    try:
        rendered = _render_in_memory(data, templates_dir, staging)
        for doc, blob in rendered:
            write_atomic(doc.path, blob)
        old = None
        if out_dir.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.alt-", dir=out_dir.parent))
            old.rmdir()
            os.replace(out_dir, old)
        os.replace(staging, out_dir)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [RenderedDocument(d.kind, d.projekt, out_dir / d.path.relative_to(staging)) for d, _ in rendered]


# ---------------------------------------------------------------------------
# the templates of every registered kind: checked with a trial rendering (above the static checks)


def require_templates(data: IKZData, templates_dir: Path, *, trial: bool = True) -> None:
    """Raise one TemplateError listing every problem of the templates (missing
    file, Jinja syntax, unknown variables) – before anything is rendered.
    `trial=False`: without the trial rendering (a run renders every document
    anyway and checks each one with `missing_text`)."""
    problems = check_templates(data, templates_dir, trial=trial)
    if problems:
        raise templates_error(problems)


def check_template(path: Path, sample_context: Mapping, required: Sequence[str] = (), *,
                   trial: bool = True) -> list[str]:
    """German descriptions of everything wrong with one template: Jinja syntax
    errors and unknown variables (with the template's name and the text
    around the problem), styles the code needs that it lacks, and (with
    `trial`) errors of a trial rendering in memory, and text from `required`
    the rendered document lacks."""
    path = Path(path)
    try:
        tpl = load_template(path)
    except TemplateError as exc:
        return [str(exc)]
    env = environment()
    problems = check_sources(path.name, tpl, sample_context, env) + missing_styles(path.name, tpl)
    if problems or not trial:
        return problems
    try:
        blob = render_bytes(path, sample_context, doc_title="Probe", doc_subject="Probe", doc_author="Probe",
                            draw=False)
    except TemplateError as exc:
        return [str(exc)]
    return missing_text(path.name, blob, required)


def check_templates(data: IKZData, templates_dir: Path, *, trial: bool = True) -> list[str]:
    """Check the template of every registered kind against a context built from `data` (`trial`:
    see `check_template`)."""
    problems: list[str] = []
    for kind in DOCUMENT_KINDS:
        path = Path(templates_dir) / kind.template
        if not path.is_file():
            problems.append(f"Die Vorlage »{path.name}« fehlt (erwartet: {path}).")
            continue
        project = kind.sample_project(data)
        if kind.per_project and project is None:
            continue
        context, required = kind.build(data, project), kind.required(data, project)
        problems.extend(check_template(path, context, required, trial=trial))
    return problems
