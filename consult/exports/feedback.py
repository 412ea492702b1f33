"""Feedback letters (意见反馈函): pure builders, one .docx per contact point or per commenter, or a zip of them."""
from __future__ import annotations

import io
import re
import zipfile
from typing import IO, Iterable

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from consult.comments.vocabulary import decision_public
from consult.exports.records import CommentRow, FeedbackLetter, Fonts, ProgressFn, letter_title
from consult.exports.wordlayout import FastTable, add_body, add_letterhead, add_title, new_document

# 156 mm: A4 portrait minus GB/T 9704 margins. 采纳情况 fits 部分采纳 / 尚未答复 on one line.
LETTER_HEADERS = ("序号", "条款", "意见建议", "提出人", "采纳情况", "理由或说明")
LETTER_WIDTHS_MM = (11, 24, 52, 18, 19, 32)
# A commenter's own letter lists only their comments: no 提出人 column.
OWN_LETTER_HEADERS = ("序号", "条款", "意见建议", "采纳情况", "理由或说明")
OWN_LETTER_WIDTHS_MM = (11, 26, 68, 19, 32)
_UNSAFE_FILENAME = re.compile(r"[\\/:*?\"<>|\s]+")


def letter_cells(row: CommentRow, number: int, *, own: bool = False) -> tuple:
    """The cells of one comment in a feedback letter, the decision in the commenter's words."""
    text = row.body + (f"\n建议修改为：{row.proposed_text}" if row.proposed_text else "")
    decision = decision_public(row.decision_code)
    reason = row.decision_reason if row.decision_code else ""
    if own:
        return number, row.anchor_label, text, decision, reason
    return number, row.anchor_label, text, row.commenter, decision, reason


def build_feedback_letter(letter: FeedbackLetter, out: str | IO[bytes], *, fonts: Fonts = Fonts()) -> int:
    """Write one feedback letter .docx to `out`; return the number of comments listed.

    Layout (GB/T 9704, letter format): the issuing body's name as the letterhead, the 文号 at the top
    right under it, the title, the addressee, the text, the table, then signature and date at the right.
    """
    doc = new_document(fonts)
    add_letterhead(doc, letter.sender, letter.doc_number)
    add_title(doc, letter_title(letter.is_draft))
    add_body(doc, f"{letter.addressee}：", indent=False)
    own = letter.kind != "contact_point"
    whom = "您" if own else "贵联系点"
    period = f"于{letter.period}期间" if letter.period else ""
    count = len(letter.comments)
    add_body(doc, f"感谢{whom}{period}对《{letter.draft_title}》提出的意见建议。我们对{whom}提出的 {count} 条"
                  f"意见建议逐条进行了研究，现将采纳情况反馈如下：")
    if letter.is_draft:
        add_body(doc, "本函为征求意见稿：部分意见尚未答复，最终采纳情况以正式反馈函为准。")
    if letter.reference:
        add_body(doc, f"（编号：{letter.reference}）", indent=False)
    table = (FastTable(doc, OWN_LETTER_HEADERS, OWN_LETTER_WIDTHS_MM) if own
             else FastTable(doc, LETTER_HEADERS, LETTER_WIDTHS_MM))
    open_ = False
    for number, row in enumerate(letter.comments, start=1):
        table.append(letter_cells(row, number, own=own))
        open_ = open_ or row.decision_code in (None, "under_study")
    if open_:
        add_body(doc, "对尚在研究的意见建议，我们将在后续审议中继续研究。")
    add_body(doc, "再次感谢对立法工作的关心和支持！")
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
    mark = "征求意见稿_" if letter.is_draft else ""
    name = _UNSAFE_FILENAME.sub("_", f"意见反馈函_{mark}{letter.reference}_{letter.addressee}".strip("_"))
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
