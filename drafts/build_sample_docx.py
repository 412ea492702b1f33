#!/usr/bin/env python3
"""Build drafts/tourism_promotion_draft.docx from drafts/tourism_promotion_draft.txt.

Every non-blank line of the .txt becomes exactly one Word paragraph whose text
equals the line, so the two files can be compared paragraph by paragraph.

Layout (as in published drafts):
  * line 1 (title) and line 2 (题注) centred, title in 黑体 / SimHei;
  * chapter headings (第X章) use the "Heading 1" style, section headings
    (第X节) "Heading 2", both centred, in the body part only (the 目录 block
    keeps them as ordinary paragraphs);
  * an article paragraph has two runs: the bold label "第X条" and the body,
    which starts with the full-width space (U+3000);
  * items （一） and sub-items 1. are ordinary paragraphs.
Body text uses 仿宋_GB2312 (East-Asian font set via w:eastAsia).

Usage: python3 drafts/build_sample_docx.py   (writes the .docx and checks it)
"""
import re
import sys
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

HERE = Path(__file__).resolve().parent
SRC = HERE / "tourism_promotion_draft.txt"
DST = HERE / "tourism_promotion_draft.docx"

BODY_FONT = "仿宋_GB2312"
HEAD_FONT = "黑体"

CHAPTER_RE = re.compile(r"^第[一二三四五六七八九十]+章[\s\u3000]")
SECTION_RE = re.compile(r"^第[一二三四五六七八九十]+节[\s\u3000]")
ARTICLE_RE = re.compile(r"^(第[一二三四五六七八九十百零]+条)(\u3000.*)$")


def set_font(run_or_style, name, size=None, bold=None):
    font = run_or_style.font
    font.name = name
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    element = run_or_style.element
    rpr = element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(rfonts)
    rfonts.set(qn("w:eastAsia"), name)


def build():
    raw = SRC.read_text(encoding="utf-8").splitlines()
    doc = Document()
    set_font(doc.styles["Normal"], BODY_FONT, size=16)
    for sname in ("Heading 1", "Heading 2"):
        style = doc.styles[sname]
        set_font(style, HEAD_FONT, size=16, bold=False)
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.font.italic = False

    lines = []
    in_toc = False
    for line in raw:
        if not line.strip():
            in_toc = False  # the 目录 block ends at the next blank line
            continue
        lines.append(line)
        if len(lines) == 1:  # title
            p = doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            set_font(p.add_run(line), HEAD_FONT, size=22)
        elif len(lines) == 2:  # 题注
            p = doc.add_paragraph(line)
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif line.replace("\u3000", "").replace(" ", "") in ("目录", "征求意见公告"):
            in_toc = line.replace("\u3000", "").replace(" ", "") == "目录"
            p = doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            set_font(p.add_run(line), HEAD_FONT)
        elif in_toc:
            doc.add_paragraph(line)
        elif CHAPTER_RE.match(line):
            p = doc.add_paragraph(line, style="Heading 1")
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif SECTION_RE.match(line):
            p = doc.add_paragraph(line, style="Heading 2")
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        else:
            p = doc.add_paragraph()
            p.paragraph_format.first_line_indent = Pt(32)
            m = ARTICLE_RE.match(line)
            if m:
                label = p.add_run(m.group(1))
                label.bold = True
                set_font(label, HEAD_FONT)
                p.add_run(m.group(2))
            else:
                p.add_run(line)
    doc.core_properties.title = lines[0]
    doc.core_properties.author = "清江市人大常委会法制工作委员会（虚构样例）"
    doc.save(DST)
    return lines


def check(lines):
    doc = Document(DST)
    texts = [p.text for p in doc.paragraphs if p.text.strip()]
    assert texts == lines, "docx paragraphs differ from txt lines"
    n_bold = 0
    for p in doc.paragraphs:
        if ARTICLE_RE.match(p.text):
            assert len(p.runs) == 2 and p.runs[0].bold, p.text[:10]
            n_bold += 1
    n_head = sum(1 for p in doc.paragraphs if p.style.name.startswith("Heading"))
    print(f"{DST.name}: {len(texts)} paragraphs, {n_bold} articles, {n_head} headings")


if __name__ == "__main__":
    check(build())
    sys.exit(0)
