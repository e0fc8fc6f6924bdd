"""Build the four Word templates in templates/ with python-docx.

    python -m tools.make_templates [ZIELORDNER]

The generated .docx files in templates/ are what staff edit in Word (wording,
layout); this script is only the reproducible starting point. Running it again
overwrites manual changes in templates/.

All four templates share one look (styles.xml and numbering.xml are written
here, not inherited from python-docx's default template):

* Arial (LibreOffice substitutes the metric-compatible Liberation Sans),
  document language de-DE, A4 with German administrative margins;
* Überschrift 1–3 are Word's built-in Heading 1–3 (numbered 1. / 1.1 / a),
  so the table of contents and the PDF bookmarks work; a bullet list style
  (Aufzählungszeichen / List Bullet, two levels); a table style "IKZ Tabelle"
  with borders and a shaded, repeating header row;
* header with the document title, footer "Seite X von Y" (PAGE/NUMPAGES);
* paragraphs that only carry template logic ({%p ... %}) use the grey style
  "IKZ Steuerung", so they are easy to spot in Word. They vanish when a
  document is rendered.

Tags (docxtpl/Jinja): ``{{ x }}`` inserts a value, ``{{p text }}`` a whole
formatted text (paragraphs, bullets, bold), ``{%p if … %}`` / ``{%p for … %}``
repeat or drop paragraphs, ``{%tr for … %}`` table rows.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm
from docx.styles.style import StyleFactory

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"

FONT = "Arial"
ACCENT = "1F3A5F"  # dark blue-grey of headings
HEADER_FILL = "D5DEE8"  # table header shading
BORDER = "8C8C8C"
GREY = "595959"

# A4 portrait, margins in twips (1 cm = 567 twips)
PAGE_W, PAGE_H = 11906, 16838
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 1418, 1134, 1418, 1134
TEXT_WIDTH = PAGE_W - MARGIN_LEFT - MARGIN_RIGHT  # 9354 twips = 16.5 cm

W = nsdecls("w")

# ---------------------------------------------------------------------------
# styles.xml


def _rpr(size=None, bold=False, italic=False, color=None, caps=False, font=False) -> str:
    parts = []
    if font:
        parts.append(f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:eastAsia="{FONT}" w:cs="{FONT}"/>')
    if bold:
        parts.append("<w:b/><w:bCs/>")
    if italic:
        parts.append("<w:i/><w:iCs/>")
    if caps:
        parts.append("<w:caps/>")
    if color:
        parts.append(f'<w:color w:val="{color}"/>')
    if size:
        parts.append(f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>')
    return f"<w:rPr>{''.join(parts)}</w:rPr>" if parts else ""


def _pstyle(style_id, name, ppr="", rpr="", based="Normal", nxt=None, ui=None, q=True, extra="") -> str:
    based_xml = f'<w:basedOn w:val="{based}"/>' if based else ""
    next_xml = f'<w:next w:val="{nxt}"/>' if nxt else ""
    ui_xml = f'<w:uiPriority w:val="{ui}"/>' if ui is not None else ""
    q_xml = "<w:qFormat/>" if q else ""
    ppr_xml = f"<w:pPr>{ppr}</w:pPr>" if ppr else ""
    return (
        f'<w:style w:type="paragraph" w:styleId="{style_id}"><w:name w:val="{name}"/>{based_xml}{next_xml}'
        f"{extra}{ui_xml}{q_xml}{ppr_xml}{rpr}</w:style>"
    )


def _border(side: str, sz: int = 4, color: str = BORDER, space: int = 0) -> str:
    return f'<w:{side} w:val="single" w:sz="{sz}" w:space="{space}" w:color="{color}"/>'


def styles_xml() -> str:
    right_tab = f'<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{TEXT_WIDTH}"/></w:tabs>'
    table_borders = "".join(_border(s) for s in ("top", "left", "bottom", "right", "insideH", "insideV"))
    styles = [
        # defaults
        f'<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:eastAsia="{FONT}" '
        f'w:cs="{FONT}"/><w:sz w:val="21"/><w:szCs w:val="21"/><w:lang w:val="de-DE" w:eastAsia="de-DE" '
        'w:bidi="ar-SA"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="120" w:line="269" '
        'w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>',
        '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/>'
        '<w:pPr><w:widowControl/></w:pPr></w:style>',
        '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
        '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/></w:style>',
        '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
        '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/>'
        '<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
        '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>',
        '<w:style w:type="numbering" w:default="1" w:styleId="NoList"><w:name w:val="No List"/>'
        '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/></w:style>',
        # title page and document titles
        _pstyle("Title", "Title", '<w:keepNext/><w:spacing w:before="0" w:after="200" w:line="240" w:lineRule="auto"/>',
                _rpr(36, bold=True, color=ACCENT), nxt="Subtitle", ui=10),
        _pstyle("Subtitle", "Subtitle", '<w:keepNext/><w:spacing w:after="240"/>', _rpr(26, color="404040"),
                nxt="Normal", ui=11),
        _pstyle("IKZDachzeile", "IKZ Dachzeile",
                f'<w:pBdr>{_border("bottom", 6, ACCENT, 4)}</w:pBdr><w:spacing w:after="360"/>',
                _rpr(18, color=ACCENT, caps=True), nxt="Title"),
        # headings: Word's built-in Heading 1–3, numbered 1. / 1.1 / a)
        _pstyle("Heading1", "heading 1",
                '<w:keepNext/><w:keepLines/><w:numPr><w:numId w:val="1"/></w:numPr>'
                '<w:spacing w:before="360" w:after="120"/><w:outlineLvl w:val="0"/>',
                _rpr(28, bold=True, color=ACCENT), nxt="Normal", ui=9),
        _pstyle("Heading2", "heading 2",
                '<w:keepNext/><w:keepLines/><w:numPr><w:ilvl w:val="1"/><w:numId w:val="1"/></w:numPr>'
                '<w:spacing w:before="280" w:after="120"/><w:outlineLvl w:val="1"/>',
                _rpr(24, bold=True, color=ACCENT), based="Heading1", nxt="Normal", ui=9),
        _pstyle("Heading3", "heading 3",
                '<w:keepNext/><w:keepLines/><w:numPr><w:ilvl w:val="2"/><w:numId w:val="1"/></w:numPr>'
                '<w:spacing w:before="240" w:after="80"/><w:outlineLvl w:val="2"/>',
                _rpr(22, bold=True, color=ACCENT), based="Heading2", nxt="Normal", ui=9),
        _pstyle("TOCHeading", "TOC Heading", '<w:keepNext/><w:spacing w:before="0" w:after="240"/>',
                _rpr(28, bold=True, color=ACCENT), nxt="Normal", ui=39),
        _pstyle("TOC1", "toc 1", f'{right_tab}<w:spacing w:before="120" w:after="40"/>', _rpr(bold=True),
                nxt="Normal", ui=39, q=False),
        _pstyle("TOC2", "toc 2", f'{right_tab}<w:spacing w:after="40"/><w:ind w:left="425"/>', "",
                nxt="Normal", ui=39, q=False),
        _pstyle("TOC3", "toc 3", f'{right_tab}<w:spacing w:after="40"/><w:ind w:left="850"/>', "",
                nxt="Normal", ui=39, q=False),
        # lists
        _pstyle("ListBullet", "List Bullet",
                '<w:numPr><w:numId w:val="2"/></w:numPr><w:spacing w:after="60"/>', "", ui=99),
        _pstyle("ListBullet2", "List Bullet 2",
                '<w:numPr><w:ilvl w:val="1"/><w:numId w:val="2"/></w:numPr><w:spacing w:after="60"/>', "",
                ui=99),
        _pstyle("ListContinue", "List Continue", '<w:spacing w:after="60"/><w:ind w:left="357"/>', "", ui=99),
        # the standard process (I., 1., …) with hanging indent
        _pstyle("IKZAbschnitt", "IKZ Arbeitsabschnitt",
                '<w:tabs><w:tab w:val="left" w:pos="567"/></w:tabs><w:spacing w:after="80"/>'
                '<w:ind w:left="567" w:hanging="567"/>', ""),
        _pstyle("IKZMeilenstein", "IKZ Meilenstein",
                '<w:keepNext/><w:spacing w:before="120" w:after="80"/>', _rpr(bold=True), based="IKZAbschnitt"),
        # captions, notes, contact block
        _pstyle("Caption", "caption", '<w:spacing w:before="60" w:after="240"/>',
                _rpr(17, italic=True, color="404040"), nxt="Normal", ui=35),
        _pstyle("IKZHinweis", "IKZ Hinweis", '<w:spacing w:after="40" w:line="240" w:lineRule="auto"/>',
                _rpr(16, color="404040")),
        _pstyle("IKZKontakt", "IKZ Kontakt",
                f'<w:pBdr>{_border("left", 18, ACCENT, 8)}</w:pBdr><w:spacing w:after="0"/><w:ind w:left="227"/>',
                ""),
        _pstyle("IKZFazit", "IKZ Fazit",
                f'<w:pBdr>{_border("left", 18, ACCENT, 8)}</w:pBdr><w:shd w:val="clear" w:color="auto" '
                f'w:fill="EEF2F6"/><w:spacing w:before="120" w:after="200"/><w:ind w:left="227" w:right="113"/>',
                _rpr(bold=True)),
        # tables
        _pstyle("IKZTabellentext", "IKZ Tabellentext", '<w:spacing w:before="20" w:after="20" w:line="240" '
                'w:lineRule="auto"/>', _rpr(18)),
        _pstyle("IKZTabellenkopf", "IKZ Tabellenkopf", '<w:keepNext/><w:spacing w:before="20" w:after="20" '
                'w:line="240" w:lineRule="auto"/>', _rpr(18, bold=True), based="IKZTabellentext"),
        _pstyle("IKZMatrix", "IKZ Beteiligungstabelle",
                '<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/><w:jc w:val="center"/>',
                _rpr(15)),
        # signature block
        _pstyle("IKZUnterschriftLinie", "IKZ Unterschriftslinie",
                f'<w:pBdr>{_border("bottom", 6, "404040", 1)}</w:pBdr>'
                '<w:spacing w:before="680" w:after="20"/>', ""),
        _pstyle("IKZUnterschrift", "IKZ Unterschrift", '<w:spacing w:after="20"/>',
                _rpr(16, color="404040")),
        _pstyle("IKZUnterzeichner", "IKZ Unterzeichner", '<w:spacing w:after="200"/>', _rpr(19)),
        # template logic lines ({%p … %}), removed on rendering
        _pstyle("IKZSteuerung", "IKZ Steuerung (Vorlage)", '<w:spacing w:after="0"/>', _rpr(15, color="8C8C8C")),
        # header and footer
        _pstyle("Header", "header",
                f'<w:pBdr>{_border("bottom", 4, "A6A6A6", 4)}</w:pBdr><w:spacing w:after="0"/>',
                _rpr(16, color=GREY), ui=99, q=False),
        _pstyle("Footer", "footer",
                f'<w:pBdr>{_border("top", 4, "A6A6A6", 4)}</w:pBdr><w:spacing w:after="0"/><w:jc w:val="right"/>',
                _rpr(16, color=GREY), ui=99, q=False),
        '<w:style w:type="character" w:styleId="Hyperlink"><w:name w:val="Hyperlink"/>'
        f'<w:basedOn w:val="DefaultParagraphFont"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/>'
        f'<w:rPr><w:color w:val="{ACCENT}"/><w:u w:val="single"/></w:rPr></w:style>',
        '<w:style w:type="character" w:styleId="Strong"><w:name w:val="Strong"/>'
        '<w:basedOn w:val="DefaultParagraphFont"/><w:uiPriority w:val="22"/><w:qFormat/>'
        "<w:rPr><w:b/><w:bCs/></w:rPr></w:style>",
        # table styles
        '<w:style w:type="table" w:styleId="IKZTabelle"><w:name w:val="IKZ Tabelle"/>'
        '<w:basedOn w:val="TableNormal"/><w:uiPriority w:val="59"/><w:pPr><w:spacing w:before="20" w:after="20" '
        'w:line="240" w:lineRule="auto"/></w:pPr><w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr>'
        f'<w:tblPr><w:tblBorders>{table_borders}</w:tblBorders><w:tblCellMar><w:top w:w="28" w:type="dxa"/>'
        '<w:left w:w="85" w:type="dxa"/><w:bottom w:w="28" w:type="dxa"/><w:right w:w="85" w:type="dxa"/>'
        "</w:tblCellMar></w:tblPr>"
        '<w:tblStylePr w:type="firstRow"><w:rPr><w:b/><w:bCs/></w:rPr><w:trPr><w:tblHeader/></w:trPr>'
        f'<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{HEADER_FILL}"/></w:tcPr></w:tblStylePr>'
        "</w:style>",
        '<w:style w:type="table" w:styleId="IKZRaster"><w:name w:val="IKZ Tabelle ohne Kopf"/>'
        '<w:basedOn w:val="TableNormal"/><w:uiPriority w:val="59"/><w:pPr><w:spacing w:before="20" w:after="20" '
        'w:line="240" w:lineRule="auto"/></w:pPr><w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr>'
        f'<w:tblPr><w:tblBorders>{_border("top", 4, "BFBFBF")}{_border("bottom", 4, "BFBFBF")}'
        f'{_border("insideH", 4, "BFBFBF")}</w:tblBorders><w:tblCellMar><w:top w:w="28" w:type="dxa"/>'
        '<w:left w:w="57" w:type="dxa"/><w:bottom w:w="28" w:type="dxa"/><w:right w:w="57" w:type="dxa"/>'
        "</w:tblCellMar></w:tblPr>"
        '<w:tblStylePr w:type="firstCol"><w:rPr><w:b/><w:bCs/></w:rPr></w:tblStylePr></w:style>',
        '<w:style w:type="table" w:styleId="IKZOhneRahmen"><w:name w:val="IKZ Unterschriften"/>'
        '<w:basedOn w:val="TableNormal"/><w:uiPriority w:val="59"/><w:tblPr><w:tblCellMar>'
        '<w:left w:w="0" w:type="dxa"/><w:right w:w="170" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>',
    ]
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:styles {W}>'
        + "".join(styles)
        + "</w:styles>"
    )


# ---------------------------------------------------------------------------
# numbering.xml: 1 = headings (1. / 1.1 / a)), 2 = bullets (• / –)


def _lvl(ilvl, fmt, text, left, hanging, pstyle=None, font=None, start=1) -> str:
    ps = f'<w:pStyle w:val="{pstyle}"/>' if pstyle else ""
    rpr = f'<w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:cs="{font}" w:hint="default"/></w:rPr>' if font else ""
    return (
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>{ps}'
        f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
        f'<w:pPr><w:ind w:left="{left}" w:hanging="{hanging}"/></w:pPr>{rpr}</w:lvl>'
    )


def numbering_xml() -> str:
    heading_levels = [
        _lvl(0, "decimal", "%1.", 567, 567, "Heading1"),
        _lvl(1, "decimal", "%1.%2", 709, 709, "Heading2"),
        _lvl(2, "lowerLetter", "%3)", 425, 425, "Heading3"),
    ] + [_lvl(i, "decimal", "", 0, 0) for i in range(3, 9)]
    bullet_levels = [
        _lvl(0, "bullet", "•", 357, 357, font=FONT),
        _lvl(1, "bullet", "–", 714, 357, font=FONT),
        _lvl(2, "bullet", "·", 1071, 357, font=FONT),
    ] + [_lvl(i, "bullet", "·", 1071 + 357 * (i - 2), 357, font=FONT) for i in range(3, 9)]
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:numbering {W}>'
        '<w:abstractNum w:abstractNumId="0"><w:nsid w:val="1A2B3C01"/><w:multiLevelType w:val="multilevel"/>'
        + "".join(heading_levels)
        + '</w:abstractNum><w:abstractNum w:abstractNumId="1"><w:nsid w:val="1A2B3C02"/>'
        '<w:multiLevelType w:val="hybridMultilevel"/>'
        + "".join(bullet_levels)
        + '</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
        '<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num></w:numbering>'
    )


# ---------------------------------------------------------------------------
# settings.xml

_SETTINGS_ORDER = (
    "writeProtection view zoom removePersonalInformation removeDateAndTime doNotDisplayPageBoundaries "
    "displayBackgroundShape printPostScriptOverText printFractionalCharacterWidth printFormsData "
    "embedTrueTypeFonts embedSystemFonts saveSubsetFonts saveFormsData mirrorMargins alignBordersAndEdges "
    "bordersDoNotSurroundHeader bordersDoNotSurroundFooter gutterAtTop hideSpellingErrors "
    "hideGrammaticalErrors activeWritingStyle proofState formsDesign attachedTemplate linkStyles "
    "stylePaneFormatFilter stylePaneSortMethod documentType mailMerge revisionView trackRevisions "
    "doNotTrackMoves doNotTrackFormatting documentProtection autoFormatOverride styleLockTheme "
    "styleLockQFSet defaultTabStop autoHyphenation consecutiveHyphenLimit hyphenationZone doNotHyphenateCaps "
    "showEnvelope summaryLength clickAndTypeStyle defaultTableStyle evenAndOddHeaders bookFoldRevPrinting "
    "bookFoldPrinting bookFoldPrintingSheets drawingGridHorizontalSpacing drawingGridVerticalSpacing "
    "displayHorizontalDrawingGridEvery displayVerticalDrawingGridEvery doNotUseMarginsForDrawingGridOrigin "
    "drawingGridHorizontalOrigin drawingGridVerticalOrigin doNotShadeFormData noPunctuationKerning "
    "characterSpacingControl printTwoOnOne strictFirstAndLastChars noLineBreaksAfter noLineBreaksBefore "
    "savePreviewPicture doNotValidateAgainstSchema saveInvalidXml ignoreMixedContent alwaysShowPlaceholderText "
    "doNotDemarcateInvalidXml saveXmlDataOnly useXSLTWhenSaving saveThroughXslt showXMLTags "
    "alwaysMergeEmptyNamespace updateFields hdrShapeDefaults footnotePr endnotePr compat docVars rsids "
    "mathPr attachedSchema themeFontLang clrSchemeMapping doNotIncludeSubdocsInStats "
    "doNotAutoCompressPictures forceUpgrade captions readModeInkLockDown smartTagType schemaLibrary "
    "shapeDefaults doNotEmbedSmartTags decimalSymbol listSeparator"
).split()


def _set_setting(settings, name: str, attrs: dict[str, str]) -> None:
    """Set <w:name attrs/> in settings.xml, keeping the schema's element order."""
    for old in settings.findall(qn(f"w:{name}")):
        settings.remove(old)
    attr_xml = "".join(f' w:{k}="{v}"' for k, v in attrs.items())
    el = parse_xml(f"<w:{name} {W}{attr_xml}/>")
    rank = _SETTINGS_ORDER.index(name)
    for i, child in enumerate(settings):
        local = child.tag.split("}")[-1]
        if child.tag.startswith("{" + settings.nsmap["w"]) and local in _SETTINGS_ORDER:
            if _SETTINGS_ORDER.index(local) > rank:
                settings.insert(i, el)
                return
        elif not child.tag.startswith("{" + settings.nsmap["w"]):
            # foreign elements (w14:docId, m:mathPr) keep their place
            if local == "mathPr" and _SETTINGS_ORDER.index("mathPr") > rank:
                settings.insert(i, el)
                return
            continue
    # before any trailing w14/w15 elements
    for i, child in enumerate(settings):
        if not child.tag.startswith("{" + settings.nsmap["w"]) and child.tag.split("}")[-1] != "mathPr":
            settings.insert(i, el)
            return
    settings.append(el)


def _settings(doc, update_fields: bool) -> None:
    s = doc.settings.element
    _set_setting(s, "defaultTabStop", {"val": "709"})
    _set_setting(s, "autoHyphenation", {})
    _set_setting(s, "hyphenationZone", {"val": "425"})
    _set_setting(s, "themeFontLang", {"val": "de-DE"})
    _set_setting(s, "decimalSymbol", {"val": ","})
    _set_setting(s, "listSeparator", {"val": ";"})
    if update_fields:
        _set_setting(s, "updateFields", {"val": "true"})
    for name in ("proofState",):
        for old in s.findall(qn(f"w:{name}")):
            s.remove(old)


# ---------------------------------------------------------------------------
# document building helpers


class Builder:
    """Thin helper around a python-docx Document with the IKZ styles."""

    def __init__(self, kind: str):
        self.kind = kind
        self.doc = Document()
        self._install_parts()
        body = self.doc.element.body
        for child in list(body):
            if child.tag != qn("w:sectPr"):
                body.remove(child)
        self._page_setup(self.doc.sections[0])
        self._header_footer(self.doc.sections[0])
        cp = self.doc.core_properties
        cp.title = ""
        cp.subject = ""
        cp.author = "IKZ-Lenkungsgruppe"
        cp.last_modified_by = "IKZ-Lenkungsgruppe"
        cp.comments = ""
        cp.keywords = "IKZ; Vorlage"
        cp.language = "de-DE"
        cp.category = "Vorlage"
        cp.revision = 1

    def style(self, style_id: str):
        """The style object with this style ID (names differ from IDs)."""
        el = self.doc.styles.element.get_by_id(style_id)
        if el is None:
            raise KeyError(style_id)
        return StyleFactory(el)

    # -- parts --
    def _install_parts(self) -> None:
        doc = self.doc
        styles_part = doc.part._styles_part
        styles_part._element = parse_xml(styles_xml().encode("utf-8"))
        numbering_part = doc.part.numbering_part
        numbering_part._element = parse_xml(numbering_xml().encode("utf-8"))
        for rid, rel in list(doc.part.rels.items()):
            if rel.reltype.endswith("/stylesWithEffects") or rel.reltype.endswith("/customXml"):
                doc.part.drop_rel(rid)
        _settings(doc, update_fields=self.kind == "jahresbericht")
        package = doc.part.package
        for rid, rel in list(package.rels.items()):
            if rel.reltype.endswith("/thumbnail"):
                package.rels.pop(rid)

    def _page_setup(self, section) -> None:
        section.page_width = PAGE_W * 635  # twips → EMU
        section.page_height = PAGE_H * 635
        section.top_margin = MARGIN_TOP * 635
        section.bottom_margin = MARGIN_BOTTOM * 635
        section.left_margin = MARGIN_LEFT * 635
        section.right_margin = MARGIN_RIGHT * 635
        section.header_distance = Cm(1.25)
        section.footer_distance = Cm(1.0)

    def _header_footer(self, section) -> None:
        header = section.header
        p = header.paragraphs[0]
        p.style = self.style("Header")
        p.text = ""
        p.add_run("{{ dokument.kopfzeile }}")
        footer = section.footer
        p = footer.paragraphs[0]
        p.style = self.style("Footer")
        p.text = ""
        p.add_run("Seite ")
        _field(p, "PAGE", "1")
        p.add_run(" von ")
        _field(p, "NUMPAGES", "1")

    # -- paragraphs --
    def p(self, *parts, style: str | None = None, align=None, keep_next: bool = False):
        """Paragraph from parts: str (normal) or ("text", "b") for bold."""
        para = self.doc.add_paragraph(style=self.style(style) if style else None)
        for part in parts:
            if isinstance(part, tuple):
                text, fmt = part
                run = para.add_run(text)
                run.bold = "b" in fmt
                run.italic = "i" in fmt
            else:
                para.add_run(part)
        if align == "center":
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if keep_next:
            para.paragraph_format.keep_with_next = True
        return para

    def tag(self, text: str):
        """A template-logic paragraph ({%p … %}); removed when rendering."""
        return self.p(text, style="IKZSteuerung")

    def text(self, var: str):
        """A rich text from the workbook: ``{{p var }}``."""
        return self.p(f"{{{{p {var} }}}}")

    def section(self, level: int, heading: str, var: str):
        """An optional section: heading and rich text, left out when the text is empty."""
        self.tag(f"{{%p if {var} %}}")
        self.h(level, heading)
        self.text(var)
        self.tag("{%p endif %}")

    def h(self, level: int, text: str):
        return self.p(text, style=f"Heading{level}")

    def page_break(self):
        para = self.doc.add_paragraph()
        para.add_run().add_break(WD_BREAK.PAGE)
        return para

    # -- tables --
    def table(self, header: list[str] | None, rows: list[list[str]], widths_cm: list[float],
              style: str = "IKZTabelle", cell_style: str = "IKZTabellentext"):
        n_rows = len(rows) + (1 if header else 0)
        table = self.doc.add_table(rows=n_rows, cols=len(widths_cm))
        table.style = self.style(style)
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        table.autofit = False
        _fixed_layout(table, widths_cm)
        all_rows = ([header] if header else []) + rows
        for r, values in enumerate(all_rows):
            row = table.rows[r]
            for c, value in enumerate(values):
                cell = row.cells[c]
                cell.width = Cm(widths_cm[c])
                para = cell.paragraphs[0]
                is_header = header is not None and r == 0
                para.style = self.style("IKZTabellenkopf" if is_header else cell_style)
                para.add_run(value)
                if is_header:
                    _shade(cell, HEADER_FILL)
            _cant_split(row)
            if header is not None and r == 0:
                _repeat_header(row)
        return table

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.doc.save(path)


def _field(paragraph, instr: str, placeholder: str) -> None:
    """Append a complex field (PAGE, NUMPAGES, …) to a paragraph."""
    p = paragraph._p
    p.append(parse_xml(f'<w:r {W}><w:fldChar w:fldCharType="begin"/></w:r>'))
    p.append(parse_xml(f'<w:r {W}><w:instrText xml:space="preserve"> {instr} </w:instrText></w:r>'))
    p.append(parse_xml(f'<w:r {W}><w:fldChar w:fldCharType="separate"/></w:r>'))
    p.append(parse_xml(f'<w:r {W}><w:t>{placeholder}</w:t></w:r>'))
    p.append(parse_xml(f'<w:r {W}><w:fldChar w:fldCharType="end"/></w:r>'))


def _shade(cell, fill: str) -> None:
    tcPr = cell._tc.get_or_add_tcPr()
    for old in tcPr.findall(qn("w:shd")):
        tcPr.remove(old)
    tcPr.append(parse_xml(f'<w:shd {W} w:val="clear" w:color="auto" w:fill="{fill}"/>'))


def _cant_split(row) -> None:
    trPr = row._tr.get_or_add_trPr()
    if trPr.find(qn("w:cantSplit")) is None:
        trPr.insert(0, parse_xml(f"<w:cantSplit {W}/>"))


def _repeat_header(row) -> None:
    trPr = row._tr.get_or_add_trPr()
    if trPr.find(qn("w:tblHeader")) is None:
        trPr.append(parse_xml(f"<w:tblHeader {W}/>"))


def _fixed_layout(table, widths_cm: list[float]) -> None:
    tblPr = table._tbl.tblPr
    for old in tblPr.findall(qn("w:tblLayout")):
        tblPr.remove(old)
    tblPr.append(parse_xml(f'<w:tblLayout {W} w:type="fixed"/>'))
    total = sum(int(Cm(w).twips) for w in widths_cm)
    for old in tblPr.findall(qn("w:tblW")):
        tblPr.remove(old)
    tblPr.append(parse_xml(f'<w:tblW {W} w:w="{total}" w:type="dxa"/>'))
    grid = table._tbl.tblGrid
    for gc, w in zip(grid.findall(qn("w:gridCol")), widths_cm):
        gc.set(qn("w:w"), str(int(Cm(w).twips)))


def _toc_field(builder: Builder) -> None:
    """A real Word TOC field (levels 1–3, hyperlinks). Its cached content is
    filled with the real headings when a document is rendered; LibreOffice
    (PDF stage) and Word (w:updateFields) then update the page numbers."""
    para = builder.doc.add_paragraph(style=builder.style("TOC1"))
    p = para._p
    p.append(parse_xml(f'<w:r {W}><w:fldChar w:fldCharType="begin" w:dirty="true"/></w:r>'))
    p.append(parse_xml(
        f'<w:r {W}><w:instrText xml:space="preserve"> TOC \\o "1-3" \\h \\z \\u </w:instrText></w:r>'))
    p.append(parse_xml(f'<w:r {W}><w:fldChar w:fldCharType="separate"/></w:r>'))
    p.append(parse_xml(
        f'<w:r {W}><w:t>Das Inhaltsverzeichnis wird beim Erzeugen des Dokuments eingefügt '
        f'(in Word: Rechtsklick › Felder aktualisieren).</w:t></w:r>'))
    p.append(parse_xml(f'<w:r {W}><w:fldChar w:fldCharType="end"/></w:r>'))


# ---------------------------------------------------------------------------
# shared blocks


def _dachzeile(b: Builder) -> None:
    b.p("Interkommunale Zusammenarbeit (IKZ) im {{ kreis.name }}", style="IKZDachzeile")


def _eckdaten(b: Builder, extra: list[list[str]]) -> None:
    rows = [
        ["Projekt-ID", "{{ projekt.id }}"],
        ["Projektart", "{{ projekt.art }}"],
    ] + extra
    b.table(None, rows, [4.5, 12.0], style="IKZRaster")
    b.p("")


def _projektgruppe_tabelle(b: Builder) -> None:
    b.tag("{%p if projektgruppe %}")
    b.p("In der Projektgruppe sind folgende Kommunen vertreten:", keep_next=True)
    t = b.table(["Kommune", "Funktion", "Vertreten durch"],
                [["{%tr for m in projektgruppe %}", "", ""],
                 ["{{ m.kommune }}", "{{ m.rolle_text }}", "{{ m.vertreter }}"],
                 ["{%tr endfor %}", "", ""]],
                [5.5, 3.5, 7.5])
    b.p("")
    b.tag("{%p endif %}")
    return t


def _projektgruppe_abschnitt(b: Builder) -> None:
    """Closing section of the Projektgruppe's reports: who takes part, who sends whom."""
    b.h(1, "Projektgruppe")
    b.p("Am Projekt beteiligen sich {{ beteiligte.anzahl_text }}: {{ beteiligte.namen }}.")
    _projektgruppe_tabelle(b)
    b.tag("{%p if projektleitung %}")
    b.p("Für die Projektgruppe: {{ projektleitung_text }} (Projektleitung)")
    b.tag("{%p endif %}")


def _projekt_kopf(b: Builder, title: str, rows: list[list[str]]) -> None:
    """Head of every project document: Dachzeile, title, project title, key facts table."""
    _dachzeile(b)
    b.p(title, style="Title")
    b.p("{{ projekt.titel }}", style="Subtitle")
    _eckdaten(b, [
        ["Auftraggeber", "Dienststellenleitungen der beteiligten Kommunen"],
        ["Beteiligte Kommunen", "{{ beteiligte.anzahl_text }}"],
        ["Projektleitung", "{{ projektleitung_text }}"],
    ] + rows)


# ---------------------------------------------------------------------------
# the four templates


def build_projektauftrag() -> Builder:
    b = Builder("projektauftrag")
    _projekt_kopf(b, "Projektauftrag", [
        ["Zeitraum", "{{ projekt.zeitraum }}"],
        ["Stand der Angaben", "{{ dokument.stand }}"],
    ])
    b.tag("{%p if projekt.uebergeordnet %}")
    b.p("Das Projekt setzt die Ergebnisse des IKZ-Projekts „{{ projekt.uebergeordnet }}“ um.")
    b.tag("{%p endif %}")

    b.section(1, "Ausgangslage", "projekt.ausgangslage")

    b.tag("{%p if projekt.ziele %}")
    b.h(1, "Ziele des Projekts")
    b.section(2, "Strategisches Ziel", "projekt.strategisches_ziel")
    b.section(2, "Operatives Ziel", "projekt.operatives_ziel")
    b.tag("{%p endif %}")

    b.section(1, "Projektgegenstand", "projekt.projektgegenstand")

    b.h(1, "Arbeitsabschnitte und Zeitplan")
    b.p("Das Projekt wird nach dem standardisierten Ablauf der kreisweiten IKZ-Prüfprojekte in folgenden "
        "Arbeitsabschnitten bearbeitet. Der Zeitplan wird im Projektablaufplan (Arbeitsabschnitt 1) mit den "
        "Auftraggebern abgestimmt.", keep_next=True)
    b.table(["Nr.", "Arbeitsabschnitt", "Termin"],
            [["", "{%tr for a in abschnitte %}", ""],
             ["{{ a.nummer_text }}", "{{ a.text }}", "{{ a.termin }}"],
             ["", "{%tr endfor %}", ""]],
            [1.2, 11.8, 3.5])
    b.p("")
    b.tag("{%p if zeitplan %}")
    b.p("{{ zeitplan }}", align="center", keep_next=True)
    b.p("Abbildung: Zeitplan der Arbeitsabschnitte (geplante bzw. erreichte Termine)", style="Caption")
    b.tag("{%p endif %}")

    b.h(1, "Projektorganisation")
    b.h(2, "Beteiligte Kommunen")
    b.p("Am Projekt beteiligen sich {{ beteiligte.anzahl_text }}: {{ beteiligte.namen }}.")
    b.h(2, "Projektleitung und Projektgruppe")
    b.p("Die Projektgruppe setzt sich aus Mitarbeiterinnen und Mitarbeitern der beteiligten Kommunen sowie der "
        "Leitung der IKZ-Lenkungsgruppe zusammen.")
    _projektgruppe_tabelle(b)
    b.tag("{%p if beteiligte.ohne_vertretung %}")
    b.p("Ohne eigene Vertretung in der Projektgruppe beteiligt: {{ beteiligte.ohne_vertretung }}. Die "
        "Dienststellenleitungen dieser Kommunen werden durch die IKZ-Lenkungsgruppe regelmäßig über den "
        "Projektverlauf informiert und in Entscheidungen über Projekt-Milestones einbezogen.")
    b.tag("{%p endif %}")
    b.h(2, "Rolle der IKZ-Lenkungsgruppe")
    b.p("Die IKZ-Lenkungsgruppe (Leitung: {{ lenkungsgruppe.leitung }}) hat diesen Projektauftrag vorbereitet und "
        "mit allen Dienststellenleitungen abgestimmt. Sie steuert das Projekt, organisiert methodische und "
        "fachliche Unterstützung, nimmt die Berichte der Projektgruppe (Zwischenbericht, Schlussbericht) ab und "
        "bereitet die Entscheidungen der Auftraggeber über Projekt-Milestones vor, z. B. über den Zeitrahmen und "
        "das weitere Vorgehen nach dem Zwischen- und dem Schlussbericht.")

    b.h(1, "Auftragserteilung")
    b.p("Mit ihrer Unterschrift erteilen die Dienststellenleitungen der beteiligten Kommunen der Projektgruppe "
        "den vorstehenden Projektauftrag.", keep_next=True)
    _signatures(b)
    return b


def _signatures(b: Builder) -> None:
    """One table row per participating Kommune: Ort/Datum line and signature
    line with the caption "Unterschrift <Kommune>" (the PDF stage places the
    signature field on that line). Rows cannot split across pages."""
    table = b.doc.add_table(rows=3, cols=2)
    table.style = b.style("IKZOhneRahmen")
    table.autofit = False
    widths = [6.0, 10.5]
    _fixed_layout(table, widths)
    table.rows[0].cells[0].paragraphs[0].add_run("{%tr for u in unterschriften %}")
    table.rows[2].cells[0].paragraphs[0].add_run("{%tr endfor %}")
    row = table.rows[1]
    left, right = row.cells
    left.width, right.width = Cm(widths[0]), Cm(widths[1])
    p = left.paragraphs[0]
    p.style = b.style("IKZUnterschriftLinie")
    p.add_run("{{ u.ort }}, den")
    p = left.add_paragraph(style=b.style("IKZUnterschrift"))
    p.add_run("Ort, Datum")
    p = right.paragraphs[0]
    p.style = b.style("IKZUnterschriftLinie")
    p = right.add_paragraph(style=b.style("IKZUnterschrift"))
    p.add_run("{{ u.beschriftung }}")
    p = right.add_paragraph(style=b.style("IKZUnterzeichner"))
    p.add_run("{{ u.unterzeichner }}")
    for r in table.rows:
        _cant_split(r)


def build_zwischenbericht() -> Builder:
    b = Builder("zwischenbericht")
    _projekt_kopf(b, "Zwischenbericht der Projektgruppe", [
        ["Datum des Berichts", "{{ dokument.stand }}"],
    ])
    b.p("Mit diesem Zwischenbericht (Arbeitsabschnitt II des standardisierten Projektablaufs) unterrichtet die "
        "Projektgruppe die Auftraggeber über die Ergebnisse der Ist-Analyse, der Prüfung der Vorteilhaftigkeit "
        "einer interkommunalen Zusammenarbeit und ihr Fazit.")
    b.section(1, "Ausgangslage", "projekt.ausgangslage")
    b.section(1, "Ist-Analyse", "projekt.ist_analyse")
    b.section(1, "Vorteilhaftigkeit einer interkommunalen Zusammenarbeit", "projekt.vorteile")
    b.tag("{%p if projektbericht.fazit or projekt.begruendung %}")
    b.h(1, "Fazit")
    b.tag("{%p if projektbericht.fazit %}")
    b.p("{{ projektbericht.fazit }}", style="IKZFazit")
    b.tag("{%p endif %}")
    b.section(2, "Begründung", "projekt.begruendung")
    b.tag("{%p endif %}")
    b.section(1, "Beschlussvorschlag", "projekt.beschlussvorschlag")
    _projektgruppe_abschnitt(b)
    return b


def build_schlussbericht() -> Builder:
    b = Builder("schlussbericht")
    _projekt_kopf(b, "Schlussbericht der Projektgruppe", [
        ["Datum des Berichts", "{{ dokument.stand }}"],
    ])
    b.p("Mit diesem Schlussbericht (Arbeitsabschnitt III des standardisierten Projektablaufs) legt die "
        "Projektgruppe den Auftraggebern die Ergebnisse des Projekts und ihre Empfehlung vor.")
    b.section(1, "Ausgangslage", "projekt.ausgangslage")
    b.tag("{%p if projekt.sachstand or projekt.ist_analyse or projekt.vorteile %}")
    b.h(1, "Projektverlauf")
    b.text("projekt.sachstand")
    b.text("projekt.ist_analyse")
    b.text("projekt.vorteile")
    b.tag("{%p endif %}")
    b.section(1, "Soll-Konzeption", "projekt.soll_konzeption")
    b.tag("{%p if foerdermittel %}")
    b.h(1, "Fördermittel")
    b.tag("{%p for f in foerdermittel %}")
    b.text("f.text")
    b.tag("{%p endfor %}")
    b.tag("{%p endif %}")
    b.section(1, "Ergebnis", "projekt.ergebnis")
    b.tag("{%p if projektbericht.fazit or projekt.folgeprojekte %}")
    b.h(1, "Empfehlung")
    b.tag("{%p if projektbericht.fazit %}")
    b.p("{{ projektbericht.fazit }}", style="IKZFazit")
    b.tag("{%p endif %}")
    b.tag("{%p if projekt.folgeprojekte %}")
    b.p("Aus dem Projekt hervorgegangen bzw. vorgesehen:", keep_next=True)
    b.tag("{%p for f in projekt.folgeprojekte %}")
    b.p("{{ f.text }}", style="ListBullet")
    b.tag("{%p endfor %}")
    b.tag("{%p endif %}")
    b.tag("{%p endif %}")
    b.section(1, "Beschlussvorschlag", "projekt.beschlussvorschlag")
    b.section(1, "Ausblick", "projekt.ausblick")
    _projektgruppe_abschnitt(b)
    return b


def _liste(b: Builder, name: str, *intro) -> None:
    b.tag(f"{{%p if listen.{name} %}}")
    b.p(*intro, keep_next=True)
    b.tag(f"{{%p for eintrag in listen.{name} %}}")
    b.p("{{ eintrag }}", style="ListBullet")
    b.tag("{%p endfor %}")
    b.tag("{%p endif %}")


def build_jahresbericht() -> Builder:
    b = Builder("jahresbericht")
    doc = b.doc
    # -- title page (own section without header and footer) --
    _dachzeile(b)
    b.p("{{ bericht.titel }}", style="Title")
    b.p("(Stand: {{ bericht.stand }})", style="Subtitle")
    b.text("texte.einleitung")
    b.tag("{%p if kontakt.zeilen %}")
    b.p("Für Rückfragen zum Bericht oder zu einzelnen IKZ-Projekten und -Umsetzungsmaßnahmen steht als "
        "Ansprechperson der IKZ-Lenkungsgruppe gerne zur Verfügung:", keep_next=True)
    b.tag("{%p for zeile in kontakt.zeilen %}")
    b.p("{{ zeile }}", style="IKZKontakt", keep_next=True)
    b.tag("{%p endfor %}")
    b.p("")
    b.tag("{%p endif %}")
    b.tag("{%p if kontakt.website %}")
    b.p("Weitere Informationen unter {{ kontakt.website }}.")
    b.tag("{%p endif %}")
    b.p("Herausgeber: {{ bericht.herausgeber }}", style="IKZHinweis")
    doc.add_section(WD_SECTION.NEW_PAGE)
    first = doc.sections[0]
    first.different_first_page_header_footer = True
    for part in (first.first_page_header, first.first_page_footer):
        part.paragraphs[0].text = ""
        part.paragraphs[0].style = b.style("Normal")

    # -- Inhalt --
    b.p("Inhalt", style="TOCHeading")
    _toc_field(b)
    b.page_break()

    # -- 1 Überblick --
    b.h(1, "Überblick über die kreisweiten IKZ-Projekte und -Umsetzungsmaßnahmen")
    _liste(b, "abgeschlossen", "Die folgenden IKZ-Projekte und -Umsetzungsmaßnahmen wurden ",
           ("im Berichtszeitraum ({{ bericht.zeitraum_kurz }}) abgeschlossen", "b"), ":")
    _liste(b, "laufend", "Die folgenden IKZ-Projekte wurden ",
           ("im Berichtszeitraum neu gestartet bzw. befanden sich im Berichtszeitraum weiterhin in Bearbeitung",
            "b"), ":")
    _liste(b, "umgesetzt", "Die folgenden IKZ-Projekte wurden ",
           ("seit dem Start des kreisweiten IKZ-Prozesses {{ bericht.startjahr }} bis vor Beginn des "
            "Berichtszeitraums bereits erfolgreich umgesetzt", "b"), ":")
    b.tag("{%p if listen.umgesetzt %}")
    b.p("Über diese Projekte und Umsetzungsmaßnahmen enthalten die IKZ-Jahresberichte {{ bericht.startjahr }} – "
        "{{ bericht.vorjahr }} weitere Informationen.")
    b.tag("{%p endif %}")
    _liste(b, "ohne_kooperation", "Aus den folgenden IKZ-Prüfprojekten seit {{ bericht.startjahr }} sind nach "
           "ihrem Abschluss aus unterschiedlichen Gründen ", ("bislang keine kreisweiten Kooperationen "
           "hervorgegangen", "b"), " oder eine ", ("IKZ-Umsetzung steht noch bevor", "b"), " oder Kommunen haben ",
           ("externe Stellen mit der Erbringung der Dienstleistung beauftragt", "b"), ":")
    b.text("texte.projektauswahl")
    b.tag("{%p for f in foerdermittel %}")
    b.text("f.text")
    b.tag("{%p endfor %}")
    b.text("texte.oertliche_initiativen")
    b.tag("{%p for i in initiativen %}")
    b.text("i.text")
    b.tag("{%p endfor %}")
    b.tag("{%p if beteiligung %}")
    b.p("Die ", ("Beteiligung der {{ kreis.anzahl_kommunen }} Kreiskommunen", "b"),
        " ({{ kreis.zusammensetzung }}) an den kreisweiten IKZ-Projekten und -Umsetzungsmaßnahmen im Jahr "
        "{{ bericht.jahr }} (Stand: {{ bericht.stand_lang }}) ist der folgenden Abbildung und der anschließenden "
        "Übersicht zu entnehmen:")
    b.tag("{%p if diagramm %}")
    b.p("{{ diagramm }}", align="center", keep_next=True)
    b.p("Abbildung: Zahl der beteiligten Kreiskommunen je IKZ-Projekt {{ bericht.jahr }}", style="Caption")
    b.tag("{%p endif %}")
    b.p("{{p beteiligung }}")
    b.tag("{%p endif %}")
    b.tag("{%p if projekte %}")
    b.p("Auf den folgenden Seiten werden die im Berichtszeitraum von {{ bericht.zeitraum }} realisierten "
        "interkommunalen Kooperationen sowie die aktuell in Bearbeitung befindlichen IKZ-Projekte detaillierter "
        "dargestellt.")
    b.tag("{%p endif %}")

    # -- 1.1 --
    b.tag("{%p if projekte %}")
    b.h(2, "Sachstand der aktuellen IKZ-Projekte und -Umsetzungsmaßnahmen")
    b.tag("{%p for p in projekte %}")
    b.h(3, "{{ p.titel }}")
    b.text("p.ausgangslage")
    b.tag("{%p if p.ziele %}")
    b.p("Folgende ", ("Ziele", "b"), " werden mit dem Projekt verfolgt:", keep_next=True)
    b.tag("{%p if p.strategisches_ziel %}")
    b.p(("Strategisches Ziel:", "b"), keep_next=True)
    b.text("p.strategisches_ziel")
    b.tag("{%p endif %}")
    b.tag("{%p if p.operatives_ziel %}")
    b.p(("Operatives Ziel:", "b"), keep_next=True)
    b.text("p.operatives_ziel")
    b.tag("{%p endif %}")
    b.tag("{%p endif %}")
    b.text("p.sachstand")
    b.text("p.vorteile")
    b.tag("{%p for f in p.folgeprojekte_text %}")
    b.p(("{{ f.text }}", "b"), keep_next=True)
    b.text("f.ausgangslage")
    b.text("f.sachstand")
    b.text("f.ausblick")
    b.tag("{%p endfor %}")
    b.text("p.ausblick")
    b.tag("{%p endfor %}")
    b.tag("{%p endif %}")

    # -- 1.2 --
    b.h(2, "Beispiel für standardisierten Projektablauf")
    b.text("ablauf.vor")
    b.tag("{%p if not ablauf.mit_ueberleitung %}")
    b.p("Alle IKZ-Prüfprojekte gliedern sich in folgende Arbeitsabschnitte:", keep_next=True)
    b.tag("{%p endif %}")
    b.tag("{%p for a in arbeitsabschnitte %}")
    b.tag("{%p if a.vorbemerkung %}")
    b.p("{{ a.vorbemerkung }}", keep_next=True)
    b.tag("{%p endif %}")
    b.tag("{%p if a.phase %}")
    b.p("{{ a.nummer_text }}\t{{ a.text }}", style="IKZMeilenstein")
    b.tag("{%p else %}")
    b.p("{{ a.nummer_text }}\t{{ a.text }}", style="IKZAbschnitt")
    b.tag("{%p endif %}")
    b.tag("{%p endfor %}")
    b.tag("{%p if ablauf.bild %}")
    b.p("Die o. g. Standards jedes kreisweiten IKZ-Projekts illustriert auch die folgende Abbildung:",
        keep_next=True)
    b.p("{{ ablauf.bild }}", align="center", keep_next=True)
    b.p("Abbildung: Standardisierter Ablauf eines IKZ-Prüfprojekts", style="Caption")
    b.tag("{%p endif %}")
    b.text("ablauf.nach")

    # -- 2 --
    b.tag("{%p if massnahmen %}")
    b.h(1, "IKZ-unterstützende Maßnahmen")
    b.tag("{%p if texte.lenkungsgruppe or lenkungsgruppe.gruppen %}")
    b.h(2, "Steuerung des IKZ-Prozesses")
    b.text("texte.lenkungsgruppe")
    b.tag("{%p if lenkungsgruppe.gruppen %}")
    b.tag("{%p if not texte.lenkungsgruppe %}")
    b.p("Die IKZ-Lenkungsgruppe besteht aus {{ lenkungsgruppe.anzahl_text }} Mitgliedern und setzt sich im "
        "Berichtszeitraum vom {{ bericht.zeitraum_datum }} wie folgt zusammen:", keep_next=True)
    b.tag("{%p endif %}")
    b.table(["Funktion", "Mitglieder"],
            [["{%tr for g in lenkungsgruppe.gruppen %}", ""],
             ["{{ g.funktion }}", "{%p for m in g.mitglieder %}"],
             ["{%tr endfor %}", ""]],
            [7.0, 9.5])
    _lenkungsgruppe_cell(b)
    b.p("")
    b.tag("{%p endif %}")
    b.tag("{%p endif %}")

    b.tag("{%p if texte.fortbildungen or fortbildungen %}")
    b.h(2, "Organisation von Fortbildungen für Projektmanagement")
    b.text("texte.fortbildungen")
    b.tag("{%p if fortbildungen %}")
    b.table(["Fortbildung", "Format", "Teilnehmende", "aus Kommunen"],
            [["{%tr for t in fortbildungen %}", "", "", ""],
             ["{{ t.thema }}", "{{ t.format }}", "{{ t.teilnehmende }}", "{{ t.kommunen }}"],
             ["{%tr endfor %}", "", "", ""]],
            [6.0, 5.0, 2.75, 2.75])
    b.p("")
    b.tag("{%p endif %}")
    b.tag("{%p endif %}")

    b.tag("{%p if texte.arbeitsgruppen or arbeitsgruppen %}")
    b.h(2, "Kontinuierliche IKZ-Arbeitsgruppen")
    b.text("texte.arbeitsgruppen")
    b.tag("{%p for g in arbeitsgruppen %}")
    b.text("g.text")
    b.tag("{%p endfor %}")
    b.tag("{%p endif %}")

    b.tag("{%p if texte.informationsmanagement or presse %}")
    b.h(2, "Informationsmanagement")
    b.text("texte.informationsmanagement")
    b.tag("{%p for m in presse %}")
    b.p(("{{ m.medium }}", "b"), " ({{ m.angaben }}): „{{ m.titel }}“", style="ListBullet", keep_next=True)
    b.text("m.text")
    b.tag("{%p if m.link %}")
    b.p("Download: {{ m.link }}", style="IKZHinweis")
    b.tag("{%p endif %}")
    b.tag("{%p endfor %}")
    b.tag("{%p endif %}")

    b.section(2, "Weitere IKZ-fördernde Aktivitäten", "texte.weitere_aktivitaeten")

    b.section(2, "Ausblick", "texte.ausblick")
    b.tag("{%p endif %}")

    b.p("")
    b.p("{{ bericht.ansprechpartner }}", keep_next=True)
    b.p("für die {{ bericht.herausgeber }}", style="IKZHinweis")
    return b


def _lenkungsgruppe_cell(b: Builder) -> None:
    """Second cell of the Lenkungsgruppe row: one paragraph per member."""
    table = b.doc.tables[-1]
    cell = table.rows[2].cells[1]
    cell.paragraphs[0].style = b.style("IKZTabellentext")
    p = cell.add_paragraph(style=b.style("IKZTabellentext"))
    p.add_run("{{ m }}")
    p = cell.add_paragraph(style=b.style("IKZTabellentext"))
    p.add_run("{%p endfor %}")


BUILDERS = {
    "projektauftrag": build_projektauftrag,
    "zwischenbericht": build_zwischenbericht,
    "schlussbericht": build_schlussbericht,
    "jahresbericht": build_jahresbericht,
}


def build_all(target: Path = TEMPLATES) -> list[Path]:
    paths = []
    for kind, build in BUILDERS.items():
        path = target / f"{kind}.docx"
        build().save(path)
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    target = Path(argv[0]) if argv else TEMPLATES
    for path in build_all(target):
        print(f"Vorlage geschrieben: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
