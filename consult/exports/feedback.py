"""Feedback letters (意见反馈函): pure builders, one .docx per contact point or per commenter, or a zip of them."""
from __future__ import annotations

import io
import re
import zipfile
from typing import IO, Iterable

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from consult.exports.records import CommentRow, FeedbackLetter, Fonts, ProgressFn
from consult.exports.wordlayout import FastTable, add_body, add_title, new_document

LETTER_HEADERS = ("序号", "条款", "意见建议", "提出人", "采纳情况", "理由或说明")
LETTER_WIDTHS_MM = (11, 24, 55, 18, 16, 32)  # 156 mm: A4 portrait minus GB/T 9704 margins
_UNSAFE_FILENAME = re.compile(r"[\\/:*?\"<>|\s]+")


def letter_cells(row: CommentRow, number: int) -> tuple:
    """The six cells of one comment in a feedback letter."""
    text = row.body + (f"\n建议修改为：{row.proposed_text}" if row.proposed_text else "")
    return number, row.anchor_label, text, row.commenter, row.decision, row.decision_reason


def build_feedback_letter(letter: FeedbackLetter, out: str | IO[bytes], *, fonts: Fonts = Fonts()) -> int:
    """Write one feedback letter .docx to `out`; return the number of comments listed."""
    doc = new_document(fonts)
    add_title(doc, "意见反馈函")
    add_body(doc, f"{letter.addressee}：", indent=False)
    whom = "贵联系点" if letter.kind == "contact_point" else "您"
    period = f"于{letter.period}期间" if letter.period else ""
    count = len(letter.comments)
    add_body(doc, f"感谢{whom}{period}对《{letter.draft_title}》提出的意见建议。我们对{whom}提出的 {count} 条"
                  f"意见建议逐条进行了研究，现将采纳情况反馈如下：")
    if letter.reference:
        add_body(doc, f"（编号：{letter.reference}）", indent=False)
    table = FastTable(doc, LETTER_HEADERS, LETTER_WIDTHS_MM)
    for number, row in enumerate(letter.comments, start=1):
        table.append(letter_cells(row, number))
    add_body(doc, "对尚在研究的意见建议，我们将在后续审议中继续研究。再次感谢对立法工作的关心和支持！")
    add_body(doc, "特此函复。")
    for text in (letter.sender, letter.date):
        if text:
            paragraph = add_body(doc, text, indent=False)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            paragraph.paragraph_format.space_before = Pt(12) if text == letter.sender else Pt(0)
    doc.save(out)
    return count


def letter_filename(letter: FeedbackLetter) -> str:
    """A safe file name for a letter: 意见反馈函_QJ-A-01_东湖街道基层立法联系点.docx."""
    name = _UNSAFE_FILENAME.sub("_", f"意见反馈函_{letter.reference}_{letter.addressee}".strip("_"))
    return name[:120] + ".docx"


def build_feedback_zip(letters: Iterable[FeedbackLetter], out: str | IO[bytes], *, fonts: Fonts = Fonts(),
                       progress: ProgressFn | None = None) -> int:
    """Write a zip holding one letter .docx per recipient; return the number of letters."""
    count = 0
    used: set[str] = set()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for letter in letters:
            name = letter_filename(letter)
            if name in used:
                name = name[:-5] + f"_{count + 1}.docx"
            used.add(name)
            buffer = io.BytesIO()
            build_feedback_letter(letter, buffer, fonts=fonts)
            archive.writestr(name, buffer.getvalue())
            count += 1
            if progress is not None:
                progress(count)
    return count
