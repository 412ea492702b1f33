"""Pure builders (data in, .docx bytes out) for the contact point's poster and the meeting kit (座谈会材料).

Typography as the summary (DOMAIN.md §3, consult.exports.wordlayout): A4, GB/T 9704 margins, 仿宋 body,
黑体 headings, 小标宋 title, page numbers. Document wording is Chinese, never translated.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Sequence

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from lxml import etree

from consult.comments.vocabulary import CHANNEL
from consult.exports.records import Fonts
from consult.exports.wordlayout import (
    add_body, add_heading, add_title, new_document, start_landscape_section, xml_text)

# How the data is used (个人信息保护法 第七、十七条), as the public privacy page (templates/drafts/privacy.html) says it.
PRIVACY_NOTICE = (
    ("我们保存什么", "您的意见、理由和修改建议；您自愿填写的姓名（可匿名）；仅在您希望收到反馈时保存的联系方式。"),
    ("为什么保存", "用于研究法规草案、汇总意见，并在您需要时向您反馈意见的采纳情况。"),
    ("谁能看到", "只有立法工作人员和您所在联系点的联络员能看到您的姓名和联系方式。公开页面和意见汇总中姓名会被部分隐藏"
                 "（如“张*”），从不公开电话、地址或身份证号。"),
    ("保存多久", "征求意见结束并完成反馈后，联系方式将被删除，意见内容和采纳情况予以保留。"),
    ("未满十四周岁", "未满十四周岁的未成年人的意见会被特别标注，未经监护人同意不保存其身份信息。"),
)
SIGN_IN_COLUMNS = ("序号", "姓名", "身份类别", "单位或社区", "联系方式（自愿填写，仅用于反馈）", "签名")
SIGN_IN_WIDTHS = (12, 26, 22, 38, 38, 20)  # mm, a portrait A4 text width of 156 mm
SIGN_IN_ROWS = 20  # one page
FORM_ROWS = 6  # one landscape page; print it as often as needed


@dataclass
class PosterData:
    """What a contact point's poster prints for one draft."""

    draft_title: str
    deadline: str  # "2026年12月31日" or ""
    point_name: str
    point_address: str
    code: str
    short_link: str  # as people type it: host/q/CODE
    qr_png: bytes
    issuing_body: str = ""


@dataclass
class KitArticle:
    """One article as the kit prints it, with the QR code of its short link."""

    label: str
    caption: str
    paragraphs: list[str]
    short_link: str
    qr_png: bytes
    level: int = 1  # heading level below its chapter/section


@dataclass
class KitEntry:
    """A division heading ("division") or an article ("article") in reading order."""

    kind: str
    heading: str = ""
    level: int = 1
    article: KitArticle | None = None


@dataclass
class KitData:
    """What the meeting kit prints: the meeting, the chosen articles first, the rest of the text, the forms."""

    draft_title: str
    version_label: str
    point_name: str
    point_code: str
    meeting_date: str  # 2026-11-18
    meeting_kind: str  # formal wording: 座谈会 …
    place: str
    deadline: str
    chosen: list[KitArticle]
    outline: list[KitEntry]  # the rest, in text order
    form_columns: Sequence[str]  # exactly the spreadsheet import's (consult.comments.imports.TEMPLATE_HEADER)
    form_prefill: dict[str, str] = field(default_factory=dict)  # column → value printed in every row
    draft_short_link: str = ""
    draft_qr_png: bytes = b""


def build_poster(data: PosterData, *, fonts: Fonts = Fonts()) -> bytes:
    """An A4 poster: 扫码提意见, the draft's title and deadline, the QR code, the short link, the privacy notice."""
    doc = new_document(fonts)
    section = doc.sections[0]  # a poster, not a 公文: one page with room for the code
    section.top_margin, section.bottom_margin = Mm(20), Mm(18)
    section.left_margin, section.right_margin = Mm(20), Mm(20)
    add_title(doc, CHANNEL.formal("qr"))  # 扫码提意见
    add_body(doc, f"《{data.draft_title}》", center=True)
    if data.deadline:
        add_body(doc, f"征求意见截止：{data.deadline}", center=True)
    picture = doc.add_paragraph()
    picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
    picture.add_run().add_picture(io.BytesIO(data.qr_png), width=Mm(75))
    add_body(doc, "用手机扫描二维码，或在浏览器中输入：", center=True)
    link = add_body(doc, data.short_link, center=True)
    for run in link.runs:
        run.font.size = Pt(22)
        run.bold = True
    add_body(doc, f"意见码：{data.code}", center=True)
    where = data.point_name + (f"（{data.point_address}）" if data.point_address else "")
    add_body(doc, f"联系点：{where}", center=True)
    add_heading(doc, "个人信息说明", 2)
    for title, text in PRIVACY_NOTICE:
        paragraph = add_body(doc, "", indent=False)
        paragraph.add_run(f"{title}：").bold = True
        paragraph.add_run(xml_text(text))
        paragraph.paragraph_format.line_spacing = Pt(18)
        for run in paragraph.runs:
            run.font.size = Pt(11)
    if data.issuing_body:
        add_body(doc, data.issuing_body, indent=False).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return _bytes(doc)


def build_meeting_kit(data: KitData, *, fonts: Fonts = Fonts()) -> bytes:
    """The 座谈会材料: meeting details, chosen articles, the draft text with a QR code per article, 签到表, 意见记录表."""
    doc = new_document(fonts)
    add_title(doc, f"《{data.draft_title}》座谈会材料")
    for line in (f"联系点：{data.point_name}（{data.point_code}）",
                 f"会议：{data.meeting_date} {data.meeting_kind}" + (f"，{data.place}" if data.place else ""),
                 f"文本：{data.version_label}" if data.version_label else "",
                 f"征求意见截止：{data.deadline}" if data.deadline else ""):
        if line:
            add_body(doc, line, indent=False)
    if data.draft_short_link:
        _qr_line(doc, data.draft_qr_png, f"扫码阅读草案全文并提意见：{data.draft_short_link}")
    part = 1
    if data.chosen:
        add_heading(doc, f"{_numeral(part)}、本次会议重点讨论的条文", 1)
        part += 1
        for article in data.chosen:
            _article(doc, article, level=2)
    add_heading(doc, f"{_numeral(part)}、{'草案其他条文' if data.chosen else '草案全文'}", 1)
    part += 1
    for entry in data.outline:
        if entry.kind == "division":
            add_heading(doc, entry.heading, entry.level + 1)
        else:
            _article(doc, entry.article, level=entry.level + 1)
    doc.add_page_break()
    add_heading(doc, f"{_numeral(part)}、签到表", 1)
    part += 1
    add_body(doc, f"{data.point_name}　{data.meeting_date}　{data.meeting_kind}　共　　人", indent=False)
    _blank_table(doc, SIGN_IN_COLUMNS, SIGN_IN_WIDTHS, SIGN_IN_ROWS, height_mm=9,
                 prefill={"序号": None})
    start_landscape_section(doc)
    add_heading(doc, f"{_numeral(part)}、意见记录表", 1)
    add_body(doc, "每行记录一条意见，按居民原话填写（原汁原味）。各列与意见导入模板相同，会后可直接录入或导入。"
                  "“条款”填 12、第十二条或 12.2（第二款）；联系方式只在“希望反馈”和“同意保存联系方式”都填“是”时保存。",
             indent=False)
    widths = _form_widths(data.form_columns)
    _blank_table(doc, list(data.form_columns), widths, FORM_ROWS, height_mm=14, prefill=data.form_prefill)
    return _bytes(doc)


_FORM_WIDTH_MM = {"条款": 16, "意见": 44, "理由": 26, "建议修改为": 26, "提出人": 16, "类别": 14, "联系方式": 20,
                  "希望反馈": 10, "同意保存联系方式": 12, "未满十四周岁": 11, "联系点": 20, "渠道": 12, "日期": 26}


def _form_widths(columns: Sequence[str]) -> list[float]:
    """Column widths that fill a landscape A4 text width (247 mm), whatever columns the import has."""
    raw = [_FORM_WIDTH_MM.get(name, 15) for name in columns]
    scale = 247 / sum(raw)
    return [w * scale for w in raw]


def _article(doc, article: KitArticle, *, level: int) -> None:
    add_heading(doc, article.label + (f"【{article.caption}】" if article.caption else ""), level)
    for paragraph in article.paragraphs or ["（删去）"]:
        add_body(doc, paragraph)
    _qr_line(doc, article.qr_png, f"扫码对本条提意见：{article.short_link}")


def _qr_line(doc, png: bytes, text: str) -> None:
    paragraph = doc.add_paragraph()
    paragraph.add_run().add_picture(io.BytesIO(png), width=Mm(22))
    run = paragraph.add_run("　" + xml_text(text))
    run.font.size = Pt(10.5)


def _blank_table(doc, headers: Sequence[str], widths_mm: Sequence[float], rows: int, *, height_mm: float,
                 prefill: dict | None = None) -> None:
    """A table to fill in by hand: a bold header row repeated on every page, then empty rows of a set height."""
    prefill = prefill or {}
    table = doc.add_table(rows=rows + 1, cols=len(headers))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    etree.SubElement(table._tbl.tblPr, qn("w:tblLayout")).set(qn("w:type"), "fixed")
    for column, width in zip(table.columns, widths_mm):
        column.width = Mm(width)  # the grid (w:gridCol) is what LibreOffice lays out by
    etree.SubElement(table.rows[0]._tr.get_or_add_trPr(), qn("w:tblHeader"))
    for index, row in enumerate(table.rows):
        if index:
            row.height = Mm(height_mm)
        for col, (cell, width) in enumerate(zip(row.cells, widths_mm)):
            cell.width = Mm(width)
            name = headers[col]
            if index == 0:
                text, bold = name, True
            elif name in prefill:
                text, bold = (str(index) if prefill[name] is None else prefill[name]), False
            else:
                continue
            paragraph = cell.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = paragraph.add_run(xml_text(text))
            run.bold = bold
            run.font.size = Pt(9 if len(headers) > 8 else 10.5)


def _numeral(n: int) -> str:
    return "一二三四五六七八九十"[n - 1] if 1 <= n <= 10 else str(n)


def _bytes(doc) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
