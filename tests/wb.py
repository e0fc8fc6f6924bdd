"""Build small workbooks in code for tests (no binary fixtures)."""

from __future__ import annotations

import atexit
import copy
import datetime as dt
import functools
import hashlib
import shutil
import tempfile
from pathlib import Path

from pipeline.blank import write_workbook

KOMMUNEN = [
    dict(key="Biebesheim", name="Gemeinde Biebesheim am Rhein", art="Gemeinde", region="Südkreis", amt="Bürgermeister/in",
         leitung=None, sitz="Biebesheim am Rhein", gremium="Gemeindevertretung"),
    dict(key="Raunheim", name="Stadt Raunheim", art="Stadt", region="Nordkreis", amt="Bürgermeister/in",
         leitung=None, sitz="Raunheim", gremium="Stadtverordnetenversammlung"),
    dict(key="Gernsheim", name="Stadt Gernsheim", art="Stadt", region="Südkreis", amt="Bürgermeister",
         leitung="Peter Burger", sitz="Gernsheim", gremium="Stadtverordnetenversammlung"),
    dict(key="Kreis Groß-Gerau", name="Kreis Groß-Gerau", art="Kreis", region="Kreis", amt="Landrat",
         leitung="Thomas Will", sitz="Groß-Gerau", gremium="Kreistag"),
]


def minimal_rows() -> dict[str, list[dict]]:
    """A small valid workbook: 4 Kommunen, a Prüfprojekt with a pilot follow-up."""
    rows = {
        "Bericht": [dict(nummer=12, von=dt.date(2024, 11, 1), bis=dt.date(2025, 10, 31), stand=dt.date(2025, 10, 31),
                         herausgeber="IKZ-Lenkungsgruppe im Kreis Groß-Gerau", ansprechpartner="Marion Götz",
                         dienststelle="c/o Stadt Raunheim", email="m.goetz@raunheim.de", website="https://ikz.imkreisgg.de")],
        "Kommunen": copy.deepcopy(KOMMUNEN),
        "Projekte": [
            dict(id="REINIGUNG", titel="Reinigung kommunaler Liegenschaften", kurztitel="Reinigung", art="Prüfprojekt",
                 status="abgeschlossen", start=dt.date(2023, 3, 1), ende=dt.date(2024, 12, 31), aktuell=True),
            dict(id="REINIGUNG-PILOT", titel="Pilotprojekt Reinigung", art="Pilotprojekt", status="laufend",
                 parent="REINIGUNG", start=dt.date(2025, 1, 1), aktuell=True),
        ],
        "Projekttexte": [dict(projekt="REINIGUNG", art="Ausgangslage", text="Erster Absatz.\n- Punkt **fett**")],
        "Beteiligung": [],
        "Arbeitsabschnitte": [dict(projekt="REINIGUNG", abschnitt="I", geplant=dt.date(2023, 3, 1), erledigt=dt.date(2023, 3, 1)),
                              dict(projekt="REINIGUNG", abschnitt="II", geplant=dt.date(2023, 12, 1))],
        "Projektberichte": [],
        "Fördermittel": [dict(projekt="REINIGUNG", zweck="Reinigung", geber="Land Hessen", betrag=150000, jahr=2025, status="bewilligt")],
        "Lenkungsgruppe": [dict(funktion="Leitung", name="Marion Götz", kommune="Raunheim", zusatz="c/o")],
        "Fortbildungen": [dict(thema="Grundlagen des Projektmanagements", teilnehmende=52, kommunen=3)],
        "Arbeitsgruppen": [], "Initiativen": [], "Presse": [], "Berichtstexte": [],
    }
    for k in KOMMUNEN:
        rows["Beteiligung"].append(dict(projekt="REINIGUNG", kommune=k["key"], status="beteiligt",
                                        rolle="PL" if k["art"] == "Kreis" else "PG", lkg=k["key"] == "Raunheim"))
    rows["Beteiligung"].append(dict(projekt="REINIGUNG-PILOT", kommune="Gernsheim", status="beteiligt", rolle="PL"))
    return rows


def open_rows() -> dict[str, list[dict]]:
    """The small workbook with the Projektauftrag REINIGUNG in its signature round (laufend, its
    Arbeitsabschnitt I »Erteilung des Projektauftrags« not done yet)."""
    rows = minimal_rows()
    for p in rows["Projekte"]:
        if p["id"] == "REINIGUNG":
            p["status"] = "laufend"
    rows["Arbeitsabschnitte"] = [dict(projekt="REINIGUNG", abschnitt="I", geplant=dt.date(2026, 3, 1)),
                                 dict(projekt="REINIGUNG", abschnitt="II", geplant=dt.date(2026, 12, 1))]
    return rows


@functools.cache
def _built_folder() -> Path:
    """Where this test process keeps the workbooks it built, by a digest of their rows: the same rows again are a
    copy of the file, not built again (openpyxl takes 0.1-0.2 s for one; the suite asks for the same few rows
    dozens of times)."""
    folder = Path(tempfile.mkdtemp(prefix="ikz-test-arbeitsmappen-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def make_workbook(path: Path, rows: dict | None = None) -> Path:
    """Write rows (default: minimal_rows()) as a schema workbook."""
    rows = minimal_rows() if rows is None else rows
    built = _built_folder() / f"{hashlib.sha256(repr(rows).encode('utf-8')).hexdigest()}.xlsx"
    if not built.exists():
        write_workbook(built, rows)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(built, path)
    return Path(path)
