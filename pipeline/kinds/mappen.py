"""The bundles: a Mappe for each council and the Gesamtmappe for the Lenkungsgruppe and the archive."""

from __future__ import annotations

from ..content.kommunen import gremium_adresse, kreis_name, mit_artikel
from ..german import datum, monat_jahr
from ..model import IKZData, Kommune
from .base import BundleKind, DocumentRef


def _zeitraum(data: IKZData) -> str:
    return f"Berichtszeitraum {datum(data.bericht.von)} – {datum(data.bericht.bis)}"


def _council_includes(data: IKZData, k: Kommune | None, doc: DocumentRef) -> bool:
    """A council's Mappe: the documents about the whole process, and those of its projects. Of the
    Projektaufträge only the ones it still has to sign, unless »Projektaufträge in den Mappen« is »alle«."""
    if doc.project is None:
        return True
    assert k is not None, "a council's Mappe is made for a Kommune"
    project = data.projekt(doc.project)
    if not any(x.kommune == k.key for x in project.participants):
        return False
    from . import document_kind

    signing = document_kind(doc.kind).signing
    if signing is not None and data.bericht.mappen_auftraege != "alle":
        return signing.open_for(project, k.key)
    return True


def _council_cover(data: IKZData, k: Kommune | None, n: int) -> dict:
    assert k is not None, "a council's Mappe is made for a Kommune"
    b = data.bericht
    return dict(
        title=f"IKZ-Unterlagen {b.jahr} für {mit_artikel(k, 'akkusativ')}",
        subtitle=f"Jahresbericht ({b.nummer}. IKZ-Zwischenbericht) und Projektunterlagen",
        addressee=gremium_adresse(k),
        cover_lines=(_zeitraum(data), f"Stand: {monat_jahr(b.stand)}", _council_contents(k, n)),
        keywords=("IKZ", kreis_name(data), k.key, str(b.jahr)),
    )


def _council_contents(k: Kommune, n: int) -> str:
    """What a council's bundle holds, in the same count as the cover's »Diese Mappe enthält n Dokumente«."""
    if n <= 1:
        return (f"Enthalten: der Jahresbericht. An den Projekten des Berichtsjahres ist "
                f"{mit_artikel(k)} nicht beteiligt.")
    weitere = "1 weiteres Dokument" if n == 2 else f"{n - 1} weitere Dokumente"
    return (f"Enthalten: der Jahresbericht und {weitere} der Projekte, an denen {mit_artikel(k)} "
            "beteiligt ist")


def _complete_cover(data: IKZData, k: Kommune | None, n: int) -> dict:
    b = data.bericht
    return dict(
        title=f"IKZ-Gesamtmappe {b.jahr}",
        subtitle=f"Jahresbericht ({b.nummer}. IKZ-Zwischenbericht) und alle Projektunterlagen",
        addressee="An die IKZ-Lenkungsgruppe\nund das Archiv",
        cover_lines=(_zeitraum(data), f"Stand: {monat_jahr(b.stand)}", f"Enthalten: {n} Dokumente"),
        keywords=("IKZ", kreis_name(data), "Gesamtmappe", str(b.jahr)),
    )


BUNDLE_KINDS: tuple[BundleKind, ...] = (
    BundleKind(name="ratsmappe", label="Mappe für das Gremium", plural="Mappen für die Gremien", per_kommune=True,
               includes=_council_includes, cover=_council_cover),
    BundleKind(name="gesamtmappe", label="Gesamtmappe", plural="Gesamtmappe", per_kommune=False,
               includes=lambda data, k, doc: True, cover=_complete_cover),
)


def bundle_subject(data: IKZData) -> str:
    """Subject (PDF metadata) of every bundle of the run."""
    b = data.bericht
    return f"{b.nummer}. Zwischenbericht zum IKZ-Prozess, {_zeitraum(data)}"
