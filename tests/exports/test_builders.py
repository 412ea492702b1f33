"""The pure builders on hand-made records: no app, no database."""
from __future__ import annotations

import io

import pytest
from docx import Document

from consult.exports.records import CommentRow, Fonts, OutlineEntry, SummaryData, SummaryStats
from consult.exports.summary import SummaryOrderError, build_summary
from consult.exports.wordlayout import FastTable, new_document

from .conftest import comment_tables

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def row(i, article, body="意见", **kw) -> CommentRow:
    return CommentRow(id=i, section="article", article_id=article, anchor_label=f"第{article}条", body=body,
                      **kw)


def data(rows, counts) -> SummaryData:
    outline = [OutlineEntry("division", "第一章 总则", 1)] + [
        OutlineEntry("article", f"第{n}条", 2, article_id=n, count=counts.get(n, 0)) for n in (1, 2, 3)]
    return SummaryData("示例条例（草案）", "草案", SummaryStats(total=len(rows)), outline, iter(rows),
                       show_empty_articles=False)


def test_fast_table_rows_text_breaks_spaces_and_control_characters():
    doc = new_document(Fonts())
    table = FastTable(doc, ("甲", "乙", "丙"), (20, 20, 20))
    table.append((1, "第一行\n第二行", " 前后空格 "))
    table.append((2, "含\x07控制字符", None))
    out = io.BytesIO()
    doc.save(out)
    tbl = Document(io.BytesIO(out.getvalue())).tables[0]
    assert [c.text for c in tbl.rows[0].cells] == ["甲", "乙", "丙"]
    assert [c.text for c in tbl.rows[1].cells] == ["1", "第一行\n第二行", " 前后空格 "]
    assert [c.text for c in tbl.rows[2].cells] == ["2", "含控制字符", ""]
    assert table.rows == 2


def test_rows_land_under_their_articles_and_order_is_checked():
    rows = [row(1, 1, "甲"), row(2, 3, "丙一"), row(3, 3, "丙二")]
    out = io.BytesIO()
    assert build_summary(data(rows, {1: 1, 3: 2}), out) == 3
    doc = Document(io.BytesIO(out.getvalue()))
    rows = comment_tables(out.getvalue())
    assert [(heading, row["修改意见或建议"]) for heading, row in rows] == [("第1条", "甲"), ("第3条", "丙一"),
                                                                     ("第3条", "丙二")]
    assert "条款" not in rows[0][1]  # no comment on a paragraph: the article is named in the heading only
    assert len(doc.tables) == 3  # the front matter's tally, then one table per article with comments
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert "第2条" not in headings  # a filtered summary (no empty articles) skips articles without comments
    assert headings[-2:] == ["第1条", "第3条"]

    with pytest.raises(SummaryOrderError):
        build_summary(data([row(1, 3), row(2, 1)], {1: 1, 3: 1}), io.BytesIO())
    with pytest.raises(SummaryOrderError):
        build_summary(data([row(1, 9)], {}), io.BytesIO())


def test_group_row_shows_the_count_and_its_commenters():
    grouped = row(1, 2, "相同的意见", duplicate_count=3, duplicate_commenters="张*、李* 等 3 人",
                  duplicate_sources="甲联系点、乙联系点", commenter="张*")
    out = io.BytesIO()
    build_summary(data([grouped], {2: 3}), out)
    cells = comment_tables(out.getvalue())[0][1]
    assert cells["修改意见或建议"] == "相同的意见\n（共 3 条相同意见）"
    assert cells["提出人/单位"] == "张*、李* 等 3 人" and cells["来源"] == "甲联系点、乙联系点"


def test_paragraph_comments_keep_a_part_column_without_the_article():
    rows = [row(1, 2, "整条"), row(2, 2, "某款", part_label="第二款")]
    entries = data(rows, {2: 2})
    entries.outline[2].has_parts = True
    out = io.BytesIO()
    build_summary(entries, out)
    assert [r["条款"] for _h, r in comment_tables(out.getvalue())] == ["本条", "第二款"]
