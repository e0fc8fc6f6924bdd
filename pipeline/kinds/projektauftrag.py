"""The Projektauftrag: one per project, signed by every participating Dienststellenleitung."""

from __future__ import annotations

from .. import schema
from ..content.ablauf import arbeitsabschnitte_ctx, timeline
from ..content.projekte import projekt_kurztitel, projekt_titel
from ..content.stuecke import dokument_ctx, projekt_common, unterschriften_ctx
from ..german import datum, identifier
from ..model import IKZData, Project
from .base import DocumentKind, SigningRule

OPEN_STATUS = ("geplant", "laufend")
"""Project statuses under which a Projektauftrag may still need signatures."""

ORDER_STEP = "I"
"""The Arbeitsabschnitt »Erteilung des Projektauftrags durch die Dienststellenleitungen«."""


def _order_open(project: Project) -> bool:
    """The Projektauftrag is in its signature round: the project is »geplant« or »laufend« and its
    Arbeitsabschnitt I (the order) is not done. A finished project's order was given long ago."""
    if project.status not in OPEN_STATUS:
        return False
    return not any(m.abschnitt == ORDER_STEP and m.erledigt for m in project.milestones)


SIGNING = SigningRule(
    round_open=_order_open,
    column=schema.column("Beteiligung", "unterzeichnet"),
    nominativ=("der Projektauftrag", "die Projektaufträge"),
    akkusativ=("diesen Projektauftrag", "diese Projektaufträge"),
    # signed already (the date on the line), the date of the data, the Zeitplan's »today« mark
    presentation=(("unterschriften", "*", "datum"), ("unterschriften", "*", "vermerk"),
                  ("unterschriften", "*", "unterzeichnet"), ("dokument", "stand"), ("zeitplan", "heute")),
    labels={
        "kreis": "Name des Kreises",
        "dokument": "Titel und Kopfzeile",
        "projekt.id": "Projekt-ID",
        "projekt.titel": "Projekttitel",
        "projekt.kurztitel": "Kurztitel",
        "projekt.art": "Projektart",
        "projekt.zeitraum": "Zeitraum",
        "projekt.uebergeordnet": "Übergeordnetes Projekt",
        "projekt.ziele": "Ziele des Projekts",
        **{f"projekt.{identifier(art)}": art for art in schema.PROJEKT_TEXTARTEN},
        "beteiligte": "Beteiligte Kommunen",
        "projektleitung_text": "Projektleitung",
        "projektleitung": "Projektleitung",
        "projektgruppe": "Projektgruppe",
        "lenkungsgruppe": "IKZ-Lenkungsgruppe",
        "abschnitte": "Arbeitsabschnitt",
        "abschnitte_geplant": "Arbeitsabschnitte",
        "zeitplan": "Zeitplan",
        "unterschriften": "Unterschrift",
    },
)



def projektauftrag_context(data: IKZData, p: Project | None) -> dict:
    """Context of the Projektauftrag of `p`."""
    assert p is not None, "a Projektauftrag is made for a project"
    ctx = projekt_common(data, p)
    t = projekt_titel(p)
    stand = datum(data.bericht.stand)
    ctx["dokument"] = dokument_ctx(data, "Projektauftrag", f"Projektauftrag „{t}“", t,
                                f"Projektauftrag – {projekt_kurztitel(p)}", stand)
    ctx["abschnitte"] = arbeitsabschnitte_ctx(p)
    ctx["abschnitte_geplant"] = any(a["geplant"] or a["erledigt"] for a in ctx["abschnitte"])
    ctx["zeitplan"] = timeline(data, p)
    ctx["unterschriften"] = unterschriften_ctx(data, p, SIGNING.recorded)
    return ctx


KIND = DocumentKind(
    name="projektauftrag", label="Projektauftrag", plural="Projektaufträge", title="Projektauftrag",
    prefix="projektauftrag", position=10,
    select=lambda data: [p for p in data.projekte if p.participations],
    build=projektauftrag_context,
    signing=SIGNING, required_text=("Projektauftrag", "Unterschrift"),
)
