"""Checking Word templates before anything is rendered: Jinja syntax, unknown variables, styles.

Every problem is described in German with the template's name and the text
around it, for ``python -m pipeline check`` and before a run renders.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import jinja2
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docxtpl import DocxTemplate
from jinja2 import meta, nodes
from jinja2.exceptions import TemplateAssertionError, TemplateSyntaxError

from .errors import Location, Problem, Severity, TemplateError
from .kinds import DOCUMENT_KINDS
from .templating import syntax_message, unclosed_block_line
from .wordml import StyleMap

__all__ = [
    "accessibility_warnings",
    "check_sources",
    "load_template",
    "missing_styles",
    "missing_text",
    "templates_error",
    "top_level_names",
]


def load_template(template: Path) -> DocxTemplate:
    """Open a Word template; TemplateError when it is missing or no .docx."""
    template = Path(template)
    if not template.is_file():
        raise TemplateError(f"Die Vorlage »{template.name}« fehlt (erwartet: {template}).")
    try:
        tpl = DocxTemplate(str(template))
        tpl.init_docx()
    except Exception as exc:  # not a zip, not a docx, …
        raise TemplateError(f"Die Vorlage »{template.name}« ist kein lesbares Word-Dokument (.docx): {exc}") from exc
    _drop_foreign_core_properties(tpl.docx.part.package)
    return tpl


_CORE_PROPERTIES = "/metadata/core-properties"


def _drop_foreign_core_properties(package) -> None:
    """LibreOffice links docProps/core.xml with a relationship type python-docx does
    not know (``…/officedocument/2006/relationships/metadata/core-properties``).
    python-docx would then add its own core.xml under the same name, and the saved
    file would hold that part twice. Drop the foreign link; the standard one is
    created when the document properties are set."""
    for r_id, rel in list(package.rels.items()):
        if rel.reltype.endswith(_CORE_PROPERTIES) and rel.reltype != RT.CORE_PROPERTIES:
            package.rels.pop(r_id)


def missing_styles(name: str, tpl: DocxTemplate) -> list[str]:
    """A German problem for each style the code applies that the template lacks."""
    return [f"In der Vorlage »{name}« fehlt die Formatvorlage »{style}«; das Programm formatiert damit "
            "Inhalte (Aufzählungen, Tabellen, Inhaltsverzeichnis). Bitte die Formatvorlage unter diesem Namen "
            "wieder anlegen."
            for style in StyleMap.of(tpl.docx).missing()]

def top_level_names(tpl: DocxTemplate, env: jinja2.Environment) -> set[str]:
    """The context variables a template uses at its top level (body, headers, footers)."""
    names: set[str] = set()
    for _, source in _sources(tpl):
        try:
            names |= meta.find_undeclared_variables(env.parse(source))
        except jinja2.TemplateSyntaxError:
            continue
    return names


def _sources(tpl: DocxTemplate) -> list[tuple[str, str]]:
    """(where, Jinja source) of the body, headers and footers; one paragraph
    per line, so line numbers point to paragraphs."""
    tpl.init_docx()
    result = [("Text", tpl.patch_xml(tpl.get_xml()))]
    for uri, label in ((tpl.HEADER_URI, "Kopfzeile"), (tpl.FOOTER_URI, "Fußzeile")):
        for _, part in tpl.get_headers_footers(uri):
            result.append((label, tpl.patch_xml(tpl.get_part_xml(part))))
    return [(where, re.sub(r"<w:p([ >])", r"\n<w:p\1", src)) for where, src in result]


def _line_text(source: str, lineno: int | None) -> str:
    if not lineno:
        return ""
    lines = source.splitlines()
    if not 0 < lineno <= len(lines):
        return ""
    text = re.sub(r"<[^>]+>", "", lines[lineno - 1])
    text = html.unescape(text).strip()
    if len(text) > 90:
        tag = min((i for i in (text.find("{{"), text.find("{%")) if i >= 0), default=0)
        start = max(0, tag - 40)
        text = ("…" if start else "") + text[start:start + 90] + ("…" if start + 90 < len(text) else "")
    return text


class _Unknown:
    """A value the static check cannot follow (loop over an empty list, …)."""


_UNKNOWN = _Unknown()
_GLOBALS = {"range", "dict", "lipsum", "cycler", "joiner", "namespace", "loop", "true", "false", "none",
            "True", "False", "None"}


class _VariableCheck:
    """Walk the Jinja AST and resolve every variable and attribute against
    the (materialized or raw) sample context."""

    def __init__(self, context: Mapping, source: str):
        self.context = context
        self.source = source
        self.problems: list[tuple[str, int | None]] = []
        self._seen: set[str] = set()

    def report(self, path: str, node: nodes.Node) -> None:
        if path not in self._seen:
            self._seen.add(path)
            self.problems.append((path, getattr(node, "lineno", None)))

    def resolve(self, node: nodes.Node, scope: dict):
        if isinstance(node, nodes.Name):
            if node.name in scope:
                return scope[node.name], node.name
            if node.name in self.context:
                return self.context[node.name], node.name
            if node.name in _GLOBALS:
                return _UNKNOWN, node.name
            self.report(node.name, node)
            return _UNKNOWN, node.name
        if isinstance(node, (nodes.Getattr, nodes.Getitem)):
            if isinstance(node, nodes.Getattr):
                attr = node.attr
            elif isinstance(node.arg, nodes.Const):
                attr = node.arg.value
            else:
                self.visit(node.arg, scope)
                base, path = self.resolve(node.node, scope)
                return _UNKNOWN, f"{path}[]"
            base, path = self.resolve(node.node, scope)
            full = f"{path}.{attr}"
            if base is _UNKNOWN:
                return _UNKNOWN, full
            if isinstance(base, Mapping):
                if attr in base:
                    return base[attr], full
                self.report(full, node)
                return _UNKNOWN, full
            if isinstance(attr, str) and hasattr(base, attr):
                return getattr(base, attr), full
            if isinstance(attr, int) and isinstance(base, (list, tuple)):
                return (base[attr] if -len(base) <= attr < len(base) else _UNKNOWN), full
            self.report(full, node)
            return _UNKNOWN, full
        self.visit(node, scope)
        return _UNKNOWN, "?"

    def _bind(self, target: nodes.Node, value, scope: dict) -> None:
        if isinstance(target, nodes.Name):
            scope[target.name] = value
        elif isinstance(target, nodes.Tuple):
            for item in target.items:
                self._bind(item, _UNKNOWN, scope)

    def visit(self, node: nodes.Node, scope: dict) -> None:
        if isinstance(node, (nodes.Name, nodes.Getattr, nodes.Getitem)):
            if isinstance(node, nodes.Name) and node.ctx == "store":
                return
            self.resolve(node, scope)
            return
        if isinstance(node, nodes.Test) and node.name in ("defined", "undefined"):
            return  # {% if x is defined %} guards an optional value on purpose
        if isinstance(node, nodes.For):
            iterable, _ = self.resolve(node.iter, scope)
            inner = dict(scope)
            if isinstance(iterable, (list, tuple)) and iterable:
                element = iterable[0]
            else:
                element = _UNKNOWN
            self._bind(node.target, element, inner)
            inner["loop"] = _UNKNOWN
            if node.test is not None:
                self.visit(node.test, inner)
            for child in node.body:
                self.visit(child, inner)
            for child in node.else_:
                self.visit(child, scope)
            return
        if isinstance(node, nodes.Assign):
            self.visit(node.node, scope)
            self._bind(node.target, _UNKNOWN, scope)
            return
        if isinstance(node, (nodes.Macro, nodes.CallBlock)):
            inner = dict(scope)
            for arg in getattr(node, "args", []):
                self._bind(arg, _UNKNOWN, inner)
            inner["caller"] = _UNKNOWN
            inner["varargs"] = _UNKNOWN
            inner["kwargs"] = _UNKNOWN
            if isinstance(node, nodes.Macro):
                scope[node.name] = _UNKNOWN
            for child in node.body:
                self.visit(child, inner)
            if isinstance(node, nodes.CallBlock):
                self.visit(node.call, scope)
            return
        if isinstance(node, nodes.With):
            inner = dict(scope)
            for target, value in zip(node.targets, node.values):
                self.visit(value, scope)
                self._bind(target, _UNKNOWN, inner)
            for child in node.body:
                self.visit(child, inner)
            return
        for child in node.iter_child_nodes():
            self.visit(child, scope)


def check_sources(name: str, tpl: DocxTemplate, context: Mapping, env: jinja2.Environment) -> list[str]:
    problems: list[str] = []
    for where, source in _sources(tpl):
        loc = "" if where == "Text" else f" ({where})"
        try:
            ast = env.parse(source)
        except TemplateSyntaxError as exc:
            lineno = exc.lineno
            if "end of template" in (exc.message or ""):
                lineno = unclosed_block_line(source) or lineno
            snippet = _line_text(source, lineno)
            problems.append(
                f"Vorlage »{name}«{loc}: Fehler in einem Platzhalter: {syntax_message(exc)}"
                + (f" – bei »{snippet}«" if snippet else "")
                + ". Bitte die Klammern {{ }} bzw. {% %} und die Schreibweise prüfen."
            )
            continue
        try:
            env.from_string(source)
        except (TemplateAssertionError, TemplateSyntaxError) as exc:
            snippet = _line_text(source, getattr(exc, "lineno", None))
            problems.append(
                f"Vorlage »{name}«{loc}: {syntax_message(exc)}" + (f" – bei »{snippet}«" if snippet else "") + "."
            )
            continue
        check = _VariableCheck(context, source)
        for child in ast.body:
            check.visit(child, {})
        for path, line in check.problems:
            snippet = _line_text(source, line)
            problems.append(
                f"Vorlage »{name}«{loc}: unbekannte Variable »{path}«"
                + (f" – bei »{snippet}«" if snippet else "")
                + ". Diese Angabe gibt es in den Daten nicht; bitte den Platzhalter korrigieren oder entfernen."
            )
    return problems


def missing_text(template_name: str, docx_bytes: bytes, required: Sequence[str]) -> list[str]:
    """A problem for each text of `required` that a document rendered from the template lacks."""
    if not required:
        return []
    text = _document_text(docx_bytes)
    return [f"In der Vorlage »{template_name}« fehlt »{needed}«; das Programm braucht diesen Text"
            + (" (dort wird das Unterschriftsfeld gesetzt)." if needed.startswith("Unterschrift ") else ".")
            for needed in required if needed not in text]


def _document_text(docx_bytes: bytes) -> str:
    """The text of a rendered document, one line per paragraph."""
    import io
    import zipfile

    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    return "\n".join("".join(t.text or "" for t in p.iter(f"{w}t")) for p in root.iter(f"{w}p"))


# -- accessibility warnings ------------------------------------------------------

LAYOUT_TABLE_HINT = ("In Word unter »Tabellenentwurf« die Option »Kopfzeile« setzen und die erste Zeile als "
                     "»Überschriftenzeilen wiederholen« markieren, oder – für eine reine Layouttabelle – "
                     "»Kopfzeile« und »Erste Spalte« ausschalten.")


def accessibility_warnings(templates_dir: Path) -> list[Problem]:
    """Warnings about what a template brings that cannot be tagged for PDF/UA or fails Word's
    accessibility rules: a picture without alternative text, a data table without header row, a
    skipped heading level. Each names the template and the place (the text nearby)."""
    found: list[Problem] = []
    for kind in DOCUMENT_KINDS:
        path = Path(templates_dir) / kind.template
        if path.is_file():
            found.extend(template_accessibility(path))
    return found


def template_accessibility(path: Path) -> list[Problem]:
    """`accessibility_warnings` for one template."""
    import zipfile

    from lxml import etree

    from .tagging import HEADER_CELL_STYLES
    from .wordml import is_empty_paragraph

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    wp = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
    where = Location(file=path)
    try:
        with zipfile.ZipFile(path) as z:
            doc = etree.fromstring(z.read("word/document.xml"))
            styles = etree.fromstring(z.read("word/styles.xml"))
    except (OSError, KeyError, zipfile.BadZipFile, etree.XMLSyntaxError):
        return []  # check_template reports an unreadable template
    names = {s.get(f"{w}styleId"): (s.find(f"{w}name").get(f"{w}val") if s.find(f"{w}name") is not None else "")
             for s in styles.iter(f"{w}style")}
    header_styles = {s.casefold() for s in HEADER_CELL_STYLES}

    def text(element) -> str:
        return " ".join("".join(t.text or "" for t in element.iter(f"{w}t")).split())

    def style(p) -> str:
        ps = p.find(f"{w}pPr/{w}pStyle")
        return names.get(ps.get(f"{w}val"), "") if ps is not None else ""

    def near(element) -> str:
        """The text of the element or of the paragraph before it, for the message."""
        own = text(element)
        if own:
            return own[:60]
        prev = element.getprevious()
        while prev is not None and not text(prev):
            prev = prev.getprevious()
        return f"nach »{text(prev)[:60]}«" if prev is not None else "am Anfang"

    warnings: list[Problem] = []
    for pr in doc.iter(f"{wp}docPr"):
        if not (pr.get("descr") or "").strip():
            paragraph = next((a for a in pr.iterancestors(f"{w}p")), pr)
            warnings.append(Problem(where, f"Bild »{pr.get('name', '')}« ohne Alternativtext (bei »{near(paragraph)}«). "
                                    "In Word: Rechtsklick auf das Bild › »Alternativtext bearbeiten«.",
                                    Severity.WARNING))
    for n, table in enumerate(doc.iter(f"{w}tbl"), 1):
        rows = table.findall(f"{w}tr")
        look = table.find(f"{w}tblPr/{w}tblLook")
        first_row = look is None or look.get(f"{w}firstRow", "1") in ("1", "true")
        first_col = look is not None and look.get(f"{w}firstColumn", "0") in ("1", "true")
        header_row = bool(rows) and rows[0].find(f"{w}trPr/{w}tblHeader") is not None
        first_cells = [r.find(f"{w}tc") for r in rows]
        header_col = first_col and all(
            c is not None and all(style(p).casefold() in header_styles for p in c.iter(f"{w}p")
                                  if not is_empty_paragraph(p)) for c in first_cells)
        if not (header_row or header_col or (not first_row and not first_col)):
            warnings.append(Problem(where, f"Tabelle {n} (»{near(table)}«) hat keine Kopfzeile; im PDF wird sie "
                                    f"nicht als Tabelle ausgezeichnet. {LAYOUT_TABLE_HINT}", Severity.WARNING))
    previous = None
    for p in doc.iter(f"{w}p"):
        match = re.fullmatch(r"heading (\d)", style(p).casefold())
        if not match:
            continue
        level = int(match[1])
        if previous is not None and level > previous + 1:
            warnings.append(Problem(where, f"Überschrift {level} »{text(p)[:60]}« folgt auf Überschrift {previous}; "
                                    f"eine Ebene fehlt (Formatvorlage »Überschrift {previous + 1}« verwenden).",
                                    Severity.WARNING))
        previous = level
    return warnings


def templates_error(problems: Sequence[str]) -> TemplateError:
    """One TemplateError listing every problem of the templates."""
    return TemplateError(
        problems[0] if len(problems) == 1
        else f"{len(problems)} Probleme in den Word-Vorlagen:\n" + "\n".join(f"- {p}" for p in problems)
    )
