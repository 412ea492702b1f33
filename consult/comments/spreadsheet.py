"""Reading an uploaded comment spreadsheet (.xlsx or .csv) into rows of cells, refusing bad files early.

The work is bounded before and while reading, whatever the file claims:
- a .xlsx is a zip: the declared size of every member (and of all of them) is checked with `zipfile`
  before openpyxl inflates anything (Python's zipfile never inflates a member past its declared size);
- the `<row>` elements of every sheet are counted in the raw XML, streaming in 1 MB chunks (a fraction of
  a second for 170 MB), and a sheet with more than MAX_SHEET_ROWS rows *of any kind* is refused before
  openpyxl parses it (a blank-row bomb with repeated row numbers would otherwise be parsed in full);
- the sheet is then streamed (openpyxl read_only) with the same row bound and at most MAX_COLUMNS columns;
- a .csv is decoded the way drafts are (UTF-8, GB18030, Big5 … detected, see consult.lawtext.readers)
  and refused with a message when its encoding cannot be recognised.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
import warnings
import zipfile
from pathlib import PurePath

from flask_babel import gettext as _

from consult.lawtext import LawTextError
from consult.lawtext.readers import decode_text

MAX_ROWS = 10_000  # data rows
BLANK_TAIL = 1_000  # empty rows tolerated after the data (Excel's formatted tail)
MAX_SHEET_ROWS = MAX_ROWS + 1 + BLANK_TAIL  # rows of any kind, header included
MAX_COLUMNS = 40
MAX_MEMBER = 64 * 1024 * 1024  # declared size of one member of an .xlsx (a sheet's XML)
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")
_CHUNK = 1024 * 1024
MAX_UNCOMPRESSED = 128 * 1024 * 1024  # declared size of all members
MAX_RATIO = 100  # declared uncompressed size / compressed size of the whole file
SUFFIXES = (".xlsx", ".csv")
DATA_SHEET = "意见"  # the template's data sheet; its examples are on EXAMPLE_SHEET
EXAMPLE_SHEET = "示例"
NOTES_SHEET = "填写说明"


class SpreadsheetError(ValueError):
    """The file cannot be read as a comment spreadsheet; the message says why."""


def read_rows(data: bytes, filename: str) -> list[list]:
    """Every row of the data sheet (header first) as lists of cell values; at most MAX_ROWS data rows."""
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


def _too_many_blank_rows() -> SpreadsheetError:
    return SpreadsheetError(_("表格超过 %(limit)d 行（空行也计算在内）：请删除多余的空行，或拆分成几个文件分别导入。",
                              limit=MAX_SHEET_ROWS))


def _blank(row) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in row)


def _collect(rows_in) -> list[list]:
    """Keep rows until the bounds: MAX_SHEET_ROWS rows of any kind, MAX_ROWS rows with content."""
    rows: list[list] = []
    filled = 0
    for count, row in enumerate(rows_in, start=1):
        if count > MAX_SHEET_ROWS:
            raise _too_many_blank_rows()
        row = list(row[:MAX_COLUMNS])
        if not _blank(row):
            filled += 1
            if filled > MAX_ROWS + 1:
                raise _too_many_rows()
        rows.append(row)
    return rows


def check_zip(data: bytes) -> None:
    """Refuse corrupt zips and zip bombs from the central directory alone (nothing is inflated)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise SpreadsheetError(_("文件已损坏，或不是有效的 .xlsx 文件（请用 Excel/WPS 另存为 .xlsx 后重试）。")) from None
    total = sum(member.file_size for member in members)
    largest = max((member.file_size for member in members), default=0)
    if largest > MAX_MEMBER or total > MAX_UNCOMPRESSED or (
            total > MAX_RATIO * max(len(data), 1) and total > 10 * 1024 * 1024):
        raise SpreadsheetError(_("文件解压后过大（疑似压缩炸弹），已拒绝。"))
    if not any(member.filename == "xl/workbook.xml" for member in members):
        raise SpreadsheetError(_("文件不是有效的 .xlsx 工作簿（缺少工作簿内容）。"))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for member in members:
            if member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml"):
                if _count_rows(archive, member) > MAX_SHEET_ROWS:
                    raise _too_many_blank_rows()


def _count_rows(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> int:
    """How many <row> elements a sheet's XML holds, counted while streaming it (stops past the bound)."""
    count, tail = 0, b""
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(_CHUNK):
                window = tail + chunk
                count += len(_ROW_TAG.findall(window))
                tail = window[-32:]
                count -= len(_ROW_TAG.findall(tail))  # counted again with the next chunk
                if count > MAX_SHEET_ROWS:
                    break
            count += len(_ROW_TAG.findall(tail))
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise SpreadsheetError(_("文件已损坏，无法读取其中的表格（请用 Excel/WPS 另存为 .xlsx 后重试）。")) from None
    return count


def _data_sheet(workbook):
    """The sheet named 意见, else the first sheet that is not the template's examples or notes."""
    names = workbook.sheetnames
    if DATA_SHEET in names:
        return workbook[DATA_SHEET]
    for name in names:
        if name not in (EXAMPLE_SHEET, NOTES_SHEET):
            return workbook[name]
    raise SpreadsheetError(_("表格中只有“示例”或“填写说明”工作表：请把意见填在“意见”工作表中。"))


def _read_xlsx(data: bytes) -> list[list]:
    check_zip(data)
    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it does not read
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                sheet = _data_sheet(workbook)
                return _collect(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True))
            finally:
                workbook.close()
    except SpreadsheetError:
        raise
    except Exception:  # openpyxl raises many types (KeyError, ValueError, XML errors) on damaged files
        raise SpreadsheetError(_("文件已损坏，无法读取其中的表格（请用 Excel/WPS 另存为 .xlsx 后重试）。")) from None


def _read_csv(data: bytes) -> list[list]:
    if data.startswith(b"PK\x03\x04"):
        raise SpreadsheetError(_("这是一个 Excel（.xlsx）文件，却以 .csv 为扩展名：请把扩展名改回 .xlsx。"))
    if b"\x00" in data[:65536] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SpreadsheetError(_("文件不是文本格式的 .csv（可能是二进制文件改了扩展名）。"))
    text = decode_csv(data)
    controls = sum(1 for ch in text[:65536] if unicodedata.category(ch) == "Cc" and ch not in "\r\n\t")
    if controls > 3:
        raise SpreadsheetError(_("文件不是文本格式的 .csv（含有大量控制字符）。"))
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        return _collect(reader)
    except csv.Error as exc:
        raise SpreadsheetError(_("CSV 格式有误（第 %(row)d 行）：%(problem)s。", row=reader.line_num,
                                 problem=str(exc))) from None


def decode_csv(data: bytes) -> str:
    """CSV text in whatever encoding a spreadsheet program saved it (UTF-8, GB18030, Big5 …), BOM removed."""
    try:
        return decode_text(data).lstrip("\ufeff")
    except (LawTextError, UnicodeDecodeError):
        raise SpreadsheetError(_("无法识别文件的字符编码：请另存为 UTF-8 编码的 .csv 后再上传。")) from None
