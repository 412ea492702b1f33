"""Word layout shared by the summary and the feedback letters (python-docx + raw lxml where it must be fast).

Fonts follow TECH-NOTES: `run.font.name` only fills the Latin slots and the default template's theme
attributes override explicit fonts, so we set `w:eastAsia` on docDefaults, Normal and the heading
styles, delete every `*Theme`/`*theme` attribute of `w:rFonts` in styles.xml and declare
`<w:lang w:eastAsia="zh-CN"/>`. Table rows are built as lxml `w:tr` elements: python-docx's
`table.add_row()` looks the grid up on every call and grows superlinearly.
"""
from __future__ import annotations

import re
from copy import deepcopy as _deepcopy
from typing import Sequence

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from lxml import etree

from consult.exports.records import Fonts

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_TR, _TC, _P, _R, _T, _BR = (f"{{{W_NS}}}{n}" for n in ("tr", "tc", "p", "r", "t", "br"))
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
BODY_STYLE = "Body Text"
HEADING_SIZES = {1: 16, 2: 15, 3: 14}  # points; deeper levels use 14


def xml_text(value) -> str:
    """Text safe for XML: control characters that Word cannot store are dropped."""
    text = "" if value is None else str(value)
    return _NOT_XML.sub("", text) if _NOT_XML.search(text) else text


def new_document(fonts: Fonts):
    """An A4 portrait document (GB/T 9704 margins) with Chinese fonts set and theme fonts removed."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    configure_styles(doc, fonts)
    add_page_number_footer(section)
    return doc


def _set_fonts(rpr, name: str) -> None:
    rfonts = rpr.get_or_add_rFonts()  # python-docx keeps the schema order of rPr children
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(slot), name)


def _set_size(rpr, points: float) -> None:
    sz = rpr.get_or_add_sz()
    sz.set(qn("w:val"), str(int(points * 2)))
    sz_cs = rpr.find(qn("w:szCs"))
    if sz_cs is None:
        sz_cs = etree.Element(qn("w:szCs"))
        sz.addnext(sz_cs)
    sz_cs.set(qn("w:val"), str(int(points * 2)))


def _drop(parent, *tags: str) -> None:
    for tag in tags:
        for el in parent.findall(qn(tag)):
            parent.remove(el)


def remove_theme_fonts(styles_element) -> None:
    """Delete every theme font attribute (asciiTheme, eastAsiaTheme, hAnsiTheme, cstheme) in styles."""
    for rfonts in styles_element.iter(qn("w:rFonts")):
        for attr in list(rfonts.attrib):
            if etree.QName(attr).localname.lower().endswith("theme"):
                del rfonts.attrib[attr]


def configure_styles(doc, fonts: Fonts) -> None:
    """docDefaults, Normal, Body Text, Title and Heading 1–9 in the official fonts, black, no theme fonts."""
    styles = doc.styles
    root = styles.element
    remove_theme_fonts(root)
    defaults = root.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr, fonts.body)
    _set_size(rpr, 10.5)  # table text (五号); running text uses Body Text at 16 pt
    lang = rpr.find(qn("w:lang"))
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")

    normal = styles["Normal"]
    normal.font.name = fonts.body
    _set_fonts(normal.element.get_or_add_rPr(), fonts.body)

    body = styles[BODY_STYLE]
    _drop(body.element.get_or_add_pPr(), "w:spacing")
    body.paragraph_format.first_line_indent = Pt(32)
    body.paragraph_format.line_spacing = Pt(28)
    body.paragraph_format.space_after = Pt(0)
    _set_fonts(body.element.get_or_add_rPr(), fonts.body)
    _set_size(body.element.get_or_add_rPr(), 16)

    title = styles["Title"]
    title_rpr = title.element.get_or_add_rPr()
    _drop(title_rpr, "w:color", "w:spacing", "w:kern")
    _drop(title.element.get_or_add_pPr(), "w:pBdr")
    _set_fonts(title_rpr, fonts.title)
    _set_size(title_rpr, 22)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_after = Pt(16)

    for level in range(1, 10):
        heading = styles[f"Heading {level}"]
        h_rpr = heading.element.get_or_add_rPr()
        _drop(h_rpr, "w:color", "w:b", "w:bCs", "w:i", "w:iCs")
        _set_fonts(h_rpr, fonts.heading)
        _set_size(h_rpr, HEADING_SIZES.get(level, 14))
        heading.paragraph_format.space_before = Pt(12)
        heading.paragraph_format.space_after = Pt(6)
    _set_size(styles["Table Grid"].element.get_or_add_rPr(), 10.5)


def add_page_number_footer(section) -> None:
    """Centre a PAGE field in the footer (python-docx has no field API: fldChar begin/instrText/end)."""
    footer = section.footer
    footer.is_linked_to_previous = False
    paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("— ")
    run = paragraph.add_run()
    begin = etree.SubElement(run._r, qn("w:fldChar"))
    begin.set(qn("w:fldCharType"), "begin")
    instr = etree.SubElement(run._r, qn("w:instrText"))
    instr.set(_XML_SPACE, "preserve")
    instr.text = " PAGE "
    separate = etree.SubElement(run._r, qn("w:fldChar"))
    separate.set(qn("w:fldCharType"), "separate")
    etree.SubElement(run._r, qn("w:t")).text = "1"
    end = etree.SubElement(run._r, qn("w:fldChar"))
    end.set(qn("w:fldCharType"), "end")
    paragraph.add_run(" —")


def start_landscape_section(doc):
    """Begin a new landscape A4 section (page numbers continue through the linked footer)."""
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.top_margin, section.bottom_margin = Mm(25), Mm(25)
    section.left_margin, section.right_margin = Mm(25), Mm(25)
    section.footer.is_linked_to_previous = True
    return section


def add_title(doc, text: str):
    """The document title in the Title style (小标宋 22 pt, centred)."""
    return doc.add_paragraph(xml_text(text), style="Title")


def add_letterhead(doc, issuing_body: str, doc_number: str = ""):
    """发文机关标志 (the issuing body, red, centred, over a red rule) and the 文号 at the right below it."""
    head = doc.add_paragraph(style="Title")
    run = head.add_run(xml_text(issuing_body))
    run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
    p_pr = head._p.get_or_add_pPr()  # w:pBdr goes before w:spacing in pPr: add it first
    borders = etree.SubElement(p_pr, qn("w:pBdr"))
    bottom = etree.SubElement(borders, qn("w:bottom"))
    for key, value in (("w:val", "single"), ("w:sz", "12"), ("w:space", "4"), ("w:color", "C00000")):
        bottom.set(qn(key), value)
    head.paragraph_format.space_after = Pt(4)
    if doc_number:
        number = add_body(doc, doc_number, indent=False)
        number.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        number.paragraph_format.space_after = Pt(12)
    return head


def add_heading(doc, text: str, level: int):
    """A heading in Word's Heading N style, so it shows in the navigation pane."""
    return doc.add_heading(xml_text(text), level=max(1, min(level, 9)))


def add_body(doc, text: str, *, indent: bool = True, center: bool = False):
    """A paragraph of running text (仿宋 16 pt, first-line indent of two characters)."""
    paragraph = doc.add_paragraph(xml_text(text), style=BODY_STYLE)
    if not indent or center:
        paragraph.paragraph_format.first_line_indent = Pt(0)
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return paragraph


class FastTable:
    """A table with a repeating bold header row whose data rows are appended as raw `w:tr` elements."""

    def __init__(self, doc, headers: Sequence[str], widths_mm: Sequence[float]):
        """Create the table with its header row (marked `w:tblHeader`) and fixed column widths."""
        self.table = doc.add_table(rows=1, cols=len(headers))
        self.table.style = doc.styles["Table Grid"]
        self.table.autofit = False
        tbl = self.table._tbl
        tbl_pr = tbl.tblPr
        layout = etree.SubElement(tbl_pr, qn("w:tblLayout"))
        layout.set(qn("w:type"), "fixed")
        for col, width in zip(self.table.columns, widths_mm):
            col.width = Mm(width)
        header = self.table.rows[0]
        tr_pr = header._tr.get_or_add_trPr()
        etree.SubElement(tr_pr, qn("w:tblHeader"))
        for cell, text, width in zip(header.cells, headers, widths_mm):
            cell.width = Mm(width)
            paragraph = cell.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = paragraph.add_run(text)
            run.bold = True
            run.font.name = None
        self._tbl = tbl
        self._template = _row_template(len(headers))
        self.rows = 0

    def append(self, values: Sequence) -> None:
        """Append one data row (a deep copy of a prebuilt `w:tr`); newlines inside a value become breaks."""
        tr = _deepcopy(self._template)
        for t, value in zip(list(tr.iter(_T)), values):
            text = value if isinstance(value, str) else "" if value is None else str(value)
            if not text:
                run = t.getparent()
                run.getparent().remove(run)  # an empty cell keeps only its paragraph (less memory)
                continue
            if _NOT_XML.search(text):
                text = _NOT_XML.sub("", text)
            lines = text.split("\n")
            _set_text(t, lines[0])
            run = t.getparent()
            for line in lines[1:]:
                etree.SubElement(run, _BR)
                _set_text(etree.SubElement(run, _T), line)
        self._tbl.append(tr)
        self.rows += 1


def _set_text(t, text: str) -> None:
    t.text = text
    if text[:1].isspace() or text[-1:].isspace():
        t.set(_XML_SPACE, "preserve")


def _row_template(columns: int):
    """A `w:tr` with one empty run per cell; each data row is a deep copy of it (3× cheaper than building)."""
    tr = etree.Element(_TR)
    for _ in range(columns):
        tc = etree.SubElement(tr, _TC)
        etree.SubElement(etree.SubElement(etree.SubElement(tc, _P), _R), _T)
    return tr
