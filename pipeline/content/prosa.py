"""Fixed German wording the documents use beside the templates' own text (one place to change it)."""

from __future__ import annotations

# Standard sentence of the process (section 1.2) before Arbeitsabschnitt 5.
ABSCHNITT_VORBEMERKUNG = {
    "5": (
        "Soweit im Zwischenbericht der Projektgruppe die IKZ-Vorteilhaftigkeit festgestellt wird und die "
        "Auftraggeber auf dieser Basis den Auftrag zur Fortsetzung des Projektes erteilen:"
    ),
}


# Short names of the Arbeitsabschnitte for pictures (timeline, process chart).
ABSCHNITT_KURZ = {
    "I": "Projektauftrag", "1": "Projektablaufplan", "2": "Ist-Analyse", "3": "Vorteilhaftigkeit",
    "4": "Fazit", "II": "Zwischenbericht", "5": "Soll-Konzeption", "6": "Fördermittel",
    "7": "Information", "III": "Schlussbericht",
}
