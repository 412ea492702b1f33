"""The Word summary built from the database, read back with python-docx: content, order, privacy, layout."""
from __future__ import annotations

import io

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT

from consult.comments.services import enter_comment
from consult.errors import UserError
from consult.exports.records import Fonts
from consult.exports.selection import ExportOptions, select_comments, summary_data
from consult.exports.summary import build_summary

from .conftest import PHONE, comment_tables, docx_text

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def build(draft, filters=None, query="", **options) -> bytes:
    """The summary as bytes."""
    sel = select_comments(draft, {**(filters or {}), "q": query}, options=ExportOptions(**options))
    out = io.BytesIO()
    build_summary(summary_data(sel), out, fonts=sel.options.fonts)
    return out.getvalue()


def body_cells(data: bytes) -> list[tuple[str, list[str]]]:
    """(heading, [序号, 条款 or "", 修改意见或建议, 理由, 提出人/单位, 来源, 采纳情况, 说明]) of every comment row."""
    return [(h, [r["序号"], r.get("条款", ""), r["修改意见或建议"], r["理由"], r["提出人/单位"], r["来源"],
                 r["采纳情况"], r["说明"]]) for h, r in comment_tables(data)]


def first_line(cell: str) -> str:
    return cell.split("\n", 1)[0]


def test_every_selected_comment_appears_once_under_its_article_in_text_order(scenario):
    c = scenario.comments
    rows = body_cells(build(scenario.draft))
    bodies = [first_line(cells[2]) for _h, cells in rows]
    expected = [c["general"], c["title"], c["a1"], c["online"], c["minor"], c["a3"], c["a3_item2"],
                c["dup1"], c["a4_p2"], c["a5"], c["new"]]
    assert bodies == [e.body.replace(PHONE, "").replace("13800001111", "138****1111") for e in expected]
    headings = [h for h, _cells in rows]
    assert headings == ["总体意见", "名称", "第一条", "第二条", "第二条", "第三条", "第三条", "第四条", "第四条",
                        "第五条", "建议新增条款"]
    # The article is named once, in the heading: the 条款 column shows the paragraph/item only,
    # and tables where no comment addresses one have no such column.
    assert [cells[1] for _h, cells in rows] == ["", "", "", "", "", "本条", "第一款第（二）项", "本条",
                                                "第二款", "", ""]
    assert not any("第三条" in cells[1] or "第四条" in cells[1] for _h, cells in rows)
    assert [int(cells[0]) for _h, cells in rows] == list(range(1, 12))
    assert c["pending"].body not in "\n".join(bodies)  # not moderated yet: not a received comment


def test_confirmed_duplicates_are_one_row_with_the_count(scenario):
    data = build(scenario.draft)
    rows = [cells for h, cells in body_cells(data) if h == "第四条"]
    group_rows = [cells for cells in rows if "相同意见" in cells[2]]
    assert len(group_rows) == 1
    n = len(scenario.duplicates)
    assert f"（共 {n} 条相同意见）" in group_rows[0][2]
    assert group_rows[0][4] == "孙*、周*、吴*"
    text = "\n".join(docx_text(data))
    assert f"本条共 4 条意见（其中 {n} 条相同）" in text
    assert f"共收到 13 条意见（其中 {n} 条相同）" in text


def test_names_are_masked_and_contacts_absent_by_default(scenario):
    text = "\n".join(docx_text(build(scenario.draft)))
    for full in ("张三", "李四", "王小明", "钱七", "卫小童"):
        assert full not in text
    assert "张*" in text and "王**" in text
    assert "清江市旅游协会" in text  # organisations in full
    assert PHONE not in text and "13800001111" not in text  # neither the contact field nor a number in the text
    assert "未成年人" in text


def test_names_and_contacts_when_asked(scenario):
    text = "\n".join(docx_text(build(scenario.draft, with_names=True, with_contacts=True)))
    assert "张三" in text and PHONE in text and "13800001111" in text
    assert "卫小童" not in text  # a child's identity is never stored


def test_front_matter_counts(scenario):
    text = "\n".join(docx_text(build(scenario.draft)))
    assert "关于《清江市文明旅游促进条例（草案）》征求意见情况的汇总" in text
    assert "共有 2 个基层立法联系点参与，召开座谈会等活动 1 场，共 23 人次参加" in text
    assert "第四条：4 条意见。" in text
    assert "征求意见时间：" in text


def test_whole_draft_lists_every_article_and_chapter(scenario):
    text = docx_text(build(scenario.draft, with_text=True))
    for heading in ("第一章 总则", "第二章 游客与经营者", "第三章 附则", "其他意见"):
        assert heading in text
    assert "民宿经营者应当向所在地公安机关登记。" in text  # article text with --with-text


def test_filtered_export_contains_exactly_the_filtered_comments(scenario):
    c = scenario.comments
    data = build(scenario.draft, {"contact_point": "QJ-B-02"})
    bodies = {first_line(cells[2]) for _h, cells in body_cells(data)}
    assert bodies == {c["a1"].body, c["dup2"].body}
    text = "\n".join(docx_text(data))
    assert "第五条" not in text and "第一章 总则" in text and "第三章 附则" not in text
    assert "联系点：西山镇基层立法联系点" in text


@pytest.mark.parametrize("filters, names", [
    ({"decision": "adopted"}, ["a3_item2"]),
    ({"decision": "none", "article_id": None}, None),
    ({"channel": "letter"}, ["a1", "dup2"]),
    ({"channel": "online"}, ["online"]),
    ({"district": "东湖区", "decision": "not_adopted"}, ["a5"]),
    ({"moderation_state": "pending"}, ["pending"]),
])
def test_filters(scenario, filters, names):
    c = scenario.comments
    filters = {k: v for k, v in filters.items() if v is not None}
    rows = body_cells(build(scenario.draft, filters))
    got = sorted(first_line(cells[2]) for _h, cells in rows)
    if names is None:  # undecided: everything but the three decided ones, duplicates folded
        assert not any(c[n].body in got for n in ("a3_item2", "a5", "a1"))
        assert c["general"].body in got
    else:
        assert got == sorted(c[n].body.replace("13800001111", "138****1111") for n in names)


def test_date_filter_uses_submitted_on(scenario):
    c = scenario.comments
    day = c["a1"].submitted_on
    rows = body_cells(build(scenario.draft, {"date_from": day.isoformat(), "date_to": day.isoformat()}))
    assert [first_line(cells[2]) for _h, cells in rows] == [c["a1"].body]


@pytest.mark.parametrize("filters, message", [
    ({"contact_point": "NOPE"}, "没有编码为 NOPE 的联系点"),
    ({"date_from": "2027-13-01"}, "日期格式"),
    ({"channel": "pigeon"}, "未知的渠道"),
    ({"colour": "red"}, "未知的筛选条件"),
    ({"date_from": "2027-02-01", "date_to": "2027-01-01"}, "开始日期晚于结束日期"),
])
def test_bad_filters_are_refused(scenario, filters, message):
    with pytest.raises(UserError, match=message):
        select_comments(scenario.draft, filters)


def test_fonts_theme_attributes_and_language(scenario):
    doc = Document(io.BytesIO(build(scenario.draft)))
    styles = doc.styles.element
    for rfonts in styles.iter(W + "rFonts"):
        assert not [a for a in rfonts.attrib if a.lower().endswith("theme")], rfonts.attrib
    defaults = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
    assert defaults.find(W + "rFonts").get(W + "eastAsia") == "仿宋_GB2312"
    assert defaults.find(W + "lang").get(W + "eastAsia") == "zh-CN"
    assert doc.styles["Normal"].element.rPr.find(W + "rFonts").get(W + "eastAsia") == "仿宋_GB2312"
    for level in (1, 2, 3):
        assert doc.styles[f"Heading {level}"].element.rPr.find(W + "rFonts").get(W + "eastAsia") == "黑体"
    assert doc.styles["Title"].element.rPr.find(W + "rFonts").get(W + "eastAsia") == "方正小标宋简体"


def test_fonts_are_configurable(scenario):
    sel = select_comments(scenario.draft)
    out = io.BytesIO()
    build_summary(summary_data(sel), out, fonts=Fonts(body="仿宋", heading="SimHei", title="宋体"))
    doc = Document(io.BytesIO(out.getvalue()))
    assert doc.styles["Normal"].element.rPr.find(W + "rFonts").get(W + "eastAsia") == "仿宋"
    assert doc.styles["Heading 1"].element.rPr.find(W + "rFonts").get(W + "eastAsia") == "SimHei"


def test_layout_page_field_repeating_header_landscape_and_headings(scenario):
    doc = Document(io.BytesIO(build(scenario.draft)))
    footer = doc.sections[0].footer._element
    assert "PAGE" in "".join(t.text or "" for t in footer.iter(W + "instrText"))
    assert [f.get(W + "fldCharType") for f in footer.iter(W + "fldChar")] == ["begin", "separate", "end"]
    assert doc.sections[0].orientation == WD_ORIENT.PORTRAIT
    assert doc.sections[-1].orientation == WD_ORIENT.LANDSCAPE
    assert doc.sections[-1].page_width > doc.sections[-1].page_height
    assert doc.sections[-1].footer.is_linked_to_previous
    assert doc.tables
    for table in doc.tables:
        first = table._tbl.tr_lst[0]
        assert first.find(f"{W}trPr/{W}tblHeader") is not None
    headers = [[c.text for c in table.rows[0].cells] for table in doc.tables]
    assert headers[0] == ["条款", "意见", "采纳", "部分采纳", "未采纳", "待研究", "未处理"]  # the tally
    assert ["序号", "条款", "修改意见或建议"] in [h[:3] for h in headers]  # an article with a paragraph comment
    assert ["序号", "修改意见或建议", "理由"] in [h[:3] for h in headers]  # one without
    styles = {p.style.name for p in doc.paragraphs if p.style.name.startswith("Heading")}
    assert {"Heading 1", "Heading 2"} <= styles
    article_headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
    assert article_headings[:2] == ["第一条", "第二条"]


def test_new_comment_after_build_of_selection_is_consistent(scenario, db):
    """A comment entered between selections shows up in the next export."""
    enter_comment(scenario.draft, contact_point=scenario.point, anchor="第五条", body="再补充一条意见。",
                  actor=scenario.staff)
    db.session.commit()
    rows = body_cells(build(scenario.draft))
    assert "再补充一条意见。" in [first_line(cells[2]) for _h, cells in rows]


def visible(scenario) -> dict[int, object]:
    """The scenario's comments an export covers by default (published or recorded internally)."""
    return {c.id: c for c in scenario.comments.values() if c.moderation_state in ("published", "internal")}


@pytest.mark.parametrize("query", ["景区", "旅游", "施行", "民宿 OR 导游"])
def test_query_export_contains_exactly_the_search_results(scenario, query):
    from consult.search.queries import matching_comment_ids

    expected = set(matching_comment_ids(query, draft_id=scenario.draft.id)) & set(visible(scenario))
    assert expected and expected != set(visible(scenario))  # the query selects something, not everything
    by_id = visible(scenario)
    folded = set(scenario.duplicates[1:]) if len(expected & set(scenario.duplicates)) > 1 else set()
    rows = body_cells(build(scenario.draft, None, query))
    got = sorted(first_line(cells[2]) for _h, cells in rows)
    want = sorted(by_id[i].body.replace("13800001111", "138****1111") for i in expected - folded)
    assert got == want


@pytest.mark.parametrize("query, filters", [("建议", {}), ("民宿", {"contact_point": "QJ-A-01"}),
                                            ("意见", {"moderation_state": "pending"})])
def test_query_sheet_has_exactly_the_search_results_with_filters(scenario, query, filters):
    from consult.exports.services import export_sheet
    from consult.search.queries import matching_comment_ids

    from .conftest import xlsx_rows

    expected = set(matching_comment_ids(query, draft_id=scenario.draft.id, filters=filters))
    if "moderation_state" not in filters:
        expected &= set(visible(scenario))
    assert expected
    out = io.BytesIO()
    export_sheet(scenario.draft, out, selection={**filters, "q": query})
    assert {row[0] for row in xlsx_rows(io.BytesIO(out.getvalue()))[1:]} == expected


def test_bad_query_syntax_is_a_clear_error(scenario):
    with pytest.raises(UserError, match="引号"):
        select_comments(scenario.draft, {"q": '"民宿'})


def test_front_matter_tallies_decisions_in_total_and_per_article(scenario):
    data = build(scenario.draft)
    text = "\n".join(docx_text(data))
    # 13 received comments: a3_item2 adopted, a1 partly adopted, a5 not adopted, 10 undecided.
    assert "共 13 条意见，其中采纳 1 条，部分采纳 1 条，未采纳 1 条，待研究 0 条，未处理 10 条。" in text
    doc = Document(io.BytesIO(data))
    tally = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert tally[0] == ["条款", "意见", "采纳", "部分采纳", "未采纳", "待研究", "未处理"]
    by_label = {row[0]: row[1:] for row in tally[1:]}
    assert by_label["第一条"] == ["1", "0", "1", "0", "0", "0"]
    assert by_label["第三条"] == ["2", "1", "0", "0", "0", "1"]
    assert by_label["第五条"] == ["1", "0", "0", "1", "0", "0"]
    assert by_label["合计"] == ["13", "1", "1", "1", "0", "10"]
    assert list(by_label)[0] == "总体意见" and list(by_label)[-2] == "建议新增条款"
    assert "本条共 2 条意见：采纳 1 条，未处理 1 条。" in text  # under 第三条's heading


def test_undecided_is_staff_wording_in_the_summary(scenario):
    rows = body_cells(build(scenario.draft))
    assert {cells[6] for _h, cells in rows} == {"采纳", "部分采纳", "未采纳", "未处理"}


@pytest.mark.parametrize("attendances, words", [
    ((23,), "召开座谈会等活动 1 场，共 23 人次参加"),
    ((23, 0, 0), "召开座谈会等活动 3 场，其中 1 场记录了参加人数，共 23 人次"),
    ((0,), "召开座谈会等活动 1 场（均未记录参加人数）"),
])
def test_meetings_without_recorded_attendance_are_said_plainly(scenario, db, attendances, words):
    from consult.contact_points.services import create_meeting

    scenario.meeting.attendance = attendances[0]
    for attendance in attendances[1:]:
        create_meeting(scenario.draft, scenario.point, held_on=scenario.meeting.held_on, kind="discussion",
                       place="村委会", attendance=attendance, actor=scenario.staff)
    db.session.commit()
    text = "\n".join(docx_text(build(scenario.draft)))
    assert words in text
    assert "参加 23 人次" not in text or attendances == (23,)


def test_source_puts_the_meeting_date_on_its_own_line(scenario):
    rows = body_cells(build(scenario.draft))
    sources = {cells[5] for _h, cells in rows}
    held = scenario.meeting.held_on.isoformat()
    assert f"东湖街道基层立法联系点\n座谈会 {held}" in sources
