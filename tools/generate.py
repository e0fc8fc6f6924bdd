"""Generate synthetic workbooks of any size (benchmarks, layout tests).

Usage: python -m tools.generate OUT.xlsx --kommunen 25 --projekte 40 [--aktuell 11]
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import random
from pathlib import Path

from pipeline.blank import write_workbook
from tools.sample_data import SAMPLE

_PARAGRAPH = (
    "Die projektbeteiligten Kommunen haben zunächst eine **Bestandsaufnahme** der Organisation der Aufgabe "
    "durchgeführt und die Ergebnisse in der Projektgruppe verglichen.\n"
    "- Bündelung von Personal und Fachwissen\n"
    "- gemeinsame Beschaffung & günstigere Preise\n"
    "Die Projektgruppe empfiehlt, die Zusammenarbeit fortzusetzen."
)


def generate(n_kommunen: int, n_projekte: int, n_aktuell: int | None = None, seed: int = 1) -> dict[str, list[dict]]:
    """Rows for a workbook with n_kommunen Städte/Gemeinden plus one Kreis and n_projekte projects."""
    rnd = random.Random(seed)
    rows = copy.deepcopy({k: v for k, v in SAMPLE.items()})
    kommunen = []
    for i in range(n_kommunen):
        art = "Stadt" if i % 3 == 0 else "Gemeinde"
        kommunen.append(dict(
            key=f"Kommune {i + 1:03d}", name=f"{art} Beispielort {i + 1:03d}", art=art,
            region=("Südkreis", "Mittelkreis", "Nordkreis")[i % 3], amt="Bürgermeister/in",
            leitung=f"Person {i + 1:03d}" if i % 2 else None, sitz=f"Beispielort {i + 1:03d}",
            gremium="Stadtverordnetenversammlung" if art == "Stadt" else "Gemeindevertretung",
            einwohner=rnd.randint(5_000, 80_000)))
    kommunen.append(dict(key="Kreis", name="Beispielkreis", art="Kreis", region="Kreis", amt="Landrat/Landrätin",
                         leitung=None, sitz="Kreisstadt", gremium="Kreistag"))
    keys = [k["key"] for k in kommunen]
    if n_aktuell is None:
        n_aktuell = min(n_projekte, 7)
    projekte, texte, beteiligung, abschnitte, berichte = [], [], [], [], []
    for j in range(n_projekte):
        pid = f"P{j + 1:03d}"
        aktuell = j < n_aktuell
        status = "laufend" if aktuell and j % 2 else "abgeschlossen"
        start = dt.date(2024, 1 + j % 12, 1)
        projekte.append(dict(id=pid, titel=f"Projekt {j + 1}: Zusammenarbeit im Aufgabenfeld {j + 1}",
                             kurztitel=f"Aufgabenfeld {j + 1}", art="Prüfprojekt", status=status, start=start,
                             ende=dt.date(2025, 6, 30) if status == "abgeschlossen" else None, aktuell=aktuell))
        for art in ("Ausgangslage", "Strategisches Ziel", "Operatives Ziel", "Projektgegenstand", "Sachstand",
                    "Ist-Analyse", "Vorteile", "Begründung", "Soll-Konzeption", "Ergebnis"):
            texte.append(dict(projekt=pid, art=art, text=_PARAGRAPH))
        members = [k for k in keys if rnd.random() < 0.8] or keys[:1]
        leader = rnd.choice(members)
        for k in keys:
            if k in members:
                beteiligung.append(dict(projekt=pid, kommune=k, status="beteiligt",
                                        rolle="PL" if k == leader else ("PG" if rnd.random() < 0.6 else None)))
            else:
                beteiligung.append(dict(projekt=pid, kommune=k, status="nicht beteiligt"))
        for n, code in enumerate(("I", "1", "2", "3", "4", "II", "5", "6", "7", "III")):
            abschnitte.append(dict(projekt=pid, abschnitt=code, geplant=start + dt.timedelta(days=36 * n)))
        berichte.append(dict(projekt=pid, art="Zwischenbericht", datum=start + dt.timedelta(days=180), votum="empfohlen"))
        if status == "abgeschlossen":
            berichte.append(dict(projekt=pid, art="Schlussbericht", datum=start + dt.timedelta(days=330), votum="empfohlen"))
    rows.update(Kommunen=kommunen, Projekte=projekte, Projekttexte=texte, Beteiligung=beteiligung,
                Arbeitsabschnitte=abschnitte, Projektberichte=berichte)
    rows["Fördermittel"] = [dict(f, projekt=None) for f in rows["Fördermittel"]]
    rows["Lenkungsgruppe"] = [dict(funktion="Leitung", name="Leitung der Lenkungsgruppe", kommune=keys[0])]
    rows["Fortbildungen"] = [dict(f, kommunen=min(f["kommunen"], len(keys))) for f in rows["Fortbildungen"]]
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--kommunen", type=int, default=25, help="Städte und Gemeinden (ohne den Kreis)")
    parser.add_argument("--projekte", type=int, default=40)
    parser.add_argument("--aktuell", type=int, default=None, help="Projekte im Jahresbericht")
    args = parser.parse_args(argv)
    write_workbook(args.out, generate(args.kommunen, args.projekte, args.aktuell))
    print(f"{args.out}: {args.kommunen} Kommunen + Kreis, {args.projekte} Projekte")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
