"""A new signed document kind is its template plus its module, nothing else.

A copy of the project gets exactly two new files: `pipeline/kinds/beschlussvorlage.py`
(a »Beschlussvorlage« per running project, signed by the participating
Dienststellenleitungen, recorded in a column of its own) and
`templates/beschlussvorlage.docx`. Then the year runs in that copy as staff run
it: report (Word, PDF, signature fields), Versand (the letter asks for the
Beschlussvorlage), a council signs with poppler, Rücklauf (counted, the workbook
copy fills the kind's own column).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from tests import pki
from tests.helpers_pdf import pdftotext
from tests.helpers_run import ROOT, copy_project
from tests.test_cosign import assert_clean

MODULE = '''"""Beschlussvorlage: a decision paper per running project, signed by the participating Dienststellenleitungen."""

from __future__ import annotations

from ..content.ablauf import arbeitsabschnitte_ctx, timeline
from ..content.projekte import projekt_kurztitel, projekt_titel
from ..content.stuecke import dokument_ctx, projekt_common, unterschriften_ctx
from ..german import datum
from ..schema import Column, Type
from .base import DocumentKind, SigningRule

SIGNING = SigningRule(
    round_open=lambda p: p.status in ("geplant", "laufend"),
    column=Column("Beschlussvorlage unterzeichnet am", "beschluss_unterzeichnet", Type.DATE,
                  hint="Datum, an dem die Dienststellenleitung die Beschlussvorlage unterschrieben hat", width=14,
                  may_be_absent=True),
    presentation=(("unterschriften", "*", "datum"), ("unterschriften", "*", "vermerk"),
                  ("unterschriften", "*", "unterzeichnet"), ("dokument", "stand"), ("zeitplan", "heute")),
    nominativ=("die Beschlussvorlage", "die Beschlussvorlagen"),
    akkusativ=("diese Beschlussvorlage", "diese Beschlussvorlagen"),
)


def build(data, p):
    ctx = projekt_common(data, p)
    t = projekt_titel(p)
    ctx["dokument"] = dokument_ctx(data, "Beschlussvorlage", f"Beschlussvorlage „{t}“", t,
                                   f"Beschlussvorlage – {projekt_kurztitel(p)}", datum(data.bericht.stand))
    ctx["abschnitte"] = arbeitsabschnitte_ctx(p)
    ctx["abschnitte_geplant"] = any(a["geplant"] or a["erledigt"] for a in ctx["abschnitte"])
    ctx["zeitplan"] = timeline(data, p)
    ctx["unterschriften"] = unterschriften_ctx(data, p, SIGNING.recorded)
    return ctx


KIND = DocumentKind(
    name="beschlussvorlage", label="Beschlussvorlage", plural="Beschlussvorlagen", title="Beschlussvorlage",
    prefix="beschlussvorlage", position=15,
    select=lambda data: [p for p in data.projekte if p.participants and SIGNING.round_open(p)],
    build=build, signing=SIGNING, required_text=("Beschlussvorlage", "Unterschrift"),
)
'''

WORKBOOK = '''
import datetime as dt, sys
from tests.wb import make_workbook, open_rows
rows = open_rows()
for k in rows["Kommunen"]:
    k["email"] = "poststelle@" + k["key"].lower().replace(" ", "-").replace("ß", "ss") + ".example"
for part in rows["Beteiligung"]:
    if part["projekt"] == "REINIGUNG" and part["kommune"] == "Biebesheim":
        part["beschluss_unterzeichnet"] = dt.date(2026, 2, 3)  # signed on paper: recorded in the kind's column
make_workbook(sys.argv[1], rows)
'''


def _template(source: Path, target: Path) -> None:
    """The Projektauftrag's template with its words turned into a Beschlussvorlage's."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("word/") and item.filename.endswith(".xml"):
                data = data.replace("Projektauftrag".encode(), "Beschlussvorlage".encode())
            dst.writestr(item, data)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> dict:
    """A copy of the project (as after `git clone`) plus the new kind's two files."""
    target = tmp_path_factory.mktemp("neue-art") / "ikz"
    files = copy_project(target)
    (target / "pipeline" / "kinds" / "beschlussvorlage.py").write_text(MODULE, encoding="utf-8")
    _template(ROOT / "templates" / "projektauftrag.docx", target / "templates" / "beschlussvorlage.docx")
    added = {str(p.relative_to(target)) for p in target.rglob("*") if p.is_file()} - set(files)
    assert added == {"pipeline/kinds/beschlussvorlage.py", "templates/beschlussvorlage.docx"}
    d = tmp_path_factory.mktemp("neue-art-daten")
    ca = pki.make_ca(d, cn="Kreis-CA")
    p12 = pki.make_p12(ca, d / "ikz.p12", "IKZ-Geschäftsstelle Test", b"geheim", key_type="rsa")
    env = {"IKZ_SIGNATUR_ZERTIFIKAT": str(p12), "IKZ_SIGNATUR_PASSWORT": "geheim"}
    council_ca = pki.make_ca(d, cn="Rats-CA", filename="rats-ca.pem")
    wb = d / "ikz 2026.xlsx"
    made = subprocess.run([sys.executable, "-c", WORKBOOK, str(wb)], cwd=target, capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=str(target)))
    assert made.returncode == 0, made.stderr
    return dict(root=target, wb=wb, out=d / "out", state=d / "state", env=env, ca=ca, council_ca=council_ca, dir=d)


def run(project, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("IKZ_")}
    env.update(project["env"], PYTHONPATH=str(project["root"]))
    result = subprocess.run([sys.executable, "-m", "pipeline", *map(str, args)], cwd=project["root"], env=env,
                            capture_output=True, text=True, timeout=900, stdin=subprocess.DEVNULL)
    assert_clean(result)
    return result


def test_a_new_signed_kind_runs_the_year_with_its_template_and_module_only(project):
    # the blank workbook of the copy has the kind's column
    blank = run(project, "new-workbook", project["dir"] / "leer.xlsx")
    assert blank.returncode == 0, blank.stdout + blank.stderr
    header = [c.value for c in openpyxl.load_workbook(project["dir"] / "leer.xlsx")["Beteiligung"][1]]
    assert header[-2:] == ["Unterzeichnet am", "Beschlussvorlage unterzeichnet am"]

    report = run(project, "report", project["wb"], "--outputs", project["out"], "--state", project["state"])
    assert report.returncode == 0, report.stdout + report.stderr
    assert "2 Projektaufträge, 2 Beschlussvorlagen," in report.stdout
    folder = project["out"] / "ikz 2026"
    pdf = folder / "pdf" / "beschlussvorlage-REINIGUNG.pdf"
    assert (folder / "word" / "beschlussvorlage-REINIGUNG.docx").is_file()
    text = pdftotext(pdf)
    assert "Beschlussvorlage" in text and "unterzeichnet am 3.2.2026" in text
    from pipeline import sign

    empty = [f for f in sign.verify(pdf, []).fields if not f.signed]
    assert sorted(f.label for f in empty) == ["Unterschrift Kreis Groß-Gerau", "Unterschrift Stadt Gernsheim",
                                              "Unterschrift Stadt Raunheim"]  # Biebesheim signed on paper
    checked = subprocess.run(["pdfsig", str(pdf)], capture_output=True, text=True)
    assert "Signature is Valid" in checked.stdout  # the office's signature, read by poppler

    versand = run(project, "versand", project["wb"], "--outputs", project["out"])
    assert versand.returncode == 0, versand.stdout + versand.stderr
    import email
    import email.policy

    draft = email.message_from_bytes((folder / "versand" / "Gernsheim" / "e-mail-Gernsheim.eml").read_bytes(),
                                     policy=email.policy.default)
    body = draft.get_body(("plain",)).get_content()
    assert draft["Subject"] == ("IKZ-Jahresbericht 2025 und Dokumente zur Unterschrift – Stadt Gernsheim")
    assert "- Beschlussvorlage »Reinigung kommunaler Liegenschaften« (REINIGUNG)" in body
    assert "- Projektauftrag »Reinigung kommunaler Liegenschaften« (REINIGUNG)" in body
    assert "diese Dokumente digital zu unterschreiben" in body

    back = project["dir"] / "zurueck"
    back.mkdir()
    raunheim = pki.poppler_signer(project["dir"] / "nss", project["council_ca"], "Ruth Raunheim", "Stadt Raunheim")
    pki.poppler_sign(pdf, back / "Scan.pdf", "Unterschrift_Raunheim", raunheim)
    ruecklauf = run(project, "ruecklauf", back, project["wb"], "--outputs", project["out"], "--state",
                    project["state"], "--vertrauen", project["ca"].pem, "--vertrauen", project["council_ca"].pem,
                    "--arbeitsmappe-kopie")
    assert ruecklauf.returncode == 0, ruecklauf.stdout + ruecklauf.stderr
    assert "Scan.pdf: Beschlussvorlage: Reinigung kommunaler Liegenschaften (aktuelle Ausgabe)" in ruecklauf.stdout
    section = ruecklauf.stdout[ruecklauf.stdout.index("Beschlussvorlagen zur Unterschrift"):]
    assert re.search(r"^  REINIGUNG: 2 von 4 unterschrieben; es fehlen: Stadt Gernsheim, Kreis Groß-Gerau$",
                     section, re.M), section
    copy = next(project["wb"].parent.glob("ikz 2026-ruecklauf-*.xlsx"))
    ws = openpyxl.load_workbook(copy)["Beteiligung"]
    header = [c.value for c in ws[1]]
    rows = [dict(zip(header, r)) for r in ws.iter_rows(min_row=2, values_only=True)]
    raunheim_row = next(r for r in rows if r["Projekt-ID"] == "REINIGUNG" and r["Kommune"] == "Raunheim")
    assert raunheim_row["Beschlussvorlage unterzeichnet am"] is not None
    assert raunheim_row["Unterzeichnet am"] is None  # the Projektauftrag's column is the Projektauftrag's
