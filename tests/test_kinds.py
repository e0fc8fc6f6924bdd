"""pipeline.kinds: the registry decides which documents and bundles a workbook yields."""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline.kinds import (
    BUNDLE_KINDS,
    DOCUMENT_KINDS,
    DocumentRef,
    bundle_kind,
    bundle_order,
    document_kind,
    documents_for,
)
from pipeline.validate import load
from tests.helpers_run import ROOT
from tests.wb import make_workbook, minimal_rows, open_rows


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory):
    d = tmp_path_factory.mktemp("kinds")
    reports = minimal_rows()
    reports["Projektberichte"] = [dict(projekt="REINIGUNG", art="Schlussbericht", datum=dt.date(2025, 3, 1),
                                       votum="empfohlen")]
    return {"small": load(make_workbook(d / "a.xlsx"))[0], "open": load(make_workbook(d / "b.xlsx", open_rows()))[0],
            "reports": load(make_workbook(d / "c.xlsx", reports))[0]}


def test_every_kind_has_its_template_and_a_unique_name():
    names = [k.name for k in DOCUMENT_KINDS] + [k.name for k in BUNDLE_KINDS]
    assert len(set(names)) == len(names)
    for kind in DOCUMENT_KINDS:
        assert (ROOT / "templates" / kind.template).is_file(), kind.name
        assert document_kind(kind.name) is kind
    assert bundle_kind("gesamtmappe").per_kommune is False
    with pytest.raises(ValueError):
        document_kind("beschlussvorlage")


def test_documents_of_a_workbook_project_by_project_then_the_whole_process(workbooks):
    assert documents_for(workbooks["small"]) == [
        DocumentRef("projektauftrag", "REINIGUNG"), DocumentRef("projektauftrag", "REINIGUNG-PILOT"),
        DocumentRef("jahresbericht", None)]
    refs = documents_for(workbooks["reports"])
    assert refs[:2] == [DocumentRef("projektauftrag", "REINIGUNG"), DocumentRef("schlussbericht", "REINIGUNG")]
    assert bundle_order(refs)[0] == DocumentRef("jahresbericht", None)


def test_signing_is_open_while_the_order_is_not_given_and_the_kommune_has_not_signed(workbooks):
    rule = document_kind("projektauftrag").signing
    assert rule is not None and document_kind("jahresbericht").signing is None
    small, open_ = workbooks["small"], workbooks["open"]
    assert not rule.round_open(small.projekt("REINIGUNG"))  # abgeschlossen
    assert rule.round_open(small.projekt("REINIGUNG-PILOT"))  # laufend, Abschnitt I not done
    assert rule.round_open(open_.projekt("REINIGUNG"))
    assert rule.open_for(open_.projekt("REINIGUNG"), "Raunheim")
    assert not rule.open_for(open_.projekt("REINIGUNG-PILOT"), "Raunheim")  # not a participant
    assert [p.kommune for p in rule.signers(open_.projekt("REINIGUNG"))] == [
        "Biebesheim", "Raunheim", "Gernsheim", "Kreis Groß-Gerau"]


def test_names_titles_and_what_a_document_must_show(workbooks):
    data = workbooks["small"]
    kind = document_kind("projektauftrag")
    project = data.projekt("REINIGUNG-PILOT")
    assert kind.stem(data, project) == "projektauftrag-REINIGUNG-PILOT"
    assert kind.document_title(data, project) == "Projektauftrag: Pilotprojekt Reinigung"
    assert kind.required(data, project) == ("Projektauftrag", "Unterschrift", "Unterschrift Stadt Gernsheim")
    annual = document_kind("jahresbericht")
    assert annual.stem(data, None) == "jahresbericht-2025"
    assert annual.document_title(data, None) == "12. IKZ-Zwischenbericht (Stand Oktober 2025)"


def test_a_council_bundle_holds_the_orders_it_still_has_to_sign(workbooks):
    data = workbooks["small"]
    council = bundle_kind("ratsmappe")
    gernsheim = data.kommune("Gernsheim")
    assert council.path(gernsheim) == "mappen/mappe-Gernsheim.pdf"
    assert council.includes(data, gernsheim, DocumentRef("jahresbericht", None))
    assert council.includes(data, gernsheim, DocumentRef("projektauftrag", "REINIGUNG-PILOT"))  # open
    assert not council.includes(data, gernsheim, DocumentRef("projektauftrag", "REINIGUNG"))  # given long ago
    assert not council.includes(data, data.kommune("Raunheim"), DocumentRef("projektauftrag", "REINIGUNG-PILOT"))
    assert len(council.instances(data)) == len(data.kommunen)
    assert bundle_kind("gesamtmappe").includes(data, None, DocumentRef("projektauftrag", "REINIGUNG"))
