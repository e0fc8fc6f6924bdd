"""Write the Versand: one folder per Kommune with its files and e-mail draft, and the Versandliste.

The folder ``versand/`` in the run folder is built beside it (``.versand.neu``)
and replaces the previous one in one rename, under the lock of the outputs
folder; nothing outside it is touched. Drafts are RFC 5322 messages with
``X-Unsent: 1``, so Outlook opens them as unsent mail, ready to edit and send.
"""

from __future__ import annotations

import datetime as dt
import email.policy
import io
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from ..errors import InputError, Problem
from ..fsutil import write_atomic
from ..german import BERLIN
from ..model import IKZData
from ..store import OutputStore, check_free_space
from .letter import Letter, load_template, render_letter
from .plan import (
    DEFAULT_MAX_MB,
    FOLDER,
    MB,
    Enclosure,
    Mailing,
    VersandPlan,
    mail_address,
    make_plan,
    report_of,
)

__all__ = ["LISTE", "MIME_TYPES", "VersandOptions", "VersandResult", "build_draft", "run_versand",
           "versandliste"]

LISTE = "Versandliste.xlsx"
"""File name of the Versandliste in ``versand/``."""

MIME_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
"""Content types of the attachments (not guessed: the system's table may lack .docx)."""

TOO_BIG = "nicht angehängt (zu groß)"

WRITE_POLICY = email.policy.SMTP.clone(max_line_length=998)
"""How drafts are written: headers unfolded up to RFC 5322's hard limit. Python 3.11 folds an encoded
word after a space into »Unterschrift  – Stadt …« (two spaces) when unfolded; the parts' bodies were
encoded in lines of 76 when they were set and are written as they are."""


class SenderError(InputError):
    """The configured sender is no usable e-mail address."""


@dataclass(frozen=True)
class VersandOptions:
    """What a Versand run works on."""

    workbook: Path
    """The workbook whose last report is sent out."""
    outputs: Path = Path("outputs")
    """The outputs folder; the report lies in ``outputs/<workbook stem>/``."""
    templates: Path = Path("templates")
    """The folder with ``versand-anschreiben.txt``."""
    max_mb: float = DEFAULT_MAX_MB
    """Files larger than this many MB are not attached."""
    wait: float = 0.0
    """Seconds to wait for a report that is running on the same outputs."""
    allow_open: bool = False
    """Go on although Excel has the workbook open (its last saved state is used)."""
    sender: str | None = None
    """The drafts' From (»Name <adresse>«), or None: left to the mail program that sends them (the
    account of whoever sends)."""


@dataclass(frozen=True)
class VersandResult:
    """What was written, for the CLI's summary."""

    folder: Path
    """The ``versand/`` folder."""
    liste: Path
    """The Versandliste."""
    plan: VersandPlan
    """Who got what."""
    warnings: tuple[Problem, ...]
    """Warnings about the workbook."""
    demo_certificate: bool
    """The report was signed with the demonstration certificate, which no recipient trusts."""

    @property
    def drafts(self) -> tuple[Mailing, ...]:
        """The Kommunen that got an e-mail draft."""
        return tuple(m for m in self.plan.mailings if m.address)

    @property
    def without_address(self) -> tuple[Mailing, ...]:
        """The Kommunen without a (usable) address: folder, no draft."""
        return tuple(m for m in self.plan.mailings if not m.address)

    @property
    def not_attached(self) -> tuple[tuple[Mailing, Enclosure], ...]:
        """Files of drafts that are too big to attach."""
        return tuple((m, e) for m in self.drafts for e in m.enclosures if e.too_big)


def sender_of(text: str | None) -> Address | None:
    """The From of the drafts from »Name <adresse>« or »adresse«; SenderError when it is no address."""
    if not text:
        return None
    from email.utils import parseaddr

    name, addr = parseaddr(text)
    address = mail_address(addr)
    if address is None:
        raise SenderError(f"»{text}« ist keine verwendbare Absenderadresse (z. B. \"Marion Götz "
                          "<m.goetz@raunheim.de>\" oder m.goetz@raunheim.de).")
    return Address(name, addr_spec=address)


def build_draft(letter: Letter, to: Address, sender: Address | None, attachments: Sequence[Path],
                when: dt.datetime) -> bytes:
    """The .eml file of an unsent e-mail (``X-Unsent: 1``): UTF-8 text, the files attached with their
    content types and names (non-ASCII names encoded per RFC 2231), 7-bit clean."""
    msg = EmailMessage(policy=email.policy.SMTP)  # CRLF; text and attachments in lines of 76
    msg["X-Unsent"] = "1"
    if sender is not None:
        msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = letter.subject
    msg["Date"] = format_datetime(when)
    msg.set_content(letter.body, cte="quoted-printable")
    for path in attachments:
        maintype, subtype = MIME_TYPES.get(path.suffix.lower(), "application/octet-stream").split("/")
        msg.add_attachment(path.read_bytes(), maintype=maintype, subtype=subtype, filename=path.name,
                           params={"name": path.name})
    return msg.as_bytes(policy=WRITE_POLICY)


HEADERS = (("Kommune", 22), ("E-Mail", 34), ("Datei", 48), ("Art", 38), ("Größe", 11), ("angehängt", 11),
           ("Hinweis", 60))
"""Columns of the Versandliste and their widths."""


def versandliste(plan: VersandPlan) -> bytes:
    """The Versandliste: one row per Kommune and file (bold header, fixed header row, Excel table)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.table import Table, TableStyleInfo

    wb = Workbook()
    ws = wb.active
    ws.title = "Versandliste"
    ws.append([h for h, _ in HEADERS])
    for mailing in plan.mailings:
        fields = {s.pdf.name: s.field for s in mailing.signatures}
        for e in mailing.enclosures:
            notes = []
            if not mailing.address:
                notes.append(mailing.note)
            elif e.too_big:
                notes.append(TOO_BIG)
            if e.name in fields:
                notes.append(f"zur Unterschrift im Feld »{fields[e.name]}«")
            attached = bool(mailing.address) and not e.too_big
            ws.append([mailing.kommune.key, mailing.address or "", f"{mailing.folder}/{e.name}", e.art,
                       e.size / MB, "ja" if attached else "nein", "; ".join(notes)])
    for i, (_, width) in enumerate(HEADERS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
        ws.cell(row=1, column=i).font = Font(bold=True)
    size_col = get_column_letter([h for h, _ in HEADERS].index("Größe") + 1)
    for cell in ws[size_col][1:]:
        cell.number_format = '0.00" MB"'
    ws.freeze_panes = "A2"
    table = Table(displayName="tblVersandliste", ref=f"A1:{get_column_letter(len(HEADERS))}{ws.max_row}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    ws.add_table(table)
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _space_needed(plan: VersandPlan) -> int:
    """Bytes the new folder takes: the copies, the drafts (base64: 4/3 of what they attach), a margin."""
    copies = sum(e.size for m in plan.mailings for e in m.enclosures)
    attached = sum(e.size for m in plan.mailings if m.address for e in m.enclosures if not e.too_big)
    return copies + attached * 4 // 3 + 20 * MB


def _write(plan: VersandPlan, letters: dict[str, Letter], data: IKZData, staging: Path,
           sender: Address | None) -> None:
    when = dt.datetime.now(BERLIN)
    for mailing in plan.mailings:
        folder = staging / mailing.folder
        folder.mkdir(parents=True)
        for e in mailing.enclosures:
            shutil.copyfile(e.source, folder / e.name)
        if mailing.address:
            to = Address(mailing.kommune.name, addr_spec=mailing.address)
            assert mailing.draft is not None  # a Kommune with an address gets a draft
            files = [folder / e.name for e in mailing.enclosures if not e.too_big]
            write_atomic(folder / mailing.draft, build_draft(letters[mailing.folder], to, sender, files, when))
    write_atomic(staging / LISTE, versandliste(plan))


def run_versand(options: VersandOptions) -> VersandResult:
    """Put together what each Kommune receives from the workbook's last report; replace ``versand/``.

    Raises ReportMissing when the report is missing or stale, TemplateError for a broken cover
    text template, and the errors of reading the workbook."""
    from ..validate import load
    from ..workbook import require_closed

    sender = sender_of(options.sender)  # a wrong address stops before anything is read or written
    if not options.allow_open:
        require_closed(Path(options.workbook))
    data, warnings = load(options.workbook)
    store = OutputStore(Path(options.outputs), Path(options.workbook).stem)
    report_of(data, store.final)  # without a report, stop before anything (a lock file) is written
    with store.locked(wait=options.wait):
        manifest = report_of(data, store.final)
        plan = make_plan(data, store.final, manifest, options.max_mb)
        source = load_template(Path(options.templates))
        letters = {m.folder: render_letter(source, data, m, plan) for m in plan.mailings}
        check_free_space(Path(options.outputs), _space_needed(plan))
        versand = OutputStore(store.final, FOLDER)
        staging = versand.begin()
        try:
            _write(plan, letters, data, staging, sender)
            versand.commit()
        except BaseException:
            versand.abort()
            raise
    return VersandResult(folder=plan.target, liste=plan.target / LISTE, plan=plan, warnings=tuple(warnings),
                         demo_certificate=manifest.demo_certificate)
