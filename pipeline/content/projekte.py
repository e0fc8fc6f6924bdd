"""Rules on projects: titles, list entries, the annual report's project lists by status and date."""

from __future__ import annotations

import datetime as dt

from ..german import datum
from ..model import IKZData, Project
from .text import clean

# Status groups of the project lists in section 1 of the annual report.
_LAUFEND = ("laufend", "ausgesetzt")


_OHNE_KOOPERATION = ("abgeschlossen ohne Kooperation", "extern vergeben")


def projekt_titel(p: Project) -> str:
    return clean(p.titel)


def projekt_kurztitel(p: Project) -> str:
    return clean(p.kurztitel) or clean(p.titel)


def participant_keys(p: Project) -> list[str]:
    return [x.kommune for x in p.participants]


def listen_zusatz(p: Project) -> str:
    z = clean(p.zusatz).strip()
    if not z:
        return ""
    return z if z.startswith("(") and z.endswith(")") else f"({z})"


def _list_entry(p: Project) -> str:
    """Entry of a project list in section 1: title and parenthetical."""
    z = listen_zusatz(p)
    if not z and p.aktuell and p.participants:
        z = f"({len(p.participants)} Kreiskommunen)"
    return f"{projekt_titel(p)} {z}".strip()


def im_zeitraum(d: dt.date | None, data: IKZData) -> bool:
    return d is not None and data.bericht.von <= d <= data.bericht.bis


def project_lists(data: IKZData) -> dict[str, list[str]]:
    """The four project lists of section 1 of the annual report.

    * abgeschlossen – completed in the reporting period (status abgeschlossen
      and its end date in the period; `check` warns about a project of this
      year's report without one); a completed Prüfprojekt whose follow-up is
      still running is represented by that follow-up instead;
    * laufend – started or still running in the period;
    * umgesetzt – completed with cooperation before the period;
    * ohne_kooperation – Prüfprojekte without (kreisweite) cooperation.
    """
    lists: dict[str, list[str]] = {"abgeschlossen": [], "laufend": [], "umgesetzt": [], "ohne_kooperation": []}
    for p in data.projekte:
        children = data.children(p.id)
        if p.status == "abgeschlossen":
            running_child = any(c.status in _LAUFEND for c in children)
            # by its end date only (never by last year's »Im Jahresbericht«): without one it counts as earlier
            in_period = im_zeitraum(p.ende, data)
            before = p.ende is None or p.ende < data.bericht.von
            if in_period and not running_child:
                lists["abgeschlossen"].append(_list_entry(p))
            elif before:
                lists["umgesetzt"].append(_list_entry(p))
        elif p.status in _LAUFEND:
            lists["laufend"].append(_list_entry(p))
        elif p.status == "geplant" and p.start is not None and p.start <= data.bericht.bis:
            lists["laufend"].append(_list_entry(p))
        elif p.status in _OHNE_KOOPERATION:
            lists["ohne_kooperation"].append(_list_entry(p))
    return lists


def projekt_zeitraum(p: Project) -> str:
    if p.start and p.ende:
        return f"{datum(p.start)} bis {datum(p.ende)}"
    if p.start:
        return f"ab {datum(p.start)}"
    if p.ende:
        return f"bis {datum(p.ende)}"
    milestones = [m for m in p.milestones if m.geplant or m.erledigt]
    if milestones:
        dates = [d for m in milestones if (d := m.erledigt or m.geplant) is not None]
        return f"{datum(min(dates))} bis {datum(max(dates))} (Planung)"
    return "wird im Projektablaufplan festgelegt"
