"""The Schlussbericht der Projektgruppe: one for each project with a Schlussbericht in the sheet »Projektberichte« of this period."""

from __future__ import annotations

from ..content.projektbericht import projektbericht_context, with_report
from .base import DocumentKind

KIND = DocumentKind(
    name="schlussbericht", label="Schlussbericht der Projektgruppe", plural="Schlussberichte der Projektgruppen",
    title="Schlussbericht der Projektgruppe",
    prefix="schlussbericht", position=30,
    select=with_report("Schlussbericht"),
    build=lambda data, p: projektbericht_context(data, p, "Schlussbericht"),
    required_text=("Schlussbericht der Projektgruppe",),
)
