"""The participation table of the annual report and its bar chart."""

from __future__ import annotations

from ..figures import (
    BarChart,
    ParticipationTable,
    TableCell,
    TableColumn,
    TableGroup,
    TableRow,
)
from ..german import datum
from ..model import IKZData, Project
from .kommunen import rollen_text
from .projekte import projekt_kurztitel
from .text import clean

# Leaf columns of the participation table from which it goes on a landscape
# page, and from which the headers are abbreviated with a key below the table.
LANDSCAPE_FROM = 7


ABBREVIATE_FROM = 13


def table_projects(data: IKZData) -> list[tuple[Project, list[Project]]]:
    """Column groups: current projects that are not follow-ups of a current project, each with its
    current follow-up projects, in workbook order (a pilot whose Prüfprojekt ended last year stands
    alone)."""
    current = {p.id for p in data.projekte if p.aktuell}
    groups = []
    for p in data.projekte:
        if p.aktuell and p.parent not in current:
            kids = [c for c in data.projekte if c.parent == p.id and c.aktuell]
            groups.append((p, kids))
    return groups


def participation_table(data: IKZData) -> ParticipationTable:
    """The Beteiligungstabelle of the annual report."""
    groups_src = table_projects(data)
    n_leaves = sum(1 + len(k) for _, k in groups_src)
    abbreviated = n_leaves >= ABBREVIATE_FROM
    landscape = n_leaves >= LANDSCAPE_FROM
    groups: list[TableGroup] = []
    for gi, (p, kids) in enumerate(groups_src, start=1):
        cols = []
        if abbreviated:
            cols.append(TableColumn(p.id, str(gi), projekt_kurztitel(p)))
            for ki, c in enumerate(kids):
                letter = chr(ord("a") + ki) if ki < 26 else str(ki + 1)
                cols.append(TableColumn(c.id, f"{gi}{letter}", f"{projekt_kurztitel(p)}: {projekt_kurztitel(c)}", True))
        else:
            cols.append(TableColumn(p.id, clean(p.art) if kids else "", projekt_kurztitel(p)))
            for c in kids:
                cols.append(TableColumn(c.id, projekt_kurztitel(c), f"{projekt_kurztitel(p)}: {projekt_kurztitel(c)}", True))
        groups.append(TableGroup(p.id, str(gi) if abbreviated else projekt_kurztitel(p), tuple(cols)))

    leaf_projects = {col.projekt: data.projekt(col.projekt) for g in groups for col in g.columns}
    rows = []
    sums = [0] * n_leaves
    for k in data.kommunen:
        cells = []
        idx = 0
        for g in groups:
            for col in g.columns:
                part = leaf_projects[col.projekt].participation(k.key)
                if part is None:
                    cell = TableCell("", folgeprojekt=col.folgeprojekt)
                else:
                    cell = TableCell(
                        rollen_text(part),
                        beteiligt=part.beteiligt,
                        vertreten=part.beteiligt and bool(part.rolle),
                        unzustaendig=part.unzustaendig,
                        folgeprojekt=col.folgeprojekt,
                    )
                if cell.beteiligt:
                    sums[idx] += 1
                cells.append(cell)
                idx += 1
        rows.append(TableRow(clean(k.key), tuple(cells)))

    jahr = data.bericht.jahr
    legend = [
        ("vertreten", "X", "Projektbeteiligung der Kommune UND personelle Vertretung in der Projektgruppe / "
                           "Arbeitsgruppe: (PL) = Projektleitung, (PG) = Projektgruppe, (LKG) = Lenkungsgruppe"),
        ("beteiligt", "X", "Projektbeteiligung der Kommune OHNE personelle Vertretung in der Projektgruppe / "
                           "Arbeitsgruppe"),
        ("keine", "", "keine Projektbeteiligung"),
    ]
    if any(col.folgeprojekt for g in groups for col in g.columns):
        legend.append(("folgeprojekt", "X", "Teilnahme am Umsetzungs- bzw. Pilotprojekt (eigene Teilspalte)"))
    if any(cell.unzustaendig for r in rows for cell in r.cells):
        legend.append(("unzustaendig", "", "keine Aufgabenzuständigkeit"))

    parts: list[str] = []
    for g in groups:
        for col, n in zip(g.columns, sums[len(parts): len(parts) + len(g.columns)]):
            parts.append(f"{col.titel}: {n}")
    alt = (
        f"Tabelle der Beteiligung der {len(data.kommunen)} Kreiskommunen an den IKZ-Projekten {jahr}. "
        f"Zahl der beteiligten Kommunen je Projekt: {'; '.join(parts)}."
    )
    zusammensetzung = f"{len(data.kommunen)} Kreiskommunen"
    return ParticipationTable(
        titel=f"Kreisweiter IKZ-Prozess ({zusammensetzung})",
        untertitel=f"Beteiligung an IKZ-Projekten und -Umsetzungsmaßnahmen {jahr}",
        stand=f"(Stand {datum(data.bericht.stand)})",
        groups=tuple(groups),
        rows=tuple(rows),
        sums=tuple(sums),
        landscape=landscape,
        abbreviated=abbreviated,
        legend=tuple(legend),
        alt=alt if groups else "",
    )


def participation_chart(data: IKZData, table: ParticipationTable) -> BarChart:
    """Bar chart: number of participating Kommunen per project of the year."""
    if not table:
        return BarChart("", (), (), 0, "", "")
    labels = []
    for g in table.groups:
        for c in g.columns:
            if c.folgeprojekt:
                labels.append(f"{projekt_kurztitel(data.projekt(g.projekt))} – {projekt_kurztitel(data.projekt(c.projekt))}")
            else:
                labels.append(projekt_kurztitel(data.projekt(c.projekt)))
    values = table.sums
    alt = (
        f"Balkendiagramm: Zahl der beteiligten Kreiskommunen je IKZ-Projekt {data.bericht.jahr} "
        f"(von {len(data.kommunen)}): "
        + "; ".join(f"{label}: {v}" for label, v in zip(labels, values))
        + "."
    )
    return BarChart(
        titel=f"Beteiligte Kreiskommunen je Projekt {data.bericht.jahr}",
        labels=tuple(labels),
        values=tuple(values),
        maximum=len(data.kommunen),
        xlabel="Zahl der beteiligten Kreiskommunen",
        alt=alt,
    )
