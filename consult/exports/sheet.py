"""Spreadsheets of every comment (.xlsx in openpyxl's write-only mode, and .csv): pure builders.

Columns follow what the exporting role may see: contact details only when allowed and asked for,
internal notes only for staff. Text that a spreadsheet would run as a formula stays text.
"""
from __future__ import annotations

import csv
import io
from typing import IO, Iterable, Iterator

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from consult.comments.vocabulary import CHANNEL, MODERATION
from consult.exports.records import CommentRow, ProgressFn, iter_progress
from consult.exports.wordlayout import xml_text

BASE_COLUMNS = (
    ("id", "编号"), ("receipt_code", "回执编号"), ("anchor_label", "条款"), ("body", "意见建议"),
    ("reason", "理由"), ("proposed_text", "建议修改为"), ("commenter", "提出人/单位"), ("category", "类别"),
    ("contact", "联系方式"), ("is_minor", "未成年人"), ("wants_feedback", "希望反馈"), ("channel", "渠道"),
    ("contact_point_code", "联系点编码"), ("contact_point_name", "联系点"), ("district", "区县"),
    ("meeting_date", "会议日期"), ("submitted_on", "提出日期"), ("created_at", "录入时间"),
    ("moderation_state", "审核状态"), ("decision", "采纳情况"), ("decision_reason", "采纳理由"), ("tags", "标签"),
    ("duplicate_group_id", "相同意见组"), ("internal_notes", "内部备注"),
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def sheet_columns(*, with_contacts: bool = False, with_internal: bool = False) -> list[tuple[str, str]]:
    """(field, header) pairs for the role: contacts and internal notes only when allowed."""
    return [(key, header) for key, header in BASE_COLUMNS
            if (key != "contact" or with_contacts) and (key != "internal_notes" or with_internal)]


def sheet_values(row: CommentRow, columns) -> list:
    """One comment's values in column order (booleans as 是/否, codes as Chinese labels)."""
    values = []
    for key, _header in columns:
        value = getattr(row, key)
        if key == "channel":
            value = CHANNEL.formal(value)
        elif key == "moderation_state":
            value = MODERATION.formal(value)
        elif isinstance(value, bool):
            value = "是" if value else "否"
        elif value is None:
            value = ""
        values.append(value)
    return values


def build_sheet_xlsx(rows: Iterable[CommentRow], out: str | IO[bytes], columns, *,
                     progress: ProgressFn | None = None) -> int:
    """Write an .xlsx (write-only mode: rows go to disk as they come); return the number of comments."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("意见")
    sheet.freeze_panes = "A2"
    sheet.append([header for _key, header in columns])
    count = 0
    for row in iter_progress(rows, progress):
        cells = []
        for value in sheet_values(row, columns):
            if isinstance(value, str):
                value = xml_text(value)
                if value.startswith("="):
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.data_type = "s"  # keep it text: never a formula
                    value = cell
            cells.append(value)
        sheet.append(cells)
        count += 1
    workbook.save(out)
    return count


def _csv_safe(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def iter_sheet_csv(rows: Iterable[CommentRow], columns, *,
                   progress: ProgressFn | None = None) -> Iterator[str]:
    """CSV text in chunks (UTF-8 BOM first so Excel reads Chinese), one chunk per comment; streams."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([header for _key, header in columns])
    yield "\ufeff" + buffer.getvalue()
    for row in iter_progress(rows, progress):
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([_csv_safe(v) for v in sheet_values(row, columns)])
        yield buffer.getvalue()


def build_sheet_csv(rows: Iterable[CommentRow], out: str | IO[bytes], columns, *,
                    progress: ProgressFn | None = None) -> int:
    """Write a .csv (UTF-8 with BOM); return the number of comments."""
    count = -1
    handle = open(out, "wb") if isinstance(out, str) else out
    try:
        for chunk in iter_sheet_csv(rows, columns, progress=progress):
            handle.write(chunk.encode("utf-8"))
            count += 1
    finally:
        if isinstance(out, str):
            handle.close()
    return count
