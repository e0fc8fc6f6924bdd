"""pipeline.plan: the keys of every stage change exactly when what the stage is handed changes."""

from __future__ import annotations

import dataclasses

import pytest

from pipeline.plan import SigningSettings, make_plan, plan_bundles
from pipeline.tracking import Reads
from pipeline.validate import load
from tests.helpers_run import ROOT
from tests.wb import make_workbook, minimal_rows

TEMPLATES = ROOT / "templates"
SIGNING = SigningSettings(certificate_sha256="c" * 64, timestamp_url=None, location="Raunheim", contact=None)


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory):
    """The small workbook, and the same with one project text changed."""
    d = tmp_path_factory.mktemp("plan")
    edited = minimal_rows()
    edited["Projekttexte"][0]["text"] = "Geänderte Ausgangslage."
    return {"base": load(make_workbook(d / "a.xlsx"))[0], "edited": load(make_workbook(d / "b.xlsx", edited))[0]}


def by_stem(plan):
    return {d.stem: d for d in plan.documents}


def test_documents_and_their_signature_fields(workbooks):
    plan = make_plan(workbooks["base"], TEMPLATES, "code", "conv", SIGNING)
    docs = by_stem(plan)
    assert list(docs) == ["projektauftrag-REINIGUNG", "projektauftrag-REINIGUNG-PILOT", "jahresbericht-2025"]
    assert [k for k, _ in docs["projektauftrag-REINIGUNG"].signers] == ["Biebesheim", "Raunheim", "Gernsheim",
                                                                        "Kreis Groß-Gerau"]
    assert docs["projektauftrag-REINIGUNG-PILOT"].signers == (("Gernsheim", "Unterschrift Stadt Gernsheim"),)
    assert docs["jahresbericht-2025"].signers == () and docs["jahresbericht-2025"].edition is None
    assert docs["projektauftrag-REINIGUNG"].edition is not None  # a signed kind: its edition is known
    assert docs["projektauftrag-REINIGUNG"].pdf_rel == "pdf/projektauftrag-REINIGUNG.pdf"
    assert set(plan.contexts) == {d.docx_key for d in plan.documents}


def test_the_same_inputs_give_the_same_keys(workbooks):
    first = make_plan(workbooks["base"], TEMPLATES, "code", "conv", SIGNING)
    again = make_plan(workbooks["base"], TEMPLATES, "code", "conv", SIGNING)
    assert [(d.docx_key, d.pdf_key, d.signed_key, d.edition) for d in first.documents] == \
           [(d.docx_key, d.pdf_key, d.signed_key, d.edition) for d in again.documents]
    assert len({d.docx_key for d in first.documents}) == 3


def test_an_edited_text_changes_the_documents_that_show_it(workbooks):
    base = by_stem(make_plan(workbooks["base"], TEMPLATES, "code", "conv", SIGNING))
    edited = by_stem(make_plan(workbooks["edited"], TEMPLATES, "code", "conv", SIGNING))
    changed = {stem for stem in base if base[stem].signed_key != edited[stem].signed_key}
    assert changed == {"projektauftrag-REINIGUNG", "jahresbericht-2025"}
    assert base["projektauftrag-REINIGUNG"].edition != edited["projektauftrag-REINIGUNG"].edition
    assert base["projektauftrag-REINIGUNG-PILOT"] == edited["projektauftrag-REINIGUNG-PILOT"]


def test_each_setting_reaches_the_keys_it_belongs_to(workbooks):
    data = workbooks["base"]
    base = make_plan(data, TEMPLATES, "code", "conv", SIGNING).documents
    converter = make_plan(data, TEMPLATES, "code", "conv2", SIGNING).documents
    signing = make_plan(data, TEMPLATES, "code", "conv", dataclasses.replace(SIGNING, timestamp_url="http://tsa")).documents
    code = make_plan(data, TEMPLATES, "code2", "conv", SIGNING).documents
    for b, c, s, k in zip(base, converter, signing, code):
        assert c.docx_key == b.docx_key
        assert c.pdf_key != b.pdf_key and c.signed_key != b.signed_key and c.edition == b.edition
        assert (s.docx_key, s.pdf_key) == (b.docx_key, b.pdf_key) and s.signed_key != b.signed_key
        assert s.edition == b.edition  # what the signers agree to does not depend on the office's settings
        assert k.docx_key != b.docx_key and k.signed_key != b.signed_key


def test_the_content_key_covers_only_what_the_template_read(workbooks):
    """The edited text changes the whole context; a template that never read it keeps its signed key."""
    read_title = Reads({("projekt", "titel")})
    base = make_plan(workbooks["base"], TEMPLATES, "code", "conv", SIGNING, reads_for=lambda rel: read_title)
    edited = make_plan(workbooks["edited"], TEMPLATES, "code", "conv", SIGNING, reads_for=lambda rel: read_title)
    b, e = by_stem(base)["projektauftrag-REINIGUNG"], by_stem(edited)["projektauftrag-REINIGUNG"]
    assert b.docx_key != e.docx_key  # rendering is still redone from the whole context
    assert b.signed_key == e.signed_key and b.edition == e.edition
    assert base.with_reads(b, Reads({("projekt", "texte")})).signed_key != b.signed_key


def test_bundles_hold_their_documents_and_follow_their_keys(workbooks):
    data = workbooks["base"]
    plan = make_plan(data, TEMPLATES, "code", "conv", SIGNING)
    bundles = {(b.kind, b.kommune): b for b in plan_bundles(data, plan.documents, SIGNING, "code")}
    assert set(bundles) == {("ratsmappe", k.key) for k in data.kommunen} | {("gesamtmappe", None)}
    gernsheim = bundles[("ratsmappe", "Gernsheim")]
    assert [m.stem for m in gernsheim.members] == ["jahresbericht-2025", "projektauftrag-REINIGUNG-PILOT"]
    assert gernsheim.path == "mappen/mappe-Gernsheim.pdf" and "Gernsheim" in gernsheim.title
    assert [m.stem for m in bundles[("gesamtmappe", None)].members][0] == "jahresbericht-2025"
    edited = make_plan(workbooks["edited"], TEMPLATES, "code", "conv", SIGNING)
    again = {(b.kind, b.kommune): b.key for b in plan_bundles(workbooks["edited"], edited.documents, SIGNING, "code")}
    assert all(again[k] != b.key for k, b in bundles.items())  # the annual report is in every bundle
