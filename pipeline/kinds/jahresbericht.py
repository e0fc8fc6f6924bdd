"""The Jahresbericht: the annual IKZ-Zwischenbericht to the councils, one per workbook."""

from __future__ import annotations

from .. import schema
from ..content.ablauf import arbeitsabschnitte_ctx, process_chart
from ..content.beteiligung import (
    participation_chart,
    participation_table,
    table_projects,
)
from ..content.foerdermittel import foerder_ctx
from ..content.projekte import im_zeitraum, project_lists
from ..content.stuecke import (
    bericht_ctx,
    dokument_ctx,
    folgeprojekt_ctx,
    kontakt_ctx,
    kreis_ctx,
    lenkungsgruppe_ctx,
    projekt_ctx,
)
from ..content.text import clean, clean_rich, indented
from ..german import buchstaben, datum, identifier
from ..markup import RichText
from ..model import IKZData
from .base import DocumentKind

# Project texts shown in section 1.1 of the annual report, in this order.
_JAHRESBERICHT_TEXTE = ("Ausgangslage", "Sachstand", "Vorteile", "Ausblick")


def _split_ablauf(rt: RichText) -> tuple[RichText, RichText, bool]:
    """Split the Projektablauf text after the paragraph that introduces the
    list of Arbeitsabschnitte (ends with ``Arbeitsabschnitte:``)."""
    for i, b in enumerate(rt.blocks):
        text = b.text.strip()
        if text.endswith(":") and "Arbeitsabschnitt" in text:
            return RichText(rt.blocks[: i + 1]), RichText(rt.blocks[i + 1:]), True
    return rt, RichText(()), False


def jahresbericht_context(data: IKZData) -> dict:
    """Context of the annual IKZ-Zwischenbericht."""
    b = bericht_ctx(data)
    table = participation_table(data)
    texte = {identifier(k): clean_rich(data.text(k)) for k in schema.BERICHT_ABSCHNITTE}
    vor, nach, mit_ueberleitung = _split_ablauf(texte["projektablauf"])
    projekte = _projekte(data)
    fortbildungen = _fortbildungen(data)
    arbeitsgruppen = _arbeitsgruppen(data)
    initiativen = _initiativen(data)
    presse = _presse(data)

    ctx = {
        "dokument": dokument_ctx(data, "IKZ-Zwischenbericht", b["titel"], f"(Stand: {b['stand']})",
                              f"{b['nummer']}. IKZ-Zwischenbericht – Stand {b['stand']}", b["stand_datum"]),
        "bericht": b,
        "kontakt": kontakt_ctx(data),
        "kreis": kreis_ctx(data),
        "texte": texte,
        "listen": project_lists(data),
        "foerdermittel": [foerder_ctx(f) for f in data.foerdermittel
                          if f.in_period(data.bericht.von, data.bericht.bis)],
        "initiativen": initiativen,
        "beteiligung": table,
        "diagramm": participation_chart(data, table),
        "projekte": projekte,
        "ablauf": {
            "vor": vor,
            "nach": nach,
            "mit_ueberleitung": mit_ueberleitung,
            "bild": process_chart(),
        },
        "arbeitsabschnitte": arbeitsabschnitte_ctx(None),
        "fortbildungen": fortbildungen,
        "arbeitsgruppen": arbeitsgruppen,
        "presse": presse,
    }
    # section 2 appears only when one of its subsections has content
    lenkungsgruppe = lenkungsgruppe_ctx(data)
    ctx["lenkungsgruppe"] = lenkungsgruppe
    ctx["massnahmen"] = bool(
        texte["lenkungsgruppe"] or lenkungsgruppe["gruppen"] or texte["fortbildungen"] or fortbildungen
        or texte["arbeitsgruppen"] or arbeitsgruppen or texte["informationsmanagement"] or presse
        or texte["weitere_aktivitaeten"] or texte["ausblick"]
    )
    return ctx


def _projekte(data: IKZData) -> list[dict]:
    """Section 1.1: the projects of the participation table that have something to say (a text, goals, a
    follow-up project with a text), each with its follow-ups and its letter a), b), …"""
    projekte = []
    for p, kids in table_projects(data):
        pc = projekt_ctx(data, p)
        folge = [folgeprojekt_ctx(data, c) for c in kids]
        folge = [f for f in folge if f["sachstand"] or f["ausgangslage"] or f["ausblick"]]
        has_text = any(pc[identifier(a)] for a in _JAHRESBERICHT_TEXTE) or pc["ziele"] or folge
        if not has_text:
            continue
        pc["folgeprojekte_text"] = folge
        projekte.append(pc)
    for i, pc in enumerate(projekte):
        pc["buchstabe"] = f"{buchstaben(i + 1)})"
    return projekte


def _fortbildungen(data: IKZData) -> list[dict[str, str]]:
    """The Fortbildungen of section 2."""
    return [{
        "thema": clean(t.thema),
        "format": clean(t.format),
        "teilnehmende": str(t.teilnehmende),
        "kommunen": str(t.kommunen),
        "seit": str(t.seit) if t.seit else "",
    } for t in data.fortbildungen]


def _arbeitsgruppen(data: IKZData) -> list[dict]:
    """The Arbeitsgruppen of section 2."""
    return [{
        "name": clean(g.name),
        "seit": str(g.seit) if g.seit else "",
        "turnus": clean(g.turnus),
        "text": clean_rich(g.text),
    } for g in data.arbeitsgruppen]


def _initiativen(data: IKZData) -> list[dict]:
    """The local initiatives (Örtliche Initiativen)."""
    return [{
        "name": clean(i.name),
        "beteiligte": clean(i.beteiligte),
        "seit": str(i.seit) if i.seit else "",
        "text": clean_rich(i.text),
    } for i in data.initiativen]


def _presse(data: IKZData) -> list[dict]:
    """The press items of section 2: undated items stand every year, dated ones only in their period."""
    presse = []
    for item in data.presse:
        if item.datum is not None and not im_zeitraum(item.datum, data):
            continue
        angaben = ", ".join(x for x in (clean(item.art), datum(item.datum)) if x)
        presse.append({
            "datum": datum(item.datum),
            "medium": clean(item.medium),
            "art": clean(item.art),
            "titel": clean(item.titel),
            "angaben": angaben,
            "text": indented(clean_rich(item.text)),
            "link": clean(item.link),
        })
    return presse


KIND = DocumentKind(
    name="jahresbericht", label="Jahresbericht", plural="Jahresberichte", title="IKZ-Zwischenbericht",
    prefix="jahresbericht", position=90,
    select=lambda data: [None], per_project=False,
    build=lambda data, p: jahresbericht_context(data),
    required_text=("Zwischenbericht", "Beteiligung"),
)
