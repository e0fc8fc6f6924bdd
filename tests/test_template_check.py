"""pipeline.template_check: what is wrong with a Word template, in German, before anything is rendered."""

from __future__ import annotations

import pytest

from pipeline.errors import TemplateError
from pipeline.kinds import DOCUMENT_KINDS
from pipeline.render import render_context
from pipeline.render import check_templates, require_templates
from pipeline.template_check import missing_text, templates_error
from pipeline.validate import load
from tests.helpers_docx import edited_templates
from tests.helpers_run import ROOT
from tests.wb import make_workbook


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return load(make_workbook(tmp_path_factory.mktemp("wb") / "klein.xlsx"))[0]


def test_the_shipped_templates_pass(data):
    assert check_templates(data, ROOT / "templates", trial=False) == []
    require_templates(data, ROOT / "templates", trial=False)


def test_syntax_error_unknown_variable_and_missing_file_are_each_named(data, tmp_path):
    templates = edited_templates(tmp_path / "vorlagen", "projektauftrag.docx", b"{{ projekt.titel }}",
                                 b"{{ projekt.titel }} {{ projekt.gibtsnicht }} {% if x %}", 1)
    (templates / "schlussbericht.docx").unlink()
    problems = check_templates(data, templates, trial=False)
    assert any(p.startswith("Vorlage »projektauftrag.docx«: Fehler in einem Platzhalter") for p in problems), problems
    assert any("schlussbericht.docx" in p for p in problems), problems
    with pytest.raises(TemplateError) as info:
        require_templates(data, templates, trial=False)
    assert info.value.message.startswith(f"{len(problems)} Probleme in den Word-Vorlagen:\n- ")
    unknown = edited_templates(tmp_path / "unbekannt", "projektauftrag.docx", b"{{ projekt.titel }}",
                               b"{{ projekt.gibtsnicht }}", 1)
    (problem,) = check_templates(data, unknown, trial=False)
    assert problem.startswith("Vorlage »projektauftrag.docx«: unbekannte Variable »projekt.gibtsnicht«")


def test_required_text_is_looked_for_in_the_rendered_document(data):
    kind = next(k for k in DOCUMENT_KINDS if k.name == "projektauftrag")
    project = data.projekt("REINIGUNG")
    blob = render_context(ROOT / "templates" / kind.template, kind.build(data, project), kind)
    assert missing_text("projektauftrag.docx", blob, kind.required(data, project)) == []
    (problem,) = missing_text("projektauftrag.docx", blob, ["Unterschrift Stadt Atlantis"])
    assert problem == ("In der Vorlage »projektauftrag.docx« fehlt »Unterschrift Stadt Atlantis«; das Programm "
                       "braucht diesen Text (dort wird das Unterschriftsfeld gesetzt).")


def test_one_problem_alone_is_the_message():
    assert templates_error(["Vorlage »x.docx«: kaputt"]).message == "Vorlage »x.docx«: kaputt"
