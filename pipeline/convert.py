"""DOCX → PDF/A-2b with LibreOffice (headless), plus facts about a PDF.

How the conversion works
------------------------
LibreOffice 7.4 does not update a table of contents (or any other index) when
it opens a .docx: neither ``<w:updateFields w:val="true"/>`` in settings.xml
nor ``w:dirty="true"`` on the TOC field are honoured, and ``--convert-to``
exports whatever page numbers Word cached in the field result (after docxtpl
rendering these are stale or missing). Therefore we do not use
``--convert-to`` but start LibreOffice with a small Basic macro that, for every
document of a batch, loads it (hidden, macros disabled, links not updated),
updates all indexes twice (the second pass fixes page numbers shifted by the
first), and exports it with the PDF filter options below. Template authors only
need to insert an ordinary Word table of contents (References › Table of
Contents); its cached content does not matter.

One LibreOffice process converts a whole batch; ``jobs`` batches run in
parallel, each with its own fresh, temporary user profile
(``-env:UserInstallation``), so conversion works while the user has LibreOffice
open and when two runs happen at the same time. The macro writes one status
line per document into a log file, so we know exactly which documents failed
and why; independently we check every PDF (exists, parses, has pages,
declares PDF/A-2).

For the record (verified with LibreOffice 7.4.7): with ``--convert-to`` only
the JSON form of the filter options works,
``pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"},...}``;
the old form ``pdf:writer_pdf_Export:SelectPdfVersion=2`` is silently ignored
(no pdfaid in the XMP). The core properties title/author/subject of the .docx
end up in the PDF Info dictionary and XMP (dc:title, dc:creator,
dc:description); /Lang comes from the language of the default paragraph
style (w:lang in the docDefaults of styles.xml), not from the core property
"language".
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import ParseError

from defusedxml.ElementTree import fromstring as parse_xml_safely

from .digest import sha256_bytes
from .errors import ConversionError

__all__ = [
    "APT_HINT",
    "BatchConversionError",
    "PDF_EXPORT_OPTIONS",
    "PdfFacts",
    "convert_all",
    "converter_identity",
    "outline_pages",
    "docx_enable_update_fields",
    "pdf_info",
    "read_pdfa_id",
]

APT_HINT = "sudo apt-get install libreoffice-writer-nogui"

# writer_pdf_Export filter data (name → (UNO type, value)); see
# https://help.libreoffice.org/latest/en-US/text/shared/guide/pdf_params.html
PDF_EXPORT_OPTIONS: dict[str, tuple[str, object]] = {
    "SelectPdfVersion": ("long", 2),  # PDF/A-2b
    "UseTaggedPDF": ("boolean", True),
    "ExportBookmarks": ("boolean", True),  # outline from the headings
    "EmbedStandardFonts": ("boolean", True),
    "ExportNotes": ("boolean", False),
    "ExportFormFields": ("boolean", False),
    "UseLosslessCompression": ("boolean", False),
    "Quality": ("long", 90),
    "ReduceImageResolution": ("boolean", False),
    "IsSkipEmptyPages": ("boolean", False),
}

_PDFAID_NS = "http://www.aiim.org/pdfa/ns/id/"
_MAX_MESSAGE_OUTPUT = 1500
_INIT_TIMEOUT = 120  # seconds for LibreOffice to create a fresh profile
_STARTED = "\x00started"  # log status of a document whose conversion never finished

# The macro reads IKZ_JOB (one line per document: "<input URL>\t<output URL>",
# URLs percent-encoded, hence pure ASCII) and appends to IKZ_LOG one line per
# event: "START\t<n>", "OK\t<n>", "FAIL\t<n>\t<reason>", "DONE" or
# "FATAL\t<reason>". Basic runtime errors are caught everywhere: an uncaught
# one would open a dialog and hang the headless process until the timeout.
_MACRO_TEMPLATE = """\
Option Explicit

Sub Convert
  Dim logPath As String
  logPath = Environ("IKZ_LOG")
  On Error GoTo Fatal
  Dim f As Integer, lineText As String, parts As Variant, n As Long, reason As String
  f = FreeFile
  Open Environ("IKZ_JOB") For Input As #f
  n = 0
  Do While Not EOF(f)
    Line Input #f, lineText
    If Len(lineText) > 0 Then
      parts = Split(lineText, Chr(9))
      WriteLog(logPath, "START" &amp; Chr(9) &amp; n)
      reason = ConvertOne(parts(0), parts(1))
      If reason = "" Then
        WriteLog(logPath, "OK" &amp; Chr(9) &amp; n)
      Else
        WriteLog(logPath, "FAIL" &amp; Chr(9) &amp; n &amp; Chr(9) &amp; reason)
      End If
      n = n + 1
    End If
  Loop
  Close #f
  WriteLog(logPath, "DONE")
  StarDesktop.terminate()
  Exit Sub
Fatal:
  WriteLog(logPath, "FATAL" &amp; Chr(9) &amp; Err &amp; " (Zeile " &amp; Erl &amp; "): " &amp; Error$)
  StarDesktop.terminate()
End Sub

Sub WriteLog(logPath As String, message As String)
  Dim g As Integer
  g = FreeFile
  Open logPath For Append As #g
  Print #g, Replace(Replace(message, Chr(10), " "), Chr(13), " ")
  Close #g
End Sub

Function ConvertOne(inUrl As String, outUrl As String) As String
  Dim doc As Object, i As Long, pass As Integer
  On Error GoTo Failed
  Dim loadArgs(%(load_count)d) As New com.sun.star.beans.PropertyValue
  loadArgs(0).Name = "Hidden"
  loadArgs(0).Value = True
  loadArgs(1).Name = "MacroExecutionMode"
  loadArgs(1).Value = com.sun.star.document.MacroExecMode.NEVER_EXECUTE
  loadArgs(2).Name = "UpdateDocMode"
  loadArgs(2).Value = com.sun.star.document.UpdateDocMode.NO_UPDATE
  loadArgs(3).Name = "ReadOnly"
  loadArgs(3).Value = True
%(filter_arg)s
  doc = StarDesktop.loadComponentFromURL(inUrl, "_blank", 0, loadArgs())
  If IsNull(doc) Then
    ConvertOne = "LOAD"
    Exit Function
  End If
  If Not doc.supportsService("com.sun.star.text.TextDocument") Then
    doc.close(True)
    ConvertOne = "NOTTEXT"
    Exit Function
  End If
  For pass = 1 To 2
    For i = 0 To doc.getDocumentIndexes().getCount() - 1
      doc.getDocumentIndexes().getByIndex(i).update()
    Next i
  Next pass
  Dim filterData(%(option_count)d) As New com.sun.star.beans.PropertyValue
%(options)s
  Dim storeArgs(1) As New com.sun.star.beans.PropertyValue
  storeArgs(0).Name = "FilterName"
  storeArgs(0).Value = "writer_pdf_Export"
  storeArgs(1).Name = "FilterData"
  storeArgs(1).Value = filterData()
  doc.storeToURL(outUrl, storeArgs())
  doc.close(True)
  ConvertOne = ""
  Exit Function
Failed:
  ConvertOne = "ERROR " &amp; Err &amp; ": " &amp; Error$
  On Error Resume Next
  If Not IsNull(doc) Then doc.close(True)
End Function
"""


def _basic_literal(kind: str, value: object) -> str:
    if kind == "boolean":
        return "True" if value else "False"
    if kind == "long":
        return str(int(value))  # type: ignore[call-overload]
    return '"' + str(value).replace('"', '""') + '"'


def _macro_source(input_filter: str | None) -> str:
    options = "\n".join(
        f'  filterData({i}).Name = "{name}"\n  filterData({i}).Value = {_basic_literal(kind, value)}'
        for i, (name, (kind, value)) in enumerate(PDF_EXPORT_OPTIONS.items())
    )
    filter_arg = ""
    load_count = 3
    if input_filter:
        load_count = 4
        filter_arg = f'  loadArgs(4).Name = "FilterName"\n  loadArgs(4).Value = "{input_filter}"'
    code = _MACRO_TEMPLATE % {
        "option_count": len(PDF_EXPORT_OPTIONS) - 1,
        "options": options,
        "load_count": load_count,
        "filter_arg": filter_arg,
    }
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">\n'
        '<script:module xmlns:script="http://openoffice.org/2000/script" '
        'script:name="Module1" script:language="StarBasic">' + code + "</script:module>\n"
    )


# ---------------------------------------------------------------------------
# PDF facts


@dataclass(frozen=True)
class PdfFacts:
    """What we need to know about a produced PDF (tests, manifest)."""

    pages: int
    pdfa_part: int | None
    pdfa_conformance: str | None
    tagged: bool  # /MarkInfo /Marked true and a /StructTreeRoot
    has_output_intent: bool
    lang: str | None
    title: str | None
    fonts_all_embedded: bool
    fonts_not_embedded: tuple[str, ...] = ()


def read_pdfa_id(xmp: bytes | None) -> tuple[int | None, str | None]:
    """pdfaid:part and pdfaid:conformance from an XMP packet (element or attribute form)."""
    if not xmp:
        return None, None
    try:  # XMP of PDFs from outside is untrusted: no entity expansion
        root = parse_xml_safely(xmp.strip(b"\x00 \r\n\t"))
    except (ParseError, ValueError):  # defusedxml's errors are ValueErrors
        return None, None
    found: dict[str, str] = {}
    for element in root.iter():
        for key, value in element.attrib.items():
            if key.startswith("{" + _PDFAID_NS + "}"):
                found.setdefault(key.split("}", 1)[1], value.strip())
        if isinstance(element.tag, str) and element.tag.startswith("{" + _PDFAID_NS + "}"):
            found.setdefault(element.tag.split("}", 1)[1], (element.text or "").strip())
    part: int | None = None
    if found.get("part", "").isdigit():
        part = int(found["part"])
    conformance = found.get("conformance") or None
    return part, conformance


def _xmp_bytes(reader) -> bytes | None:
    metadata = reader.root_object.get("/Metadata")
    if metadata is None:
        return None
    try:
        return metadata.get_object().get_data()
    except Exception:  # noqa: BLE001 - a broken XMP stream simply means "no XMP"
        return None


def _pdffonts(path: Path) -> tuple[str, ...]:
    """Names of fonts that are not embedded, according to poppler's pdffonts."""
    if shutil.which("pdffonts") is None:
        raise ConversionError(
            "Das Programm »pdffonts« fehlt. Bitte installieren: sudo apt-get install poppler-utils"
        )
    run = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, errors="replace", timeout=120
    )
    if run.returncode != 0:
        raise ConversionError(
            f"Die Schriften in »{path.name}« konnten nicht geprüft werden: {run.stderr.strip()}"
        )
    # "name  type  encoding  emb sub uni object ID"; the type can contain
    # spaces ("CID TrueType") and long names push the columns to the right,
    # so count from the right: emb sub uni <obj> <gen>.
    lines = run.stdout.splitlines()
    dash_index = next((i for i, line in enumerate(lines) if line.startswith("---")), None)
    if dash_index is None:
        return ()
    name_width = len(lines[dash_index].split(" ")[0])
    missing: list[str] = []
    for line in lines[dash_index + 1 :]:
        tokens = line.split()
        if len(tokens) < 6:
            continue
        if tokens[-5] != "yes":
            missing.append(line[:name_width].strip() or tokens[0])
    return tuple(missing)


def pdf_info(path: Path) -> PdfFacts:
    """Facts about a PDF: pages, PDF/A id, tagging, output intent, language, title, fonts."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    path = Path(path)
    try:
        reader = PdfReader(path)
        root = reader.root_object
        pages = len(reader.pages)
    except (OSError, PdfReadError, ValueError) as exc:
        raise ConversionError(f"Die PDF-Datei »{path.name}« ist nicht lesbar: {exc}") from exc
    part, conformance = read_pdfa_id(_xmp_bytes(reader))
    mark_info = root.get("/MarkInfo")
    marked = bool(mark_info.get_object().get("/Marked", False)) if mark_info is not None else False
    tagged = marked and "/StructTreeRoot" in root
    intents = root.get("/OutputIntents")
    has_intent = intents is not None and len(intents.get_object()) > 0
    lang = root.get("/Lang")
    info = reader.metadata
    title = info.title if info is not None else None
    not_embedded = _pdffonts(path)
    return PdfFacts(
        pages=pages,
        pdfa_part=part,
        pdfa_conformance=conformance,
        tagged=tagged,
        has_output_intent=has_intent,
        lang=str(lang) if lang is not None else None,
        title=str(title) if title is not None else None,
        fonts_all_embedded=not not_embedded,
        fonts_not_embedded=not_embedded,
    )


# ---------------------------------------------------------------------------
# docx helpers


# CT_Settings is an xsd:sequence: w:updateFields must come before these.
_AFTER_UPDATE_FIELDS = frozenset(
    "hdrShapeDefaults footnotePr endnotePr compat docVars rsids mathPr attachedSchema "
    "themeFontLang clrSchemeMapping doNotIncludeSubdocsInStats doNotAutoCompressPictures "
    "forceUpgrade captions readModeInkLockDown smartTagType schemaLibrary shapeDefaults "
    "doNotEmbedSmartTags decimalSymbol listSeparator".split()
)


def docx_enable_update_fields(path: Path) -> None:
    """Set <w:updateFields w:val="true"/> in word/settings.xml of a .docx (in place).

    Microsoft Word then offers to update all fields (e.g. TOC page numbers)
    when the document is opened. LibreOffice 7.4 ignores this setting (and
    w:dirty on fields); convert_all updates all indexes itself, so this is
    only useful for .docx files that people open in Word.
    """
    from lxml import etree  # python-docx depends on lxml

    path = Path(path)
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    try:
        with zipfile.ZipFile(path) as source:
            items = [(info, source.read(info.filename)) for info in source.infolist()]
        settings_xml = next(data for info, data in items if info.filename == "word/settings.xml")
        root = etree.fromstring(settings_xml)
    except (zipfile.BadZipFile, OSError, StopIteration, etree.XMLSyntaxError) as exc:
        raise ConversionError(
            f"»{path.name}« ist kein gültiges Word-Dokument (word/settings.xml nicht lesbar)."
        ) from exc
    element = root.find(f"{{{w}}}updateFields")
    if element is None:
        element = etree.Element(f"{{{w}}}updateFields")
        follower = next(
            (child for child in root if etree.QName(child).localname in _AFTER_UPDATE_FIELDS), None
        )
        if follower is not None:
            follower.addprevious(element)
        else:
            root.append(element)
    element.set(f"{{{w}}}val", "true")
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as target:
        for info, content in items:
            target.writestr(info, data if info.filename == "word/settings.xml" else content)
    os.replace(tmp, path)


def _docx_problem(path: Path) -> str | None:
    """A German reason why `path` is certainly not a convertible .docx, else None."""
    if not path.is_file():
        return "Die Datei existiert nicht."
    if path.stat().st_size == 0:
        return "Die Datei ist leer."
    if path.suffix.lower() == ".docx":
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError):
            return "Die Datei ist kein gültiges Word-Dokument (.docx) – beschädigt oder falsches Format."
        if "word/document.xml" not in names:
            return "Die Datei ist kein gültiges Word-Dokument (.docx) – word/document.xml fehlt."
    return None


# ---------------------------------------------------------------------------
# conversion


class BatchConversionError(ConversionError):
    """Some documents of a call could not be converted; the others were.

    `failed` maps each failed .docx to a German reason; `converted` holds the
    PDFs that were produced nevertheless.
    """

    def __init__(self, message: str, failed: dict[Path, str], converted: dict[Path, Path]):
        super().__init__(message)
        self.failed = dict(failed)
        self.converted = dict(converted)


@dataclass
class _Batch:
    docs: list[Path]
    work: Path  # LibreOffice writes the PDFs here (inside out_dir)
    profile: Path
    process: subprocess.Popen[bytes] | None = None
    stdout: Path | None = None
    stderr: Path | None = None
    timed_out: bool = False


def _soffice() -> str:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    raise ConversionError(
        "LibreOffice ist nicht installiert (Programm »soffice« nicht gefunden). "
        f"Bitte installieren: {APT_HINT}"
    )


def outline_pages(pdf: Path) -> list[int]:
    """The page number (1-based) of every bookmark of a PDF, in document order: LibreOffice makes
    one bookmark per heading, so these are the numbers its table of contents shows."""
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    pages: list[int] = []

    def walk(items) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                pages.append(reader.get_destination_page_number(item) + 1)

    walk(reader.outline)
    return pages


def converter_identity() -> str:
    """What the conversion's result depends on besides the .docx: the LibreOffice
    build and the fonts it can use. Part of every PDF's build key, so that an
    upgrade of LibreOffice or an added or removed font converts anew.

    Cheap (a few milliseconds): LibreOffice's version file and the size and
    time of its main library, and fontconfig's list of font files and styles.
    """
    parts: list[str] = []
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        parts.append("kein LibreOffice")
    else:
        program = Path(found).resolve().parent
        for name in ("versionrc", "libmergedlo.so", "soffice.bin"):
            path = program / name
            try:
                st = path.stat()
            except OSError:
                continue
            parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
            if name == "versionrc":
                parts.append(path.read_text(encoding="utf-8", errors="replace"))
    try:
        fonts = subprocess.run(["fc-list", "--format", "%{file}|%{family}|%{style}\\n"], capture_output=True,
                               text=True, timeout=30, check=False).stdout
        parts.append("\n".join(sorted(fonts.splitlines())))
    except (OSError, subprocess.SubprocessError):
        parts.append("keine Schriftenliste")
    return sha256_bytes("\n".join(parts).encode("utf-8"))


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """Kill the process group of a still running `process` (its own session).

    Only while the leader has not been reaped is its pid (= the group id)
    certainly ours; after a normal exit nothing is killed.
    """
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


def _clean_output(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip() and "failed to launch javaldx" not in line]
    text = "\n".join(lines).strip()
    if len(text) > _MAX_MESSAGE_OUTPUT:
        text = "…" + text[-_MAX_MESSAGE_OUTPUT:]
    return text


def _tail(path: Path | None) -> str:
    if path is None or not path.exists():
        return ""
    return _clean_output(path.read_bytes().decode("utf-8", errors="replace"))


def _check_pdf(pdf: Path) -> str | None:
    """A German reason why `pdf` is not a usable PDF/A-2 file, else None."""
    from pypdf import PdfReader

    if not pdf.is_file():
        return "LibreOffice hat keine PDF-Datei erzeugt."
    if pdf.stat().st_size == 0:
        return "LibreOffice hat eine leere PDF-Datei erzeugt."
    with pdf.open("rb") as handle:
        if not handle.read(5) == b"%PDF-":
            return "Die erzeugte Datei ist keine PDF-Datei."
    try:
        reader = PdfReader(pdf)
        if len(reader.pages) == 0:
            return "Die erzeugte PDF-Datei hat keine Seiten."
        part, _ = read_pdfa_id(_xmp_bytes(reader))
    except Exception as exc:  # noqa: BLE001 - any parser failure means "broken"
        return f"Die erzeugte PDF-Datei ist beschädigt ({exc})."
    if part != 2:
        return "Die erzeugte PDF-Datei ist nicht als PDF/A-2 gekennzeichnet."
    return None


def _split(docs: Sequence[Path], jobs: int) -> list[list[Path]]:
    """Distribute documents over `jobs` batches, largest files first (balanced)."""
    batches: list[list[Path]] = [[] for _ in range(jobs)]
    sizes = [0] * jobs
    for doc in sorted(docs, key=lambda p: p.stat().st_size, reverse=True):
        i = sizes.index(min(sizes))
        batches[i].append(doc)
        sizes[i] += max(doc.stat().st_size, 1)
    return [b for b in batches if b]


def _start(batch: _Batch, soffice: str, input_filter: str | None) -> None:
    # A fresh profile is created by LibreOffice on first start, overwriting
    # user/basic; so initialise it first, then install our macro.
    profile_url = batch.profile.as_uri()
    init = subprocess.Popen(
        [soffice, f"-env:UserInstallation={profile_url}", "--headless", "--terminate_after_init"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        output, _ = init.communicate(timeout=_INIT_TIMEOUT)
    except subprocess.TimeoutExpired:
        _kill_group(init)
        raise ConversionError(
            f"LibreOffice ließ sich nicht starten (keine Reaktion nach {_INIT_TIMEOUT} Sekunden)."
        ) from None
    module = batch.profile / "user" / "basic" / "Standard" / "Module1.xba"
    if init.returncode != 0 or not module.parent.is_dir():
        shown = _clean_output(output.decode("utf-8", "replace"))
        raise ConversionError(
            "LibreOffice ließ sich nicht starten (das Benutzerprofil konnte nicht angelegt werden)."
            + (f" Ausgabe von LibreOffice: {shown}" if shown else "")
        )
    module.write_text(_macro_source(input_filter), encoding="utf-8")
    job = batch.profile / "ikz-job.txt"
    job.write_text(
        "".join(
            f"{doc.resolve().as_uri()}\t{(batch.work / (doc.stem + '.pdf')).resolve().as_uri()}\n"
            for doc in batch.docs
        ),
        encoding="ascii",
    )
    env = dict(os.environ)
    env["IKZ_JOB"] = str(job)
    env["IKZ_LOG"] = str(batch.profile / "ikz-log.txt")
    batch.stdout = batch.profile / "stdout.txt"
    batch.stderr = batch.profile / "stderr.txt"
    with batch.stdout.open("wb") as out, batch.stderr.open("wb") as err:
        batch.process = subprocess.Popen(
            [
                soffice,
                f"-env:UserInstallation={profile_url}",
                "--headless",
                "--invisible",
                "--nologo",
                "--norestore",
                "--nodefault",
                "macro:///Standard.Module1.Convert",
            ],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            env=env,
            start_new_session=True,  # own process group: killpg on timeout
        )


def _german_number(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def _macro_reason(code: str) -> str:
    """German text for a failure code written by the macro."""
    if code == "LOAD":
        return "LibreOffice konnte das Dokument nicht öffnen (beschädigt oder kein Word-Dokument)."
    if code == "NOTTEXT":
        return "Das Dokument ist kein Textdokument."
    if code.startswith("ERROR "):
        return f"Fehler in LibreOffice beim Umwandeln: {code[6:]}"
    return f"Fehler in LibreOffice beim Umwandeln: {code}"


def _read_log(batch: _Batch) -> tuple[dict[int, str | None], list[str]]:
    """Per document index: None if OK, else the failure reason; plus fatal lines."""
    log = batch.profile / "ikz-log.txt"
    status: dict[int, str | None] = {}
    fatal: list[str] = []
    if not log.exists():
        return status, fatal
    for line in log.read_bytes().decode("utf-8", errors="replace").splitlines():
        parts = line.rstrip("\r").split("\t")
        if parts[0] == "START" and len(parts) > 1 and parts[1].isdigit():
            status[int(parts[1])] = _STARTED
        elif parts[0] == "OK" and len(parts) > 1 and parts[1].isdigit():
            status[int(parts[1])] = None
        elif parts[0] == "FAIL" and len(parts) > 1 and parts[1].isdigit():
            status[int(parts[1])] = "\t".join(parts[2:]) or "unbekannter Fehler"
        elif parts[0] == "FATAL":
            fatal.append("\t".join(parts[1:]))
    return status, fatal


def _wait(batches: list[_Batch], deadline: float, on_progress: Callable[[Path], None] | None) -> None:
    """Wait for every batch (killing those past `deadline`), reporting each PDF once it appears."""
    reported: set[Path] = set()

    def report() -> None:
        if on_progress is None:
            return
        for batch in batches:
            for doc in batch.docs:
                if doc not in reported and (batch.work / (doc.stem + ".pdf")).is_file():
                    reported.add(doc)
                    on_progress(doc)

    while True:
        running = [b for b in batches if b.process is not None and b.process.poll() is None]
        report()
        if not running:
            return
        if time.monotonic() >= deadline:
            for batch in running:
                batch.timed_out = True
                _kill_group(batch.process)
            for batch in running:
                batch.process.wait()
            return
        time.sleep(0.1)


def convert_all(
    docx_files: Sequence[Path],
    out_dir: Path,
    *,
    jobs: int = os.cpu_count() or 1,
    timeout: float = 300,
    on_progress: Callable[[Path], None] | None = None,
) -> dict[Path, Path]:
    """Convert .docx files to PDF/A-2b in `out_dir` (same stem, suffix .pdf).

    `on_progress(docx)` is called once for each document whose PDF LibreOffice has
    written (polled while the batches run), for a progress display.

    Returns {docx: pdf} in input order. Raises ConversionError when LibreOffice
    is missing or two inputs share a file name; BatchConversionError (a
    ConversionError) naming exactly the documents that failed, after all the
    others have been converted. `timeout` is the wall-clock limit in seconds
    for each LibreOffice process (they run in parallel).
    """
    docs = [Path(d) for d in docx_files]
    out_dir = Path(out_dir)
    if not docs:
        return {}
    soffice = _soffice()
    by_stem: dict[str, Path] = {}
    for doc in docs:
        other = by_stem.setdefault(doc.stem.casefold(), doc)
        if other != doc:
            raise ConversionError(
                f"Zwei Dokumente ergäben dieselbe PDF-Datei »{doc.stem}.pdf«: »{other}« und »{doc}«."
            )
    out_dir.mkdir(parents=True, exist_ok=True)

    failed: dict[Path, str] = {}
    for doc in docs:
        problem = _docx_problem(doc)
        if problem:
            failed[doc] = problem
    todo = [d for d in dict.fromkeys(docs) if d not in failed]
    converted: dict[Path, Path] = {}
    outputs: list[str] = []  # LibreOffice's stderr/stdout of batches with failures
    batches: list[_Batch] = []
    try:
        if todo:
            jobs = max(1, min(int(jobs or 1), len(todo)))
            for group in _split(todo, jobs):
                batches.append(
                    _Batch(
                        docs=group,
                        work=Path(tempfile.mkdtemp(prefix=".ikz-convert-", dir=out_dir)),
                        profile=Path(tempfile.mkdtemp(prefix="ikz-lo-profile-")),
                    )
                )
            input_filter = "MS Word 2007 XML" if all(d.suffix.lower() == ".docx" for d in todo) else None
            deadline = time.monotonic() + timeout
            for batch in batches:
                _start(batch, soffice, input_filter)
            _wait(batches, deadline, on_progress)
            for batch in batches:
                status, fatal = _read_log(batch)
                batch_failed = False
                for index, doc in enumerate(batch.docs):
                    pdf = batch.work / (doc.stem + ".pdf")
                    state = status.get(index, _STARTED)
                    if state is None:
                        reason = _check_pdf(pdf)
                    elif state != _STARTED:
                        reason = _macro_reason(state)
                    elif batch.timed_out and index in status:
                        reason = f"Zeitlimit von {_german_number(timeout)} Sekunden überschritten, LibreOffice wurde bei diesem Dokument abgebrochen."
                    elif batch.timed_out:
                        reason = f"Zeitlimit von {_german_number(timeout)} Sekunden überschritten, LibreOffice wurde vorher abgebrochen."
                    elif fatal:
                        reason = "Interner Fehler im LibreOffice-Makro: " + "; ".join(fatal)
                    else:
                        reason = "LibreOffice hat das Dokument nicht bearbeitet"
                        if batch.process is not None and batch.process.returncode:
                            reason += f" (Rückgabewert {batch.process.returncode})"
                        reason += "."
                    if reason:
                        failed[doc] = reason
                        batch_failed = True
                    else:
                        target = out_dir / pdf.name
                        os.replace(pdf, target)
                        converted[doc] = target
                output = "\n".join(filter(None, (_tail(batch.stderr), _tail(batch.stdout))))
                if batch_failed and output:
                    outputs.append(output)
    finally:
        for batch in batches:
            if batch.process is not None and batch.process.poll() is None:
                _kill_group(batch.process)
            shutil.rmtree(batch.work, ignore_errors=True)
            shutil.rmtree(batch.profile, ignore_errors=True)

    result = {doc: converted[doc] for doc in docs if doc in converted}
    for doc in failed:  # no stale PDF of an earlier run may pass for this one
        (out_dir / (doc.stem + ".pdf")).unlink(missing_ok=True)
    if failed:
        ordered = {doc: failed[doc] for doc in docs if doc in failed}
        if len(ordered) == 1:
            (doc, reason), = ordered.items()
            message = f"»{doc.name}« konnte nicht in PDF umgewandelt werden: {reason}"
        else:
            lines = "\n".join(f"  • {doc.name}: {reason}" for doc, reason in ordered.items())
            message = f"{len(ordered)} Dokumente konnten nicht in PDF umgewandelt werden:\n{lines}"
        if outputs:
            message += "\nAusgabe von LibreOffice:\n" + "\n".join(outputs)
        if len(result) == 1:
            message += "\n(1 weiteres Dokument wurde umgewandelt.)"
        elif result:
            message += f"\n({len(result)} weitere Dokumente wurden umgewandelt.)"
        raise BatchConversionError(message, ordered, result)
    return result
