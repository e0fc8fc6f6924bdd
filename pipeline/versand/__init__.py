"""Versand: after ``report``, what each Kommune receives, ready to send.

* ``plan.py`` – who gets what: each Kommune's Mappe, the Projektaufträge it is
  asked to sign, its address, which files are too big to attach;
* ``letter.py`` – subject and text of each e-mail from the staff-editable
  template ``templates/versand-anschreiben.txt``;
* ``write.py`` – the folder ``versand/`` in the run folder: a folder per
  Kommune with copies of its files and an unsent e-mail draft (.eml), and the
  Versandliste (.xlsx); replaced as a whole.
"""

from __future__ import annotations

from .letter import TEMPLATE, Letter, load_template, render_letter
from .plan import (
    DEFAULT_MAX_MB,
    Enclosure,
    Mailing,
    ReportMissing,
    SignatureRequest,
    VersandPlan,
    make_plan,
)
from .write import (
    LISTE,
    VersandOptions,
    VersandResult,
    build_draft,
    run_versand,
    versandliste,
)

__all__ = [
    "DEFAULT_MAX_MB",
    "LISTE",
    "TEMPLATE",
    "Enclosure",
    "Letter",
    "Mailing",
    "ReportMissing",
    "SignatureRequest",
    "VersandOptions",
    "VersandPlan",
    "VersandResult",
    "build_draft",
    "load_template",
    "make_plan",
    "render_letter",
    "run_versand",
    "versandliste",
]
