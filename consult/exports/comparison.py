"""The comparison table 《……修改对照表》: a pure builder, `ComparisonData` in and a .docx out.

The form drafting offices use (立法法 第五十八条 asks for one with amendment bills): a landscape table
原条文 | 修改后条文 | 修改说明 in the text order of the new version, chapter headings as rows merged across
the three columns, deleted articles in their old place. Removed text is struck through in the old
column, inserted text underlined in the new one (character level, see `redline.py`); the article label
is set in the heading font. 修改说明 says what happened to the article and lists the comments on the old
article(s) that were adopted or partly adopted, counted by source.

Typography as the summary (DOMAIN.md §3, `wordlayout.py`): 仿宋 body, 黑体 headings, 小标宋 title, East-Asian
font slots set, theme fonts removed, header row repeated on every page. tests/exports/test_comparison.py
renders the table with LibreOffice.
"""
from __future__ import annotations

from typing import IO

from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Mm
from lxml import etree

from consult.comments.vocabulary import LINK_KIND, LINK_SHAPE
from consult.exports.comparison_data import ComparisonData, ComparisonRow, adopted_note
from consult.exports.records import Fonts
from consult.exports.redline import Span
from consult.exports.wordlayout import FastTable, add_body, add_title, new_document, xml_text

HEADERS = ("原条文", "修改后条文", "修改说明")
# 247 mm: landscape A4 minus 25 mm margins; the two texts get equal room.
WIDTHS_MM = (96, 96, 55)
STATUS_WORDS = {"modified": LINK_KIND.formal("modified"), "added": "新增", "deleted": "删去",
                "merged": LINK_SHAPE.formal("merge"), "split": LINK_SHAPE.formal("split"),
                "unchanged": LINK_KIND.formal("unchanged")}
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def comparison_title(draft_title: str) -> str:
    """《……》修改对照表."""
    return f"《{draft_title}》修改对照表"


def build_comparison(data: ComparisonData, out: str | IO[bytes], *, fonts: Fonts = Fonts()) -> int:
    """Write the comparison table .docx to `out` (a path or a binary file); return the number of article rows."""
    doc = new_document(fonts)
    _landscape(doc.sections[0])
    add_title(doc, comparison_title(data.draft_title))
    add_body(doc, f"（{data.from_label} → {data.to_label}）", center=True)
    add_body(doc, summary_line(data), indent=False)
    if not data.confirmed:
        add_body(doc, "注：新旧条文的对应关系为系统比对结果，尚未经工作人员确认。", indent=False)
    if data.changed_only:
        add_body(doc, "本表仅列出有修改的条文。", indent=False)
    table = FastTable(doc, HEADERS, WIDTHS_MM)
    writer = _Rows(table._tbl, fonts)
    articles = 0
    for row in data.rows:
        if row.kind == "division":
            writer.heading(row.heading)
        else:
            writer.articles(row)
            articles += 1
    doc.save(out)
    return articles


def summary_line(data: ComparisonData) -> str:
    """共 12 条：修改 3 条，新增 1 条，删去 1 条，合并 1 处，拆分 1 处，未修改 5 条。"""
    counts = data.counts()
    parts = [f"{STATUS_WORDS[s]} {counts[s]} {'处' if s in ('merged', 'split') else '条'}"
             for s in ("modified", "added", "deleted", "merged", "split", "unchanged") if counts.get(s)]
    return f"共 {sum(counts.values())} 项：{'，'.join(parts) or '无'}。"


def _landscape(section) -> None:
    """The whole document is one landscape A4 section (the table needs the width), page numbers kept."""
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.top_margin, section.bottom_margin = Mm(25), Mm(25)
    section.left_margin, section.right_margin = Mm(25), Mm(25)


class _Rows:
    """Appends rows as raw `w:tr` elements: rich runs (strike / underline) python-docx cannot make fast."""

    def __init__(self, tbl, fonts: Fonts):
        self.tbl = tbl
        self.fonts = fonts

    def heading(self, text: str) -> None:
        """A chapter/section heading: one cell spanning the three columns, centred, in the heading font."""
        tr = etree.SubElement(self.tbl, qn("w:tr"))
        tc = etree.SubElement(tr, qn("w:tc"))
        tc_pr = etree.SubElement(tc, qn("w:tcPr"))
        etree.SubElement(tc_pr, qn("w:gridSpan")).set(qn("w:val"), str(len(HEADERS)))
        p = self._paragraph(tc, center=True)
        self._run(p, text, font=self.fonts.heading)

    def articles(self, row: ComparisonRow) -> None:
        """One row: old articles with deletions struck, new ones with insertions underlined, the note."""
        old_blocks, new_blocks = row.columns()
        tr = etree.SubElement(self.tbl, qn("w:tr"))
        etree.SubElement(etree.SubElement(tr, qn("w:trPr")), qn("w:cantSplit")).set(qn("w:val"), "0")
        for blocks, mark in ((old_blocks, "strike"), (new_blocks, "underline")):
            tc = etree.SubElement(tr, qn("w:tc"))
            if not blocks:
                self._paragraph(tc)
            for article, lines in blocks:
                for index, spans in enumerate(lines or [[]]):
                    p = self._paragraph(tc)
                    if index == 0:
                        self._run(p, article.heading + "\u3000", font=self.fonts.heading)
                    for span in spans:
                        self._run(p, span.text, mark=mark if span.marked else None)
        tc = etree.SubElement(tr, qn("w:tc"))
        note = adopted_note(row)
        for line in note or [""]:
            self._run(self._paragraph(tc), line)

    @staticmethod
    def _paragraph(tc, center: bool = False):
        p = etree.SubElement(tc, qn("w:p"))
        if center:
            p_pr = etree.SubElement(p, qn("w:pPr"))
            etree.SubElement(p_pr, qn("w:jc")).set(qn("w:val"), "center")
        return p

    @staticmethod
    def _run(p, text: str, *, mark: str | None = None, font: str | None = None) -> None:
        text = xml_text(text)
        if not text:
            return
        r = etree.SubElement(p, qn("w:r"))
        if mark or font:
            r_pr = etree.SubElement(r, qn("w:rPr"))  # children in schema order: rFonts, strike, u
            if font:
                fonts = etree.SubElement(r_pr, qn("w:rFonts"))
                for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
                    fonts.set(qn(slot), font)
            if mark == "strike":
                etree.SubElement(r_pr, qn("w:strike"))
            elif mark == "underline":
                etree.SubElement(r_pr, qn("w:u")).set(qn("w:val"), "single")
        t = etree.SubElement(r, qn("w:t"))
        t.text = text
        if text[:1].isspace() or text[-1:].isspace():
            t.set(_XML_SPACE, "preserve")


def marked_runs(spans: list[Span]) -> list[tuple[str, bool]]:
    """(text, marked) pairs, for tests and previews."""
    return [(s.text, s.marked) for s in spans]
