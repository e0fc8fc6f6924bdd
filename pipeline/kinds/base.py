"""The kinds' types: a document kind, its signing rule, a bundle kind, a reference to one document."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from .. import naming
from ..content.kommunen import signature_line
from ..german import monat_jahr
from ..model import IKZData, Kommune, Participation, Project
from ..schema import Column

__all__ = ["BundleKind", "DocumentKind", "DocumentRef", "SigningRule"]


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
    column: Column
    """The column of the sheet »Beteiligung« in which staff record a signature given (on paper, or adopted
    from the Rücklauf's workbook copy): a Kommune with a date there needs no field and counts as signed.
    A kind whose column is not in `schema` adds it to the sheet (`schema.sheets`)."""
    presentation: tuple[tuple[str, ...], ...] = ()
    """Context paths that show how far signing has come or when the document was made, not what the
    signers agree to; left out of the edition digest. "*" stands for any item of a list."""
    labels: Mapping[str, str] = field(default_factory=dict)
    """German names of context paths (or their first keys) for »seitdem geändert: …«."""
    nominativ: tuple[str, str] = ("das Dokument", "die Dokumente")
    """How letters name one or several of them as subject: (»der Projektauftrag«, »die Projektaufträge«)."""
    akkusativ: tuple[str, str] = ("dieses Dokument", "diese Dokumente")
    """… and as object: (»diesen Projektauftrag«, »diese Projektaufträge«)."""

    def signers(self, project: Project) -> tuple[Participation, ...]:
        """Who signs the document of `project`: each participating Kommune's Dienststellenleitung."""
        return project.participants

    def recorded(self, part: Participation) -> dt.date | None:
        """The date the workbook records for this signature (`column`), or None."""
        return part.signed_on(self.column.field)

    def open_for(self, project: Project, kommune: str) -> bool:
        """Whether `kommune` still has to sign: the round is open and the workbook records no signature."""
        part = project.participation(kommune)
        return self.round_open(project) and part is not None and part.beteiligt and self.recorded(part) is None


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
    """The template context of one document (German wording from `pipeline.content`)."""
    position: int = 50
    """Where its documents come among a project's documents (and in the registry): lower first."""
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
            lines = tuple(signature_line(data.kommune(p.kommune)) for p in self.signing.signers(project))
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
