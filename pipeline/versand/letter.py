"""The cover text of each e-mail draft, from a plain-text Jinja template that staff edit.

The template (``templates/versand-anschreiben.txt``) documents its variables
in a Jinja comment at its top. Its first line ``Betreff: …`` is the subject;
what follows the next blank line is the text. Unknown variables are errors
(StrictUndefined); every error names the file and the line.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from pathlib import Path

import jinja2
from jinja2.exceptions import TemplateSyntaxError, UndefinedError

from ..content.kommunen import adressierung, gremium_adresse, kreis_name, mit_artikel
from ..content.text import clean
from ..errors import TemplateError
from ..german import dateigroesse, datum, monat_jahr
from ..kinds import document_kind
from ..model import IKZData
from ..templating import syntax_message, text_environment, unclosed_block_line
from .plan import Enclosure, Mailing, VersandPlan

__all__ = ["TEMPLATE", "CoverTemplate", "Letter", "default_subject", "letter_context", "load_template", "render_letter"]

TEMPLATE = "versand-anschreiben.txt"
"""File name of the cover text template in the templates folder."""

SUBJECT = "Betreff:"
"""The first line of the rendered template that starts with this is the subject."""


@dataclass(frozen=True)
class Letter:
    """Subject and text of one e-mail draft."""

    subject: str
    """One line."""
    body: str
    """Plain text, lines ending in ``\\n``."""


@dataclass(frozen=True)
class CoverTemplate:
    """The loaded cover text template and where it came from (for messages)."""

    path: Path
    text: str
    template: jinja2.Template


def load_template(templates: Path) -> CoverTemplate:
    """Read and compile the cover text template; TemplateError (German, with file and line) when it
    is missing, not UTF-8 or not valid Jinja."""
    path = Path(templates) / TEMPLATE
    if not path.is_file():
        raise TemplateError(f"Die Vorlage für das Anschreiben fehlt (erwartet: {path}).")
    try:
        text = path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError:
        raise TemplateError(f"Die Vorlage »{path}« ist nicht als UTF-8 gespeichert. Bitte im Editor mit "
                            "»Speichern unter« und der Codierung »UTF-8« speichern.") from None
    env = text_environment(lambda name: (text, str(path), lambda: True))
    try:
        template = env.get_template(TEMPLATE)
    except TemplateSyntaxError as exc:
        lineno = exc.lineno
        if "end of template" in (exc.message or ""):
            lineno = unclosed_block_line(text) or lineno
        raise TemplateError(_where(path, text, lineno, syntax_message(exc))
                            + " Bitte die Klammern {{ }} bzw. {% %} und die Schreibweise prüfen.") from None
    return CoverTemplate(path, text, template)


def _where(path: Path, text: str, lineno: int | None, message: str) -> str:
    """»Vorlage »…«, Zeile 7: message – bei »line text«.«"""
    lines = text.splitlines()
    snippet = lines[lineno - 1].strip() if lineno and 0 < lineno <= len(lines) else ""
    if len(snippet) > 80:
        snippet = snippet[:79] + "…"
    where = f"Vorlage »{path}«" + (f", Zeile {lineno}" if lineno else "")
    return f"{where}: {message}" + (f" – bei »{snippet}«." if snippet else ".")


def _template_line(exc: BaseException, path: Path) -> int | None:
    """The template line an error was raised at (Jinja maps its frames to template lines)."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == str(path)]
    return frames[-1].lineno if frames else None


def _datei(e: Enclosure, folder: Path) -> dict:
    return {"datei": e.name, "art": e.art, "groesse": dateigroesse(e.size), "ort": str(folder / e.name)}


def letter_context(data: IKZData, mailing: Mailing, plan: VersandPlan) -> dict:
    """The variables of the template for one Kommune (documented at the template's top)."""
    k, b = mailing.kommune, data.bericht
    folder = plan.target.absolute() / mailing.folder
    return {
        "kommune": {
            "name": clean(k.name), "kurzname": clean(k.key), "mit_artikel": mit_artikel(k),
            "gremium": clean(k.gremium), "gremium_adresse": gremium_adresse(k).replace("\n", " "),
            "dienststellenleitung": adressierung(k), "dienststellenleitung_im_satz": adressierung(k, "akkusativ"),
            "email": mailing.address or "",
        },
        "bericht": {
            "nummer": b.nummer, "jahr": b.jahr, "zeitraum": f"{datum(b.von)} – {datum(b.bis)}",
            "stand": monat_jahr(b.stand), "herausgeber": clean(b.herausgeber),
            "ansprechpartner": clean(b.ansprechpartner), "dienststelle": clean(b.dienststelle),
            "stelle": clean(b.stelle), "email": clean(b.email), "telefon": clean(b.telefon),
            "website": clean(b.website),
        },
        "kreis": kreis_name(data),
        "mappe": {**_datei(mailing.mappe, folder), "angehaengt": not mailing.mappe.too_big},
        "unterschriften": [{"art": document_kind(s.kind).label, "projekt": s.project, "titel": s.title,
                            "feld": s.field, "pdf": s.pdf.name, "word": s.docx.name} for s in mailing.signatures],
        **_zur_unterschrift(mailing),
        "nicht_angehaengt": [_datei(e, folder) for e in mailing.enclosures if e.too_big],
        "ordner": str(folder),
        "max_anhang": dateigroesse(plan.max_bytes),
    }


def _zur_unterschrift(mailing: Mailing) -> dict[str, str]:
    """How the letter names what it asks to sign, in the words of the kinds' signing rules: one kind in
    the singular or plural (»der Projektauftrag«, »diese Projektaufträge«), several kinds as »Dokumente«."""
    kinds = list(dict.fromkeys(s.kind for s in mailing.signatures))
    n = 0 if len(mailing.signatures) == 1 else 1
    rule = document_kind(kinds[0]).signing if len(kinds) == 1 else None
    if rule is not None:
        kind = document_kind(kinds[0])
        nominativ, akkusativ = rule.nominativ[n], rule.akkusativ[n]
        art = (kind.label, kind.plural)[n]
    else:
        nominativ, akkusativ, art = "die Dokumente", "diese Dokumente", "Dokumente"
    return {"unterschriften_art": art if kinds else "", "unterschriften_nominativ": nominativ if kinds else "",
            "unterschriften_akkusativ": akkusativ if kinds else ""}


def default_subject(data: IKZData, mailing: Mailing) -> str:
    """The subject when the template has no »Betreff:« line."""
    sign = f" und {_zur_unterschrift(mailing)['unterschriften_art']} zur Unterschrift" if mailing.signatures else ""
    return f"IKZ-Jahresbericht {data.bericht.jahr}{sign} – {clean(mailing.kommune.name)}"


def render_letter(source: CoverTemplate, data: IKZData, mailing: Mailing, plan: VersandPlan) -> Letter:
    """Subject and text for one Kommune; TemplateError naming file and line on any template error."""
    try:
        text = source.template.render(letter_context(data, mailing, plan))
    except UndefinedError as exc:
        raise TemplateError(_where(source.path, source.text, _template_line(exc, source.path), str(exc))
                            + " Welche Angaben es gibt, steht oben in der Vorlage.") from None
    except Exception as exc:  # a filter or test applied to the wrong kind of value, …
        raise TemplateError(_where(source.path, source.text, _template_line(exc, source.path),
                                   f"Fehler beim Ausfüllen ({exc})")) from None
    lines = text.replace("\r\n", "\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    subject = ""
    if lines and lines[0].strip().startswith(SUBJECT):
        subject = " ".join(lines.pop(0).strip()[len(SUBJECT):].split())
        while lines and not lines[0].strip():
            lines.pop(0)
    body = "\n".join(line.rstrip() for line in lines).rstrip("\n") + "\n"
    return Letter(subject=subject or default_subject(data, mailing), body=body)
