"""The bundled sample workbook holds the real data of the 12th annual report."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.validate import load
from tools.build_sample import main as build_sample

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "inputs" / "ikz-2025.xlsx"


@pytest.fixture(scope="module")
def data():
    return load(SAMPLE)[0]


def test_participation_sums_equal_the_seed(data):
    # Column sums of "Beteiligung an IKZ-Projekten und –Umsetzungsmaßnahmen 2025": 15 · 8/4 · 13 · 14/12 · 14 · 12 · 11
    sums = {p.id: len(p.participants) for p in data.projekte if p.aktuell}
    assert sums == {
        "FEUERWEHR": 15, "REINIGUNG": 8, "REINIGUNG-PILOT": 4, "HINSCHG": 13, "SMART-REGION": 14,
        "KI-SYSTEME": 12, "HITZE": 14, "ARCHIV": 12, "ELEKTRO-2025": 11,
    }
    assert [p.id for p in data.projekte if p.aktuell and p.parent is None] == [
        "FEUERWEHR", "REINIGUNG", "HINSCHG", "SMART-REGION", "HITZE", "ARCHIV", "ELEKTRO-2025"]
    assert data.projekt("REINIGUNG-PILOT").parent == "REINIGUNG"
    assert data.projekt("KI-SYSTEME").parent == "SMART-REGION"


def test_roles_and_duties_as_in_the_seed(data):
    hinschg = data.projekt("HINSCHG")
    assert {p.kommune for p in hinschg.participations if p.unzustaendig} == {"Biebesheim", "Stockstadt"}
    assert hinschg.participation("Mörfelden-Walldorf").rolle == "PL"
    raunheim = data.projekt("FEUERWEHR").participation("Raunheim")
    assert (raunheim.rolle, raunheim.lkg) == ("PG", True)
    assert data.projekt("HITZE").participation("Büttelborn").rolle == "PL"
    pilot = data.projekt("REINIGUNG-PILOT")
    assert {p.kommune for p in pilot.participants} == {"Gernsheim", "Mörfelden-Walldorf", "Riedstadt", "Kreis Groß-Gerau"}


def test_no_invented_office_holders(data):
    named = {k.key: k.leitung for k in data.kommunen if k.leitung}
    assert named == {"Büttelborn": "Marcus Merkel", "Gernsheim": "Peter Burger", "Mörfelden-Walldorf": "Karsten Groß",
                     "Rüsselsheim": "Patrick Burghardt", "Kreis Groß-Gerau": "Thomas Will"}


def test_report_settings_funding_and_steering_group(data):
    b = data.bericht
    assert (b.nummer, b.von.isoformat(), b.bis.isoformat()) == (12, "2024-11-01", "2025-10-31")
    assert sorted(int(f.betrag) for f in data.foerdermittel) == [100_000, 150_000, 150_000]
    assert len(data.lenkungsgruppe) == 6
    assert (data.fortbildungen[0].teilnehmende, data.fortbildungen[0].kommunen) == (52, 13)


def test_sample_workbook_is_reproducible(tmp_path, data):
    """inputs/ikz-2025.xlsx is exactly what tools/build_sample.py makes from tools/sample_data.py."""
    build_sample([str(tmp_path / "neu.xlsx")])
    fresh = load(tmp_path / "neu.xlsx")[0]
    assert fresh.projekte == data.projekte
    assert fresh.kommunen == data.kommunen
    assert fresh.texte == data.texte
