"""Reminders from the Rücklauf: an unsent e-mail draft (.eml) to each Kommune whose signature is still
missing, from the staff-editable text template ``templates/erinnerung-anschreiben.txt`` (same conventions
as the Versand's cover letter: »Betreff:« first, Jinja placeholders, errors name the line)."""

from __future__ import annotations

import datetime as dt
import tempfile
from email.headerregistry import Address
from pathlib import Path

import jinja2
from jinja2.exceptions import TemplateSyntaxError, UndefinedError

from ..content.kommunen import adressierung, kreis_name, mit_artikel
from ..content.text import clean
from ..errors import TemplateError
from ..german import BERLIN
from ..versand import Letter, build_draft
from ..versand.plan import DEFAULT_MAX_MB, MB, mail_address

TEMPLATE = "erinnerung-anschreiben.txt"


class _Undefined(jinja2.StrictUndefined):
    @property
    def _undefined_message(self) -> str:
        return f"unbekannte Angabe »{self._undefined_name}«"


def _template(templates: Path) -> jinja2.Template:
    path = templates / TEMPLATE
    if not path.is_file():
        raise TemplateError(f"Die Vorlage »{TEMPLATE}« fehlt im Ordner der Vorlagen.")
    text = path.read_text(encoding="utf-8")
    env = jinja2.Environment(undefined=_Undefined, keep_trailing_newline=True, trim_blocks=True, autoescape=False)
    try:
        return env.from_string(text)
    except TemplateSyntaxError as exc:
        raise TemplateError(f"{TEMPLATE}, Zeile {exc.lineno}: {exc.message}") from None


def _letter(template: jinja2.Template, context: dict) -> Letter:
    try:
        text = template.render(context)
    except UndefinedError as exc:
        raise TemplateError(f"{TEMPLATE}: {exc}. Welche Angaben es gibt, steht oben in der Vorlage.") from None
    lines = text.replace("\r\n", "\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    subject = ""
    if lines and lines[0].startswith("Betreff:"):
        subject = " ".join(lines.pop(0)[len("Betreff:"):].split())
        while lines and not lines[0].strip():
            lines.pop(0)
    body = "\n".join(line.rstrip() for line in lines).rstrip("\n") + "\n"
    return Letter(subject=subject or f"Erinnerung: Projektauftrag zur Unterschrift – {context['kommune']['name']}",
                  body=body)


def write_drafts(office, name: str, data, result) -> tuple[list[tuple[Path, str]], list[str]]:
    """The drafts as (file in the scratch folder, name in the ZIP), and the Kommunen without an address."""
    template = _template(office.config.templates)
    run_folder = office.config.outputs / name
    missing: dict[str, list] = {}
    for state in result.projects:
        if not state.target.open:
            continue
        for s in state.missing:
            missing.setdefault(s.kommune.key, []).append((state, s))
    b = data.bericht
    drafts, without = [], []
    when = dt.datetime.now(BERLIN)
    for kommune in data.kommunen:
        items = missing.get(kommune.key)
        if not items:
            continue
        address = mail_address(kommune.email)
        if address is None:
            without.append(kommune.key)
            continue
        fehlend, files = [], []
        for state, s in items:
            pdf = run_folder / state.target.entry.path
            fehlend.append({"projekt": state.project, "titel": clean(state.target.project.titel), "feld": s.label,
                            "pdf": pdf.name, "stand": f"{len(state.signed)} von {len(state.signers)} unterschrieben"})
            if pdf.is_file() and pdf.stat().st_size <= DEFAULT_MAX_MB * MB:
                files.append(pdf)
        context = {
            "kommune": {"name": clean(kommune.name), "kurzname": clean(kommune.key), "mit_artikel": mit_artikel(kommune),
                        "dienststellenleitung": adressierung(kommune),
                        "dienststellenleitung_im_satz": adressierung(kommune, "akkusativ"), "email": address},
            "bericht": {"nummer": b.nummer, "jahr": b.jahr, "ansprechpartner": clean(b.ansprechpartner),
                        "dienststelle": clean(b.dienststelle), "email": clean(b.email), "telefon": clean(b.telefon)},
            "kreis": kreis_name(data),
            "fehlend": fehlend,
        }
        letter = _letter(template, context)
        eml = build_draft(letter, Address(clean(kommune.name), addr_spec=address), None, files, when)
        fd, tmp = tempfile.mkstemp(dir=office.config.data / "tmp", suffix=".eml")
        with open(fd, "wb") as out:
            out.write(eml)
        from ..naming import slug

        drafts.append((Path(tmp), f"erinnerung-{slug(kommune.key)}.eml"))
    return drafts, without
