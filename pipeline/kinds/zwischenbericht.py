"""The Zwischenbericht der Projektgruppe: one for each project with a Zwischenbericht in the sheet »Projektberichte« of this period."""

from __future__ import annotations

from ..content.projektbericht import projektbericht_context, with_report
from .base import DocumentKind

KIND = DocumentKind(
    name="zwischenbericht", label="Zwischenbericht der Projektgruppe", plural="Zwischenberichte der Projektgruppen",
    title="Zwischenbericht der Projektgruppe",
    prefix="zwischenbericht-projektgruppe", position=20,
    select=with_report("Zwischenbericht"),
    build=lambda data, p: projektbericht_context(data, p, "Zwischenbericht"),
    required_text=("Zwischenbericht der Projektgruppe",),
)
