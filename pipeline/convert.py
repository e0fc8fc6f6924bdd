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

``jobs`` LibreOffice processes run in parallel, each with its own fresh,
temporary user profile (``-env:UserInstallation``), so conversion works while
the user has LibreOffice open and when two runs happen at the same time. They
are started before the first document exists (`Converter`) and take documents
from a queue folder as a run hands them over, so LibreOffice's start-up and
the conversions overlap the rendering of the rest. The macro writes one status
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

import functools
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import ParseError

from defusedxml.ElementTree import fromstring as parse_xml_safely

from .digest import sha256_bytes
from .errors import DISK_FULL, ConversionError, OutputError
from .german import zahl

__all__ = [
    "APT_HINT",
    "BatchConversionError",
    "PDF_EXPORT_OPTIONS",
    "PdfFacts",
    "Converted",
    "Converter",
    "convert_all",
    "raise_failures",
    "converter_identity",
    "outline_pages",
    "docx_enable_update_fields",
    "pdf_info",
    "prepare_profile",
    "read_pdfa_id",
]

APT_HINT = "sudo apt-get install libreoffice-writer-nogui"

# writer_pdf_Export filter data (name → (UNO type, value)); see
# https://help.libreoffice.org/latest/en-US/text/shared/guide/pdf_params.html
PDF_EXPORT_OPTIONS: dict[str, tuple[str, object]] = {
    "SelectPdfVersion": ("long", 2),  # PDF/A-2b
    "UseTaggedPDF": ("boolean", True),
    # PDF/UA-1: pdfuaid in the XMP, DisplayDocTitle, /Lang, header cells, artifacts; the rest
    # is done on the exported file (tagging.finish_export)
    "PDFUACompliance": ("boolean", True),
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
_NO_START = f"LibreOffice ließ sich nicht starten (keine Reaktion nach {_INIT_TIMEOUT} Sekunden)."
_IDLE_LIMIT = 900  # seconds a LibreOffice process waits for its next document before it ends by itself
_POLL = 0.02  # seconds between two looks at the LibreOffice processes

# The macro converts the documents handed to its process one by one: job n is
# the file IKZ_QUEUE/<n, six digits>.job (written atomically by Python), one
# line "<input URL>\t<output URL>" (URLs percent-encoded, hence pure ASCII),
# or "END" when no more documents follow. It appends to IKZ_LOG one line per
# event: "READY", "START\t<n>", "OK\t<n>", "FAIL\t<n>\t<reason>", "DONE" or
# "FATAL\t<reason>". Basic runtime errors are caught everywhere: an uncaught
# one would open a dialog and hang the headless process until the timeout. A
# waiting process ends after IKZ_IDLE seconds, or within a second once the
# process IKZ_OWNER names is gone (its Python side was killed; Linux: /proc).
_MACRO_TEMPLATE = """\
Option Explicit

Sub Convert
  Dim logPath As String
  logPath = Environ("IKZ_LOG")
  On Error GoTo Fatal
  Dim f As Integer, lineText As String, parts As Variant, n As Long, reason As String
  Dim queue As String, jobFile As String, waited As Long, idle As Long, owner As String
  queue = Environ("IKZ_QUEUE")
  idle = CLng(Environ("IKZ_IDLE")) * 1000
  owner = Environ("IKZ_OWNER")
  WriteLog(logPath, "READY")
  n = 0
  Do
    jobFile = queue &amp; "/" &amp; Format(n, "000000") &amp; ".job"
    waited = 0
    Do While Not FileExists(ConvertToURL(jobFile))
      If waited &gt; idle Then GoTo Finish
      If owner &lt;&gt; "" And waited Mod 990 = 0 Then
        If Not FileExists(ConvertToURL("/proc/" &amp; owner)) Then GoTo Finish
      End If
      Wait 15
      waited = waited + 15
    Loop
    f = FreeFile
    Open jobFile For Input As #f
    lineText = ""
    If Not EOF(f) Then Line Input #f, lineText
    Close #f
    If lineText = "END" Then Exit Do
    parts = Split(lineText, Chr(9))
    WriteLog(logPath, "START" &amp; Chr(9) &amp; n)
    reason = ConvertOne(parts(0), parts(1))
    If reason = "" Then
      WriteLog(logPath, "OK" &amp; Chr(9) &amp; n)
    Else
      WriteLog(logPath, "FAIL" &amp; Chr(9) &amp; n &amp; Chr(9) &amp; reason)
    End If
    n = n + 1
  Loop
Finish:
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


def _soffice() -> str:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    raise ConversionError(
        "LibreOffice ist nicht installiert (Programm »soffice« nicht gefunden). "
        f"Bitte installieren: {APT_HINT}"
    )


def _init_command(soffice: str, profile: Path) -> list[str]:
    """LibreOffice's first start in `profile`: it creates the profile and ends."""
    return [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--terminate_after_init"]


@functools.cache
def _product_version(soffice: str) -> str | None:
    """LibreOffice's »major.minor« as its configuration names it (»7.4«), from ``soffice --version``;
    None when it does not say (then its start-up self-test runs, see `_skip_self_test`)."""
    try:
        out = subprocess.run([soffice, "--version"], stdin=subprocess.DEVNULL, capture_output=True, text=True,
                             timeout=_INIT_TIMEOUT, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.search(r"\b(\d+)\.(\d+)\.\d", out)
    return f"{int(found[1])}.{int(found[2])}" if found else None


_OOR = "http://openoffice.org/2001/registry"


def _skip_self_test(profile: Path, version: str) -> None:
    """Record in a fresh profile that this LibreOffice version has been started before.

    On the first start of a version in a profile LibreOffice runs its graphics self-test
    (``GraphicsRenderTests``: some 60 drawings of up to 4096×4096 pixels, whose only result is
    ``user/GraphicsRenderTests.log``) – about 0.7 s of CPU, two thirds of a converting process's
    start-up. Headless, nothing marks the version as seen (only a start with a window does), so
    every run paid it for each of its LibreOffice processes. Writing what such a start writes,
    ``/org.openoffice.Setup/Product/ooSetupLastVersion``, skips it; the conversion is the same.
    A profile that cannot be read is left alone (the self-test runs, nothing else changes).
    """
    from lxml import etree  # python-docx depends on lxml

    xcu = profile / "user" / "registrymodifications.xcu"
    try:
        tree = etree.parse(str(xcu), etree.XMLParser(resolve_entities=False, no_network=True))
    except (OSError, etree.XMLSyntaxError):
        return
    item = etree.SubElement(tree.getroot(), "item", {f"{{{_OOR}}}path": "/org.openoffice.Setup/Product"})
    prop = etree.SubElement(item, "prop", {f"{{{_OOR}}}name": "ooSetupLastVersion", f"{{{_OOR}}}op": "fuse"})
    etree.SubElement(prop, "value").text = version
    tree.write(str(xcu), xml_declaration=True, encoding="UTF-8")


def prepare_profile(profile: Path) -> None:
    """A fresh LibreOffice user profile in `profile`, made by LibreOffice itself, that starts without the
    graphics self-test (see `_skip_self_test`), as the Converter's processes do: for a ``soffice`` call of
    one's own that should cost what the pipeline's conversion costs (the benchmark's floor, tests)."""
    soffice = _soffice()
    subprocess.run(_init_command(soffice, Path(profile).resolve()), stdin=subprocess.DEVNULL, capture_output=True,
                   timeout=_INIT_TIMEOUT, check=False)
    version = _product_version(soffice)
    if version is not None:
        _skip_self_test(Path(profile), version)


def page_count(pdf: Path) -> int:
    """The number of pages of a PDF (qpdf: no page content is parsed)."""
    import pikepdf

    with pikepdf.open(pdf) as doc:
        return len(doc.pages)


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
                page = reader.get_destination_page_number(item)
                pages.append(page + 1 if page is not None else 0)

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
    """A German reason why `pdf` is not a usable PDF/A-2 file, else None. A usable file is
    finished for PDF/UA-1 (`tagging.finish_export`) in place."""
    import pikepdf

    from .tagging import finish_export

    if not pdf.is_file():
        return "LibreOffice hat keine PDF-Datei erzeugt."
    if pdf.stat().st_size == 0:
        return "LibreOffice hat eine leere PDF-Datei erzeugt."
    with pdf.open("rb") as handle:
        if not handle.read(5) == b"%PDF-":
            return "Die erzeugte Datei ist keine PDF-Datei."
    try:
        with pikepdf.open(pdf, allow_overwriting_input=True) as doc:
            if len(doc.pages) == 0:
                return "Die erzeugte PDF-Datei hat keine Seiten."
            metadata = doc.Root.get("/Metadata")
            part, _ = read_pdfa_id(metadata.read_bytes() if isinstance(metadata, pikepdf.Stream) else None)
            if part != 2:
                return "Die erzeugte PDF-Datei ist nicht als PDF/A-2 gekennzeichnet."
            finish_export(doc)
            doc.save(pdf, fix_metadata_version=False, stream_decode_level=pikepdf.StreamDecodeLevel.none,
                     object_stream_mode=pikepdf.ObjectStreamMode.preserve)
    except Exception as exc:  # noqa: BLE001 - any parser failure means "broken"
        return f"Die erzeugte PDF-Datei ist beschädigt ({exc})."
    return None


@dataclass
class _Process:
    """One LibreOffice process with its own profile and job queue."""

    profile: Path
    queue: Path
    init: subprocess.Popen[bytes] | None = None
    """The first start that creates the profile (then the macro is installed)."""
    process: subprocess.Popen[bytes] | None = None
    """The converting process, running the macro."""
    jobs: list[Path] = field(default_factory=list)
    """Documents handed over, in queue order (index = job number)."""
    log_seen: int = 0
    """Bytes of the log already read."""
    started: dict[int, float] = field(default_factory=dict)
    """Job number → when LibreOffice started it (still running)."""
    finished: int = 0
    """Jobs done (converted or failed)."""
    ended: str | None = None
    """Why the process is gone (None while it runs or may still start)."""
    stdout: Path | None = None
    stderr: Path | None = None
    since: float = 0.0
    """When the current phase (profile creation, start of the converting process) began."""
    ready: bool = False
    """The macro runs (it logged READY)."""
    end_sent: bool = False
    """The process was told that no more documents follow."""
    fatal: str | None = None
    """An error of the macro itself."""

    @property
    def log(self) -> Path:
        return self.profile / "ikz-log.txt"

    @property
    def outstanding(self) -> int:
        return len(self.jobs) - self.finished


@dataclass(frozen=True)
class Converted:
    """One document the Converter is done with."""

    docx: Path
    """The .docx handed over."""
    pdf: Path | None
    """The PDF/A file (in the converter's output folder), None when it failed."""
    reason: str | None = None
    """Why it failed (German), None when converted."""
    output: str = ""
    """LibreOffice's own output when its process failed (for the message)."""
    seconds: float = 0.0
    """How long LibreOffice worked on it."""


class Converter:
    """LibreOffice processes that convert .docx files to PDF/A-2b as they are handed over.

    `jobs` processes start at once (each creating a fresh profile, which takes
    about a second), so a run can start them before its first document is
    rendered. `submit` hands a document over; `poll` returns the documents
    finished since the last call; `close` says that no more will come. Each
    process gets the next waiting document when it has fewer than two, so the
    work stays balanced when documents arrive over time. A document taking
    longer than `timeout` seconds is abandoned (its process killed); documents
    it had not started yet go to the other processes.
    """

    def __init__(self, out_dir: Path, *, jobs: int = os.cpu_count() or 1, timeout: float = 300,
                 expected: int | None = None):
        self.soffice = _soffice()
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.timeout = timeout
        self.work = Path(tempfile.mkdtemp(prefix=".ikz-convert-", dir=self.out_dir))
        jobs = max(1, int(jobs or 1))
        count = min(jobs, expected) if expected else jobs
        self.processes: list[_Process] = []
        self.waiting: list[Path] = []
        self.done: list[Converted] = []
        self.closed = False
        self._stems: dict[str, Path] = {}
        self._launches = 0
        self._launch_limit = count + 3
        self._start_failure: tuple[str, str] | None = None
        self._last_end: tuple[str, str] = ("LibreOffice wurde vorher beendet.", "")
        self._version: str | None = None
        try:
            for _ in range(count):
                self.processes.append(self._launch())
            self._version = _product_version(self.soffice)  # asked while the profiles are created
            # creating a profile takes a fraction of a second: wait for it, so that the converting
            # processes come up while the caller goes on (no `poll` is needed for that)
            deadline = time.monotonic() + _INIT_TIMEOUT
            for proc in self.processes:
                try:
                    if proc.init is not None:
                        proc.init.wait(timeout=max(0.0, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    pass
                self._advance(proc, time.monotonic())
        except BaseException:
            self.shutdown()
            raise

    # handing over

    def submit(self, docx: Path) -> None:
        """Hand `docx` over; its PDF will be `out_dir/<stem>.pdf`."""
        docx = Path(docx)
        other = self._stems.setdefault(docx.stem.casefold(), docx)
        if other != docx:
            raise ConversionError(
                f"Zwei Dokumente ergäben dieselbe PDF-Datei »{docx.stem}.pdf«: »{other}« und »{docx}«."
            )
        problem = _docx_problem(docx)
        if problem:
            self._fail(docx, problem)
            return
        self.waiting.append(docx)
        self._dispatch()

    def close(self) -> None:
        """No more documents: each process ends when its queue is done."""
        self.closed = True
        self._dispatch()

    @property
    def busy(self) -> bool:
        """Documents handed over that are not finished yet."""
        return bool(self.waiting) or any(p.outstanding for p in self.processes if p.ended is None)

    # watching

    def poll(self) -> list[Converted]:
        """Advance the processes; the documents finished since the last call."""
        now = time.monotonic()
        for proc in self.processes:
            if proc.ended is None:
                self._advance(proc, now)
        self._dispatch()
        done, self.done = self.done, []
        return done

    def wait(self, on_done: Callable[[Converted], None] | None = None) -> None:
        """Poll until every document handed over is finished (after `close`)."""
        while True:
            busy = self.busy
            for item in self.poll():
                if on_done is not None:
                    on_done(item)
            if not busy:
                return
            time.sleep(_POLL)

    def shutdown(self) -> None:
        """Stop every process and remove the work folders (PDFs already returned stay)."""
        for proc in self.processes:
            for process in (proc.init, proc.process):
                if process is not None:
                    _kill_group(process)
            shutil.rmtree(proc.profile, ignore_errors=True)
        shutil.rmtree(self.work, ignore_errors=True)

    def __enter__(self) -> "Converter":
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()

    # internals

    def _launch(self) -> _Process:
        self._launches += 1
        profile = Path(tempfile.mkdtemp(prefix="ikz-lo-profile-"))
        proc = _Process(profile=profile, queue=profile / "queue")
        proc.queue.mkdir()
        # A fresh profile is created by LibreOffice on first start, overwriting
        # user/basic; so initialise it first, then install our macro.
        proc.init = subprocess.Popen(
            _init_command(self.soffice, profile),
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
        )
        proc.since = time.monotonic()
        return proc

    def _advance(self, proc: _Process, now: float) -> None:
        if proc.process is None:
            assert proc.init is not None
            if proc.init.poll() is None:
                if now - proc.since > _INIT_TIMEOUT:
                    _kill_group(proc.init)
                    self._end(proc, _NO_START)
                return
            self._start(proc)
            return
        self._read_log(proc)
        running = proc.process.poll() is None
        if running and not proc.ready and now - proc.since > _INIT_TIMEOUT:
            _kill_group(proc.process)
            self._end(proc, _NO_START)
            return
        for number, since in list(proc.started.items()):
            if now - since > self.timeout:
                _kill_group(proc.process)
                self._finish(proc, number, None,
                             f"Zeitlimit von {zahl(self.timeout)} Sekunden überschritten, "
                             "LibreOffice wurde bei diesem Dokument abgebrochen.")
                self._end(proc, None)
                return
        if not running:
            self._read_log(proc)
            code = proc.process.returncode
            end = f" (Rückgabewert {code})." if code else "."
            for number in list(proc.started):
                self._finish(proc, number, None, "LibreOffice wurde bei diesem Dokument beendet" + end)
            self._end(proc, "LibreOffice hat das Dokument nicht bearbeitet" + end if proc.outstanding else None)

    def _start(self, proc: _Process) -> None:
        assert proc.init is not None
        output = proc.init.stdout.read() if proc.init.stdout else b""
        if proc.init.stdout:
            proc.init.stdout.close()
        module = proc.profile / "user" / "basic" / "Standard" / "Module1.xba"
        if proc.init.returncode != 0 or not module.parent.is_dir():
            shown = _clean_output(output.decode("utf-8", "replace"))
            self._end(proc, "LibreOffice ließ sich nicht starten (das Benutzerprofil konnte nicht angelegt werden)."
                      + (f" Ausgabe von LibreOffice: {shown}" if shown else ""))
            return
        module.write_text(_macro_source("MS Word 2007 XML"), encoding="utf-8")
        if self._version is not None:
            _skip_self_test(proc.profile, self._version)
        env = dict(os.environ)
        env["IKZ_QUEUE"] = str(proc.queue)
        env["IKZ_LOG"] = str(proc.log)
        env["IKZ_IDLE"] = str(_IDLE_LIMIT)
        owner = os.getpid()
        env["IKZ_OWNER"] = str(owner) if os.path.isdir(f"/proc/{owner}") else ""  # without /proc: the idle limit
        proc.stdout = proc.profile / "stdout.txt"
        proc.stderr = proc.profile / "stderr.txt"
        with proc.stdout.open("wb") as out, proc.stderr.open("wb") as err:
            proc.process = subprocess.Popen(
                [self.soffice, f"-env:UserInstallation={proc.profile.as_uri()}", "--headless", "--invisible",
                 "--nologo", "--norestore", "--nodefault", "macro:///Standard.Module1.Convert"],
                stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env,
                start_new_session=True,  # own process group: killpg on timeout
            )
        proc.since = time.monotonic()
        for number, docx in enumerate(proc.jobs):  # handed over while LibreOffice was starting
            self._write_job(proc, number, docx)

    def _dispatch(self) -> None:
        """Hand waiting documents to processes with fewer than two outstanding; tell idle processes
        to end once nothing more will come. Documents that came back from a process that died go to
        another one, or to a new one (a few times at most)."""
        while self.waiting:
            open_ = [p for p in self.processes if p.ended is None and not p.end_sent]
            if not open_:
                alive = any(p.ended is None for p in self.processes)
                if self._launches >= self._launch_limit or (self._start_failure and not alive):
                    reason, output = self._start_failure or self._last_end
                    for docx in self.waiting:
                        self._fail(docx, reason, output)
                    self.waiting.clear()
                    break
                open_ = [self._launch()]
                self.processes.extend(open_)
            proc = min(open_, key=lambda p: (p.outstanding, p.process is None))
            if proc.outstanding >= 2:
                break
            docx = self.waiting.pop(0)
            proc.jobs.append(docx)
            if proc.process is not None:
                self._write_job(proc, len(proc.jobs) - 1, docx)
        if self.closed and not self.waiting:
            for proc in self.processes:
                if proc.ended is None and proc.process is not None and not proc.end_sent and not proc.outstanding:
                    self._write_job(proc, len(proc.jobs), None)
                    proc.end_sent = True

    def _write_job(self, proc: _Process, number: int, docx: Path | None) -> None:
        line = "END" if docx is None else f"{docx.resolve().as_uri()}\t{self._target(docx).resolve().as_uri()}"
        tmp = proc.queue / f".{number:06d}.tmp"
        tmp.write_text(line + "\n", encoding="ascii")
        os.replace(tmp, proc.queue / f"{number:06d}.job")

    def _target(self, docx: Path) -> Path:
        return self.work / (docx.stem + ".pdf")

    def _read_log(self, proc: _Process) -> None:
        try:
            with proc.log.open("rb") as fh:
                fh.seek(proc.log_seen)
                chunk = fh.read()
        except FileNotFoundError:
            return
        complete = chunk[: chunk.rfind(b"\n") + 1]
        proc.log_seen += len(complete)
        for line in complete.decode("utf-8", errors="replace").splitlines():
            parts = line.rstrip("\r").split("\t")
            number = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
            if parts[0] == "READY":
                proc.ready = True
            elif parts[0] == "START" and number is not None:
                proc.started[number] = time.monotonic()
            elif parts[0] == "OK" and number is not None:
                self._finish(proc, number, self._target(proc.jobs[number]), None)
            elif parts[0] == "FAIL" and number is not None:
                self._finish(proc, number, None, _macro_reason("\t".join(parts[2:]) or "unbekannter Fehler"))
            elif parts[0] == "FATAL":
                proc.fatal = "Interner Fehler im LibreOffice-Makro: " + "\t".join(parts[1:])

    def _finish(self, proc: _Process, number: int, pdf: Path | None, reason: str | None) -> None:
        since = proc.started.pop(number, None)
        seconds = time.monotonic() - since if since is not None else 0.0
        proc.finished += 1
        docx = proc.jobs[number]
        if pdf is not None:
            reason = _check_pdf(pdf)
            if reason is None:
                target = self.out_dir / pdf.name
                os.replace(pdf, target)
                self.done.append(Converted(docx, target, seconds=seconds))
                return
        self._fail(docx, reason or "unbekannter Fehler", self._output(proc))

    def _fail(self, docx: Path, reason: str, output: str = "") -> None:
        (self.out_dir / (docx.stem + ".pdf")).unlink(missing_ok=True)  # no stale PDF passes for this one
        self.done.append(Converted(docx, None, reason, output))

    def _end(self, proc: _Process, reason: str | None) -> None:
        """`proc` is gone: documents it had not started wait for another process."""
        proc.ended = proc.fatal or reason or "LibreOffice wurde vorher beendet."
        if not proc.ready and reason is not None:
            self._start_failure = (proc.ended, self._output(proc))
        self._last_end = (proc.ended, self._output(proc))
        unstarted = [d for n, d in enumerate(proc.jobs) if n >= proc.finished and n not in proc.started]
        del proc.jobs[len(proc.jobs) - len(unstarted):]
        self.waiting[:0] = unstarted

    @staticmethod
    def _output(proc: _Process) -> str:
        return "\n".join(filter(None, (_tail(proc.stderr), _tail(proc.stdout))))


def _macro_reason(code: str) -> str:
    """German text for a failure code written by the macro."""
    if code == "LOAD":
        return "LibreOffice konnte das Dokument nicht öffnen (beschädigt oder kein Word-Dokument)."
    if code == "NOTTEXT":
        return "Das Dokument ist kein Textdokument."
    if code.startswith("ERROR "):
        return f"Fehler in LibreOffice beim Umwandeln: {code[6:]}"
    return f"Fehler in LibreOffice beim Umwandeln: {code}"


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
    written, for a progress display.

    Returns {docx: pdf} in input order. Raises ConversionError when LibreOffice
    is missing or two inputs share a file name; BatchConversionError (a
    ConversionError) naming exactly the documents that failed, after all the
    others have been converted. `timeout` is the limit in seconds for one
    document.
    """
    docs = list(dict.fromkeys(Path(d) for d in docx_files))
    if not docs:
        return {}
    finished: list[Converted] = []

    def done(item: Converted) -> None:
        finished.append(item)
        if on_progress is not None and item.pdf is not None:
            on_progress(item.docx)

    with Converter(out_dir, jobs=jobs, timeout=timeout, expected=len(docs)) as converter:
        for doc in docs:
            converter.submit(doc)
        converter.close()
        converter.wait(done)
    raise_failures(finished, docs)
    by_docx = {item.docx: item.pdf for item in finished if item.pdf is not None}
    return {doc: by_docx[doc] for doc in docs if doc in by_docx}


_FULL_BELOW = 8 * 1024 * 1024
"""Free bytes below which a failed conversion is taken for a full disk."""


def raise_failures(finished: Sequence[Converted], order: Sequence[Path] = ()) -> None:
    """Raise one BatchConversionError naming every failed document (in `order`, then as finished)."""
    failed = {item.docx: item for item in finished if item.pdf is None}
    if not failed:
        return
    if shutil.disk_usage(next(iter(failed)).parent).free < _FULL_BELOW:
        # LibreOffice reports a full disk as an I/O exception of its own: say what it is
        raise OutputError(DISK_FULL)
    converted = {item.docx: item.pdf for item in finished if item.pdf is not None}
    ranked = [d for d in order if d in failed] + [d for d in failed if d not in order]
    if len(ranked) == 1:
        message = f"»{ranked[0].name}« konnte nicht in PDF umgewandelt werden: {failed[ranked[0]].reason}"
    else:
        lines = "\n".join(f"  • {doc.name}: {failed[doc].reason}" for doc in ranked)
        message = f"{len(ranked)} Dokumente konnten nicht in PDF umgewandelt werden:\n{lines}"
    outputs = list(dict.fromkeys(failed[d].output for d in ranked if failed[d].output))
    if outputs:
        message += "\nAusgabe von LibreOffice:\n" + "\n".join(outputs)
    if len(converted) == 1:
        message += "\n(1 weiteres Dokument wurde umgewandelt.)"
    elif converted:
        message += f"\n({len(converted)} weitere Dokumente wurden umgewandelt.)"
    raise BatchConversionError(message, {d: failed[d].reason or "" for d in ranked}, converted)
