"""The registry of document kinds: everything about each kind in one place.

A *document kind* (Projektauftrag, Zwischen- and Schlussbericht of the
Projektgruppe, Jahresbericht) is rendered from a Word template; a *bundle
kind* (Mappe for a council, Gesamtmappe) collects signed documents. Each
entry says what it is called (label, plural, title, file name), which
template and context builder make it, which documents a workbook yields,
and which bundles include them.

A new kind of document touches this module, its template in ``templates/``
and its tests; nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from . import context as ctx
from . import naming, schema
from .german import datum, identifier, monat_jahr
from .model import IKZData, Kommune, Participation, Project

__all__ = [
    "BUNDLE_KINDS",
    "DOCUMENT_KINDS",
    "BundleKind",
    "DocumentKind",
    "DocumentRef",
    "SigningRule",
    "bundle_kind",
    "document_kind",
    "bundle_order",
    "documents_for",
]


@dataclass(frozen=True)
class DocumentRef:
    """One document a workbook yields: its kind and project (None for the annual report)."""

    kind: str
    """Name of the document kind, e.g. ``projektauftrag``."""
    project: str | None
    """Projekt-ID, or None for a document about the whole process."""


@dataclass(frozen=True)
class SigningRule:
    """Who signs the documents of a kind, when signing is open, where a signature is recorded, and what
    an edition of such a document covers (`edition.py`)."""

    round_open: Callable[[Project], bool]
    """Whether the document of a project is in its signature round: signatures may still be needed."""
    presentation: tuple[tuple[str, ...], ...] = ()
    """Context paths that show how far signing has come or when the document was made, not what the
    signers agree to; left out of the edition digest. "*" stands for any item of a list."""
    labels: Mapping[str, str] = field(default_factory=dict)
    """German names of context paths (or their first keys) for »seitdem geändert: …«."""

    def signers(self, project: Project) -> tuple[Participation, ...]:
        """Who signs the document of `project`: each participating Kommune's Dienststellenleitung."""
        return project.participants

    def open_for(self, project: Project, kommune: str) -> bool:
        """Whether `kommune` still has to sign: the round is open and the workbook records no signature
        (»Unterzeichnet am« in the sheet »Beteiligung«)."""
        part = project.participation(kommune)
        return self.round_open(project) and part is not None and part.beteiligt and part.unterzeichnet is None


@dataclass(frozen=True)
class DocumentKind:
    """A kind of document rendered from a Word template."""

    name: str
    """Internal name: the manifest's ``kind`` and the template's file stem."""
    label: str
    """German name of one such document, e.g. in a bundle's index: »Projektauftrag«."""
    plural: str
    """German plural for summaries: »Projektaufträge«."""
    title: str
    """German title of the kind, in document properties and bundle indexes."""
    prefix: str
    """File name prefix: ``projektauftrag-FEUERWEHR.pdf``, ``jahresbericht-2025.pdf``."""
    select: Callable[[IKZData], Sequence[Project | None]]
    """The documents of this kind a workbook yields: a project each, or ``[None]``."""
    build: Callable[[IKZData, Project | None], dict]
    """The template context of one document (all formatting happens in context.py)."""
    per_project: bool = True
    """True: one document per selected project; False: one about the whole process."""
    signing: SigningRule | None = None
    """Signed by the participating Dienststellenleitungen (an empty signature field each), or None."""
    required_text: tuple[str, ...] = ()
    """Text every document of this kind must show (checked in the template tests)."""

    @property
    def template(self) -> str:
        """File name of the Word template in ``templates/``."""
        return f"{self.name}.docx"

    def document_title(self, data: IKZData, project: Project | None) -> str:
        """Title of one document in bundle indexes, bookmarks and signatures."""
        if project is None:
            return f"{data.bericht.nummer}. {self.title} (Stand {monat_jahr(data.bericht.stand)})"
        return f"{self.title}: {project.titel}"

    def stem(self, data: IKZData, project: Project | None) -> str:
        """File name without extension."""
        if project is None:
            return f"{self.prefix}-{data.bericht.jahr}"
        return f"{self.prefix}-{naming.unique_slugs(p.id for p in data.projekte)[project.id]}"

    def required(self, data: IKZData, project: Project | None) -> tuple[str, ...]:
        """Text the document of `project` must show: the kind's own, and for a kind with
        signature fields the signature line of every participant (the fields are placed there)."""
        lines: tuple[str, ...] = ()
        if self.signing is not None and project is not None:
            lines = tuple(ctx.signature_line(data.kommune(p.kommune)) for p in project.participants)
        return self.required_text + lines

    def sample_project(self, data: IKZData) -> Project | None:
        """A project that yields a document of this kind (to check the template), else any with participants;
        None for a kind about the whole process."""
        if not self.per_project:
            return None
        selected = [p for p in self.select(data) if p is not None]
        if selected:
            return selected[0]
        return next((p for p in data.projekte if p.participants), data.projekte[0] if data.projekte else None)


OPEN_STATUS = ("geplant", "laufend")
"""Project statuses under which a Projektauftrag may still need signatures."""

ORDER_STEP = "I"
"""The Arbeitsabschnitt »Erteilung des Projektauftrags durch die Dienststellenleitungen«."""


def _order_open(project: Project) -> bool:
    """The Projektauftrag is in its signature round: the project is »geplant« or »laufend« and its
    Arbeitsabschnitt I (the order) is not done. A finished project's order was given long ago."""
    if project.status not in OPEN_STATUS:
        return False
    return not any(m.abschnitt == ORDER_STEP and m.erledigt for m in project.milestones)


PROJEKTAUFTRAG_SIGNING = SigningRule(
    round_open=_order_open,
    # signed already (the date on the line), the date of the data, the Zeitplan's »today« mark
    presentation=(("unterschriften", "*", "datum"), ("unterschriften", "*", "vermerk"),
                  ("unterschriften", "*", "unterzeichnet"), ("dokument", "stand"), ("zeitplan", "heute")),
    labels={
        "kreis": "Name des Kreises",
        "dokument": "Titel und Kopfzeile",
        "projekt.id": "Projekt-ID",
        "projekt.titel": "Projekttitel",
        "projekt.kurztitel": "Kurztitel",
        "projekt.art": "Projektart",
        "projekt.zeitraum": "Zeitraum",
        "projekt.uebergeordnet": "Übergeordnetes Projekt",
        "projekt.ziele": "Ziele des Projekts",
        **{f"projekt.{identifier(art)}": art for art in schema.PROJEKT_TEXTARTEN},
        "beteiligte": "Beteiligte Kommunen",
        "projektleitung_text": "Projektleitung",
        "projektleitung": "Projektleitung",
        "projektgruppe": "Projektgruppe",
        "lenkungsgruppe": "IKZ-Lenkungsgruppe",
        "abschnitte": "Arbeitsabschnitt",
        "abschnitte_geplant": "Arbeitsabschnitte",
        "zeitplan": "Zeitplan",
        "unterschriften": "Unterschrift",
    },
)


def _with_report(art: str) -> Callable[[IKZData], list[Project]]:
    """The projects with a report of `art` of this period (one dated before the period went out last year)."""
    def select(data: IKZData) -> list[Project]:
        reports = ((p, p.report(art)) for p in data.projekte)
        return [p for p, r in reports if r is not None and (r.datum is None or r.datum >= data.bericht.von)]
    return select


DOCUMENT_KINDS: tuple[DocumentKind, ...] = (
    DocumentKind(
        name="projektauftrag", label="Projektauftrag", plural="Projektaufträge", title="Projektauftrag",
        prefix="projektauftrag",
        select=lambda data: [p for p in data.projekte if p.participations],
        build=lambda data, p: ctx.projektauftrag_context(data, p),
        signing=PROJEKTAUFTRAG_SIGNING, required_text=("Projektauftrag", "Unterschrift"),
    ),
    DocumentKind(
        name="zwischenbericht", label="Zwischenbericht der Projektgruppe",
        plural="Zwischenberichte der Projektgruppen", title="Zwischenbericht der Projektgruppe",
        prefix="zwischenbericht-projektgruppe",
        select=_with_report("Zwischenbericht"),
        build=lambda data, p: ctx.projektbericht_context(data, p, "Zwischenbericht"),
        required_text=("Zwischenbericht der Projektgruppe",),
    ),
    DocumentKind(
        name="schlussbericht", label="Schlussbericht der Projektgruppe", plural="Schlussberichte der Projektgruppen",
        title="Schlussbericht der Projektgruppe", prefix="schlussbericht",
        select=_with_report("Schlussbericht"),
        build=lambda data, p: ctx.projektbericht_context(data, p, "Schlussbericht"),
        required_text=("Schlussbericht der Projektgruppe",),
    ),
    DocumentKind(
        name="jahresbericht", label="Jahresbericht", plural="Jahresberichte", title="IKZ-Zwischenbericht",
        prefix="jahresbericht",
        select=lambda data: [None], per_project=False,
        build=lambda data, p: ctx.jahresbericht_context(data),
        required_text=("Zwischenbericht", "Beteiligung"),
    ),
)


def document_kind(name: str) -> DocumentKind:
    """The registered document kind `name`; ValueError for an unknown name."""
    for kind in DOCUMENT_KINDS:
        if kind.name == name:
            return kind
    raise ValueError(f"unknown document kind {name!r}")


def documents_for(data: IKZData) -> list[DocumentRef]:
    """Every document the workbook yields, in a stable order: project by project (workbook order,
    each project's documents in registry order), then the documents about the whole process."""
    refs = [DocumentRef(kind.name, p.id if p is not None else None) for kind in DOCUMENT_KINDS for p in kind.select(data)]
    order = {p.id: i for i, p in enumerate(data.projekte)}
    return sorted(refs, key=lambda r: order[r.project] if r.project is not None else len(order))


def bundle_order(refs: Sequence[DocumentRef]) -> list[DocumentRef]:
    """The order of documents in a bundle: the documents about the whole process first."""
    return sorted(refs, key=lambda r: r.project is not None)


# ---------------------------------------------------------------------------
# bundles


@dataclass(frozen=True)
class BundleKind:
    """A kind of signed PDF bundle built from the documents."""

    name: str
    """Internal name: the manifest's ``kind``."""
    label: str
    """German name of one such bundle."""
    plural: str
    """German plural for summaries."""
    per_kommune: bool
    """True: one bundle for each Kommune; False: one bundle for the whole run."""
    includes: Callable[[IKZData, Kommune | None, DocumentRef], bool]
    """Whether the bundle (of that Kommune) contains a document."""
    cover: Callable[[IKZData, Kommune | None, int], dict]
    """Title, subtitle, addressee, cover lines and keywords of the bundle with n documents."""

    def path(self, kommune: Kommune | None) -> str:
        """Path of the bundle in the run folder."""
        if kommune is None:
            return f"mappen/{self.name}.pdf"
        return f"mappen/mappe-{naming.slug(kommune.key)}.pdf"

    def instances(self, data: IKZData) -> list[Kommune | None]:
        """The bundles of this kind a workbook yields."""
        return list(data.kommunen) if self.per_kommune else [None]


def _zeitraum(data: IKZData) -> str:
    return f"Berichtszeitraum {datum(data.bericht.von)} – {datum(data.bericht.bis)}"


def _council_includes(data: IKZData, k: Kommune | None, doc: DocumentRef) -> bool:
    """A council's Mappe: the documents about the whole process, and those of its projects. Of the
    Projektaufträge only the ones it still has to sign, unless »Projektaufträge in den Mappen« is »alle«."""
    if doc.project is None:
        return True
    project = data.projekt(doc.project)
    if not any(x.kommune == k.key for x in project.participants):
        return False
    signing = document_kind(doc.kind).signing
    if signing is not None and data.bericht.mappen_auftraege != "alle":
        return signing.open_for(project, k.key)
    return True


def _council_cover(data: IKZData, k: Kommune | None, n: int) -> dict:
    b = data.bericht
    return dict(
        title=f"IKZ-Unterlagen {b.jahr} für {ctx.mit_artikel(k, 'akkusativ')}",
        subtitle=f"Jahresbericht ({b.nummer}. IKZ-Zwischenbericht) und Projektunterlagen",
        addressee=ctx.gremium_adresse(k),
        cover_lines=(_zeitraum(data), f"Stand: {monat_jahr(b.stand)}", _council_contents(k, n)),
        keywords=("IKZ", ctx.kreis_name(data), k.key, str(b.jahr)),
    )


def _council_contents(k: Kommune, n: int) -> str:
    """What a council's bundle holds, in the same count as the cover's »Diese Mappe enthält n Dokumente«."""
    if n <= 1:
        return (f"Enthalten: der Jahresbericht. An den Projekten des Berichtsjahres ist "
                f"{ctx.mit_artikel(k)} nicht beteiligt.")
    weitere = "1 weiteres Dokument" if n == 2 else f"{n - 1} weitere Dokumente"
    return (f"Enthalten: der Jahresbericht und {weitere} der Projekte, an denen {ctx.mit_artikel(k)} "
            "beteiligt ist")


def _complete_cover(data: IKZData, k: Kommune | None, n: int) -> dict:
    b = data.bericht
    return dict(
        title=f"IKZ-Gesamtmappe {b.jahr}",
        subtitle=f"Jahresbericht ({b.nummer}. IKZ-Zwischenbericht) und alle Projektunterlagen",
        addressee="An die IKZ-Lenkungsgruppe\nund das Archiv",
        cover_lines=(_zeitraum(data), f"Stand: {monat_jahr(b.stand)}", f"Enthalten: {n} Dokumente"),
        keywords=("IKZ", ctx.kreis_name(data), "Gesamtmappe", str(b.jahr)),
    )


BUNDLE_KINDS: tuple[BundleKind, ...] = (
    BundleKind(name="ratsmappe", label="Mappe für das Gremium", plural="Mappen für die Gremien", per_kommune=True,
               includes=_council_includes, cover=_council_cover),
    BundleKind(name="gesamtmappe", label="Gesamtmappe", plural="Gesamtmappe", per_kommune=False,
               includes=lambda data, k, doc: True, cover=_complete_cover),
)


def bundle_kind(name: str) -> BundleKind:
    """The registered bundle kind `name`; ValueError for an unknown name."""
    for kind in BUNDLE_KINDS:
        if kind.name == name:
            return kind
    raise ValueError(f"unknown bundle kind {name!r}")


def bundle_subject(data: IKZData) -> str:
    """Subject (PDF metadata) of every bundle of the run."""
    b = data.bericht
    return f"{b.nummer}. Zwischenbericht zum IKZ-Prozess, {_zeitraum(data)}"
