"""Reading an uploaded comment spreadsheet (.xlsx or .csv) into rows of cells, refusing bad files early.

A .xlsx is a zip: its declared sizes are checked with `zipfile` before openpyxl inflates anything, so a
zip bomb is refused without being unpacked. A .csv must be text in UTF-8 (with or without BOM) or GB18030.
"""
from __future__ import annotations

import csv
import io
import unicodedata
import warnings
import zipfile
from pathlib import PurePath

from flask_babel import gettext as _

MAX_ROWS = 10_000
MAX_UNCOMPRESSED = 200 * 1024 * 1024  # declared size of all members of an .xlsx
MAX_RATIO = 100  # declared uncompressed size / compressed size of the whole file
SUFFIXES = (".xlsx", ".csv")


class SpreadsheetError(ValueError):
    """The file cannot be read as a comment spreadsheet; the message says why."""


def read_rows(data: bytes, filename: str) -> list[list]:
    """Every row of the first sheet (header first) as lists of cell values; at most MAX_ROWS data rows."""
    suffix = PurePath(filename or "").suffix.lower()
    if suffix not in SUFFIXES:
        shown = suffix or _("（无扩展名）")
        raise SpreadsheetError(_("不支持的文件类型：%(suffix)s。请上传 .xlsx 或 .csv 文件（可先下载模板）。", suffix=shown))
    if not data:
        raise SpreadsheetError(_("文件是空的。"))
    rows = _read_xlsx(data) if suffix == ".xlsx" else _read_csv(data)
    while rows and _blank(rows[-1]):
        rows.pop()
    if not rows:
        raise SpreadsheetError(_("文件中没有任何内容。"))
    if len(rows) - 1 > MAX_ROWS:
        raise _too_many_rows()
    return rows


def _too_many_rows() -> SpreadsheetError:
    return SpreadsheetError(_("文件超过 %(limit)d 行意见，请拆分成几个文件分别导入。", limit=MAX_ROWS))


def _blank(row) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in row)


def _append(rows: list, row: list) -> None:
    """Keep a row; past the limit only blank rows (Excel's formatted empty tail) are tolerated (dropped)."""
    if len(rows) > MAX_ROWS:
        if _blank(row):
            return
        raise _too_many_rows()
    rows.append(row)


def check_zip(data: bytes) -> None:
    """Refuse corrupt zips and zip bombs from the central directory alone (nothing is inflated)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise SpreadsheetError(_("文件已损坏，或不是有效的 .xlsx 文件（请用 Excel/WPS 另存为 .xlsx 后重试）。")) from None
    total = sum(member.file_size for member in members)
    if total > MAX_UNCOMPRESSED or (total > MAX_RATIO * max(len(data), 1) and total > 10 * 1024 * 1024):
        raise SpreadsheetError(_("文件解压后过大（疑似压缩炸弹），已拒绝。"))
    if not any(member.filename == "xl/workbook.xml" for member in members):
        raise SpreadsheetError(_("文件不是有效的 .xlsx 工作簿（缺少工作簿内容）。"))


def _read_xlsx(data: bytes) -> list[list]:
    check_zip(data)
    import openpyxl

    rows: list[list] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it does not read
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                sheet = workbook.worksheets[0]
                for row in sheet.iter_rows(values_only=True):
                    _append(rows, list(row))
            finally:
                workbook.close()
    except SpreadsheetError:
        raise
    except Exception:  # openpyxl raises many types (KeyError, ValueError, XML errors) on damaged files
        raise SpreadsheetError(_("文件已损坏，无法读取其中的表格（请用 Excel/WPS 另存为 .xlsx 后重试）。")) from None
    return rows


def _read_csv(data: bytes) -> list[list]:
    if data.startswith(b"PK\x03\x04"):
        raise SpreadsheetError(_("这是一个 Excel（.xlsx）文件，却以 .csv 为扩展名：请把扩展名改回 .xlsx。"))
    if b"\x00" in data[:65536]:
        raise SpreadsheetError(_("文件不是文本格式的 .csv（可能是二进制文件改了扩展名）。"))
    text = _decode(data)
    controls = sum(1 for ch in text[:65536] if unicodedata.category(ch) == "Cc" and ch not in "\r\n\t")
    if controls > 3:
        raise SpreadsheetError(_("文件不是文本格式的 .csv（含有大量控制字符）。"))
    rows: list[list] = []
    try:
        for row in csv.reader(io.StringIO(text, newline="")):
            _append(rows, row)
    except csv.Error as exc:
        raise SpreadsheetError(_("CSV 格式有误（第 %(row)d 行）：%(problem)s。", row=len(rows) + 1,
                                 problem=str(exc))) from None
    return rows


def _decode(data: bytes) -> str:
    """UTF-8 (BOM stripped) first, then GB18030 (Excel's default for Chinese Windows)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SpreadsheetError(_("无法识别文件编码：请另存为 UTF-8 或 GB18030 编码的 .csv。"))
