"""The context of a Projektgruppe's Zwischen- or Schlussbericht (two kinds, one builder)."""

from __future__ import annotations

from collections.abc import Callable

from ..german import datum
from ..model import IKZData, Project
from .foerdermittel import foerder_ctx
from .projekte import projekt_kurztitel, projekt_titel
from .stuecke import dokument_ctx, projekt_common
from .text import clean


def _fazit(votum: str | None, kind: str) -> str:
    if not votum:
        return ""
    if kind == "zwischenbericht":
        return {
            "empfohlen": "Die Projektgruppe empfiehlt die interkommunale Zusammenarbeit (IKZ) für die Aufgabe, "
                         "die Projektgegenstand ist.",
            "nicht empfohlen": "Die Projektgruppe empfiehlt keine interkommunale Zusammenarbeit (IKZ) für die "
                               "Aufgabe, die Projektgegenstand ist.",
            "teilweise empfohlen": "Die Projektgruppe empfiehlt die interkommunale Zusammenarbeit (IKZ) für "
                                   "Teile der Aufgabe, die Projektgegenstand ist.",
        }.get(votum, f"Votum der Projektgruppe: {clean(votum)}.")
    return {
        "empfohlen": "Die Projektgruppe empfiehlt den Auftraggebern, die vorgeschlagene interkommunale "
                     "Kooperation in einem IKZ-Umsetzungsprojekt umzusetzen.",
        "nicht empfohlen": "Die Projektgruppe empfiehlt den Auftraggebern, von einer interkommunalen Umsetzung "
                           "abzusehen.",
        "teilweise empfohlen": "Die Projektgruppe empfiehlt den Auftraggebern, die interkommunale Kooperation "
                               "für Teile der Aufgabe in einem IKZ-Umsetzungs- bzw. Pilotprojekt umzusetzen.",
    }.get(votum, f"Empfehlung der Projektgruppe: {clean(votum)}.")


def projektbericht_context(data: IKZData, p: Project | None, art: str) -> dict:
    """Context of a Zwischenbericht or Schlussbericht of the Projektgruppe."""
    assert p is not None, "a Projektbericht is made for a project"
    ctx = projekt_common(data, p)
    r = p.report(art)
    t = projekt_titel(p)
    ctx["dokument"] = dokument_ctx(data, f"{art} der Projektgruppe", f"{art} der Projektgruppe „{t}“",
                                t, f"{art} – {projekt_kurztitel(p)}", _berichtsdatum(r))
    ctx["projektbericht"] = {
        "datum": datum(r.datum) if r else "",
        "votum": clean(r.votum) if r else "",
        "fazit": _fazit(r.votum if r else None, art.lower()),
    }
    if art == "Schlussbericht":
        ctx["foerdermittel"] = [foerder_ctx(f) for f in data.foerdermittel if f.projekt == p.id]
    return ctx


def _berichtsdatum(r) -> str:
    if r is None or r.datum is None:
        return "ohne Datum"
    return datum(r.datum)


def with_report(art: str) -> Callable[[IKZData], list[Project]]:
    """The projects with a report of `art` of this period (one dated before the period went out last year)."""
    def select(data: IKZData) -> list[Project]:
        reports = ((p, p.report(art)) for p in data.projekte)
        return [p for p, r in reports if r is not None and (r.datum is None or r.datum >= data.bericht.von)]
    return select
