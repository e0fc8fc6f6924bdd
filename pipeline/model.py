"""The domain of the IKZ process as frozen dataclasses; no I/O here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

from .markup import RichText

EMPTY_TEXT = RichText(())


@dataclass(frozen=True)
class Kommune:
    """A Kreiskommune (Stadt, Gemeinde or the Kreis) and its Dienststellenleitung."""

    key: str
    name: str
    art: str
    region: str
    amt: str
    leitung: str | None
    sitz: str
    gremium: str
    einwohner: int | None = None
    email: str | None = None
    """Address of the e-mail draft `versand` writes (column »E-Mail«); None: no draft."""

    @property
    def is_kreis(self) -> bool:
        return self.art == "Kreis"


@dataclass(frozen=True)
class Participation:
    """One Kommune's part in one project."""

    projekt: str
    kommune: str
    status: str  # schema.BETEILIGUNG_STATUS
    rolle: str | None = None  # "PL", "PG" or None
    lkg: bool = False
    vertreter: str | None = None
    unterzeichnet: dt.date | None = None
    """»Unterzeichnet am«: the Projektauftrag signed on that day."""
    signatures: Mapping[str, dt.date] = field(default_factory=lambda: MappingProxyType({}))
    """Dates in the signature columns other signed kinds add to the sheet (by column field)."""

    def signed_on(self, column: str) -> dt.date | None:
        """The date in the signature column `column` (its field name), or None."""
        return self.unterzeichnet if column == "unterzeichnet" else self.signatures.get(column)

    @property
    def beteiligt(self) -> bool:
        return self.status == "beteiligt"

    @property
    def unzustaendig(self) -> bool:
        return self.status == "keine Aufgabenzuständigkeit"


@dataclass(frozen=True)
class Milestone:
    """A step of the standard process (I, 1–4, II, 5–7, III) with its dates."""

    abschnitt: str
    geplant: dt.date | None = None
    erledigt: dt.date | None = None
    bemerkung: str | None = None


@dataclass(frozen=True)
class ProjectReport:
    """A Zwischenbericht or Schlussbericht of a Projektgruppe."""

    projekt: str
    art: str  # "Zwischenbericht" | "Schlussbericht"
    datum: dt.date | None
    votum: str | None = None


@dataclass(frozen=True)
class Project:
    """An IKZ project with its texts, participations, milestones and reports."""

    id: str
    titel: str
    kurztitel: str
    art: str
    status: str
    parent: str | None
    start: dt.date | None
    ende: dt.date | None
    aktuell: bool
    zusatz: str | None = None
    einsparung: str | None = None
    texts: Mapping[str, RichText] = field(default_factory=lambda: MappingProxyType({}))
    participations: tuple[Participation, ...] = ()
    milestones: tuple[Milestone, ...] = ()
    reports: tuple[ProjectReport, ...] = ()

    def text(self, art: str) -> RichText:
        return self.texts.get(art, EMPTY_TEXT)

    @property
    def participants(self) -> tuple[Participation, ...]:
        return tuple(p for p in self.participations if p.beteiligt)

    def participation(self, kommune: str) -> Participation | None:
        for p in self.participations:
            if p.kommune == kommune:
                return p
        return None

    def report(self, art: str) -> ProjectReport | None:
        for r in self.reports:
            if r.art == art:
                return r
        return None


@dataclass(frozen=True)
class Funding:
    """Fördermittel applied for or granted."""

    projekt: str | None
    zweck: str
    geber: str
    betrag: float
    jahr: int
    status: str
    text: RichText = EMPTY_TEXT
    datum: dt.date | None = None
    """When it was applied for, granted or accounted for (column »Datum«); None: judged by `jahr`."""

    def in_period(self, von: dt.date, bis: dt.date) -> bool:
        """Whether the annual report states it »im Berichtszeitraum«: by its date, else by its year (an
        account of funds of an earlier year, without a date, counts)."""
        if self.datum is not None:
            return von <= self.datum <= bis
        return self.status == "Verwendungsnachweis geführt" or von.year <= self.jahr <= bis.year


@dataclass(frozen=True)
class SteeringMember:
    """A member of the IKZ-Lenkungsgruppe."""

    funktion: str
    name: str
    kommune: str
    zusatz: str | None = None


@dataclass(frozen=True)
class Training:
    """Fortbildungen on project management."""

    thema: str
    format: str | None
    teilnehmende: int
    kommunen: int
    seit: int | None = None


@dataclass(frozen=True)
class WorkingGroup:
    """A continuous IKZ working group."""

    name: str
    seit: int | None
    turnus: str | None
    text: RichText


@dataclass(frozen=True)
class Initiative:
    """A local IKZ initiative such as "Drei gewinnt"."""

    name: str
    beteiligte: str
    seit: int | None
    text: RichText


@dataclass(frozen=True)
class PressItem:
    """A press or media item, talk or publication."""

    datum: dt.date | None
    medium: str
    art: str
    titel: str
    text: RichText = EMPTY_TEXT
    link: str | None = None


@dataclass(frozen=True)
class ReportSettings:
    """Settings of the annual IKZ-Zwischenbericht."""

    nummer: int
    von: dt.date
    bis: dt.date
    stand: dt.date
    herausgeber: str
    ansprechpartner: str
    dienststelle: str | None = None
    stelle: str | None = None
    email: str | None = None
    telefon: str | None = None
    website: str | None = None
    ziel_projekte: int | None = None
    mappen_auftraege: str | None = None  # schema.MAPPEN_AUFTRAEGE; None = »nur offene«

    @property
    def jahr(self) -> int:
        return self.bis.year


@dataclass(frozen=True)
class IKZData:
    """Everything the workbook holds, validated."""

    source: Path
    sha256: str
    bericht: ReportSettings
    kommunen: tuple[Kommune, ...]
    projekte: tuple[Project, ...]
    foerdermittel: tuple[Funding, ...] = ()
    lenkungsgruppe: tuple[SteeringMember, ...] = ()
    fortbildungen: tuple[Training, ...] = ()
    arbeitsgruppen: tuple[WorkingGroup, ...] = ()
    initiativen: tuple[Initiative, ...] = ()
    presse: tuple[PressItem, ...] = ()
    texte: Mapping[str, RichText] = field(default_factory=lambda: MappingProxyType({}))

    def kommune(self, key: str) -> Kommune:
        for k in self.kommunen:
            if k.key == key:
                return k
        raise KeyError(key)

    def projekt(self, pid: str) -> Project:
        for p in self.projekte:
            if p.id == pid:
                return p
        raise KeyError(pid)

    def children(self, pid: str) -> tuple[Project, ...]:
        return tuple(p for p in self.projekte if p.parent == pid)

    def text(self, abschnitt: str) -> RichText:
        return self.texte.get(abschnitt, EMPTY_TEXT)
