"""The standard IKZ process: the Arbeitsabschnitte, the process picture and a project's Zeitplan."""

from __future__ import annotations

from .. import schema
from ..figures import (
    ProcessChart,
    Timeline,
    TimelineStep,
)
from ..german import datum
from ..model import IKZData, Project
from .projekte import projekt_kurztitel, projekt_titel
from .prosa import ABSCHNITT_KURZ, ABSCHNITT_VORBEMERKUNG
from .text import clean

_PHASEN = ("I", "II", "III")


def arbeitsabschnitte_ctx(project: Project | None = None) -> list[dict]:
    result = []
    milestones = {m.abschnitt: m for m in project.milestones} if project else {}
    for nummer, text in schema.ARBEITSABSCHNITTE.items():
        m = milestones.get(nummer)
        result.append({
            "nummer": nummer,
            "nummer_text": f"{nummer}.",
            "text": text,
            "phase": nummer in _PHASEN,
            "vorbemerkung": ABSCHNITT_VORBEMERKUNG.get(nummer, ""),
            "geplant": datum(m.geplant) if m else "",
            "erledigt": datum(m.erledigt) if m else "",
            "bemerkung": clean(m.bemerkung) if m else "",
            "termin": _termin(m) if m else "",
        })
    return result


def _termin(m) -> str:
    if m.erledigt:
        return f"erledigt am {datum(m.erledigt)}"
    if m.geplant:
        return f"bis {datum(m.geplant)}"
    return ""


def process_chart() -> ProcessChart:
    stufen = []
    steps = list(schema.ARBEITSABSCHNITTE)
    # Group the numbered steps between the milestones.
    group: list[str] = []
    short = ABSCHNITT_KURZ
    for s in steps:
        if s in _PHASEN:
            if group:
                stufen.append((f"{group[0]}–{group[-1]}" if len(group) > 1 else group[0],
                               "\n".join(short.get(g, g) for g in group), False))
                group = []
            stufen.append((s, short.get(s, s), True))
        else:
            group.append(s)
    if group:
        stufen.append((f"{group[0]}–{group[-1]}", "\n".join(short.get(g, g) for g in group), False))
    alt = (
        "Ablaufdiagramm des standardisierten IKZ-Projektablaufs: "
        + " → ".join(f"{n} {t.replace(chr(10), ', ')}" for n, t, _ in stufen)
        + "."
    )
    return ProcessChart(tuple(stufen), alt)


def timeline(data: IKZData, project: Project) -> Timeline:
    """Zeitplan picture from the planned (or actual) dates of the Arbeitsabschnitte."""
    dated = []
    by = {m.abschnitt: m for m in project.milestones}
    for nummer, text in schema.ARBEITSABSCHNITTE.items():
        m = by.get(nummer)
        if m is None:
            continue
        d = m.erledigt or m.geplant
        if d is None:
            continue
        dated.append((nummer, text, d, m.erledigt is not None))
    steps = []
    prev = project.start or (dated[0][2] if dated else None)
    for nummer, text, d, done in dated:
        start = prev if prev is not None and prev <= d else d
        label = ABSCHNITT_KURZ.get(nummer) or text[:40]
        steps.append(TimelineStep(nummer, label, start, d, nummer in _PHASEN, done))
        prev = d
    alt = (
        f"Zeitplan des Projekts „{projekt_titel(project)}“: "
        + "; ".join(f"Abschnitt {s.nummer} {'erledigt am' if s.erledigt else 'geplant bis'} {datum(s.ende)}"
                    for s in steps)
        + "."
    ) if steps else ""
    return Timeline(f"Zeitplan – {projekt_kurztitel(project)}", tuple(steps), data.bericht.stand, alt)
