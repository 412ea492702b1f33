"""Feedback letters and spreadsheets built from the database."""
from __future__ import annotations

import csv
import io
import zipfile

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from openpyxl import load_workbook

from consult.comments.services import enter_comment
from consult.exports.feedback import build_feedback_letter
from consult.errors import UserError
from consult.exports.recipients import (
    Letterhead, commenter_letter, commenter_letters, contact_point_letter, contact_point_letters,
    letter_counts)
from consult.exports.selection import ExportOptions
from consult.exports.services import export_feedback, export_sheet

from .conftest import PHONE, decide_all, docx_text, table_rows, xlsx_rows

BODY = "清江市人大常委会法制工作委员会"
DRAFT = Letterhead(issuing_body=BODY, as_draft=True)


def test_contact_point_letter_lists_each_comment_with_decision_and_reason(scenario, db):
    c = scenario.comments
    decide_all(scenario, db)
    head = Letterhead(issuing_body=BODY, doc_number="清法工函〔2027〕12号")
    letter = contact_point_letter(scenario.draft, "QJ-B-02", head=head)
    out = io.BytesIO()
    assert build_feedback_letter(letter, out) == 2
    text = docx_text(out.getvalue())
    # GB/T 9704 letter format: the issuing body, the 文号 at the right below it, then the title.
    assert text[:4] == [BODY, "清法工函〔2027〕12号", "意见反馈函", "西山镇基层立法联系点："]
    paragraphs = Document(io.BytesIO(out.getvalue())).paragraphs
    assert paragraphs[1].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert paragraphs[-2].text == BODY and paragraphs[-2].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    rows = [cells for _h, cells in table_rows(out.getvalue())]
    assert [r[2].split("\n")[0] for r in rows] == [c["a1"].body, c["dup2"].body]
    assert rows[0][4] == "部分采纳" and rows[0][5] == "在说明中写明。"
    assert rows[1][4] == "待研究"
    assert "赵六" not in "\n".join(text) and "赵*" in rows[0][3]


@pytest.mark.parametrize("target, whom, count", [
    ({"contact_point": "QJ-B-02"}, "西山镇基层立法联系点", 1),
    ({"contact_point": "QJ-A-01"}, "东湖街道基层立法联系点", 8),
    ({"all_contact_points": True}, "各联系点", 9),
])
def test_letters_are_refused_with_the_count_while_comments_are_undecided(scenario, target, whom, count):
    with pytest.raises(UserError) as refused:
        export_feedback(scenario.draft, io.BytesIO(), **target)
    assert f"{whom}还有 {count} 条意见尚未作出采纳决定" in refused.value.message
    assert refused.value.field == "as_draft"


def test_commenter_letter_is_refused_while_undecided(scenario, db):
    code = scenario.comments["a1"].receipt_code  # decided: fine
    assert commenter_letter(scenario.draft, code).comments
    with pytest.raises(UserError, match="该提出人还有 1 条意见尚未作出采纳决定"):
        commenter_letter(scenario.draft, scenario.comments["a3"].receipt_code)


def test_a_draft_letter_says_so_and_never_shows_an_internal_word(scenario):
    letter = contact_point_letter(scenario.draft, "QJ-A-01", head=DRAFT)
    out = io.BytesIO()
    build_feedback_letter(letter, out)
    text = "\n".join(docx_text(out.getvalue()))
    assert "意见反馈函（征求意见稿）" in text and "本函为征求意见稿" in text
    decisions = {cells[4] for _h, cells in table_rows(out.getvalue())}
    assert decisions == {"采纳", "未采纳", "尚未答复"}
    for internal in ("未处理", "待审核", "内部记录", "不予公开"):
        assert internal not in text


def test_each_contact_point_gets_its_own_letter(scenario):
    letters = list(contact_point_letters(scenario.draft, head=DRAFT))
    assert [letter.reference for letter in letters] == ["QJ-A-01", "QJ-B-02"]
    by_point = {letter.reference: {row.id for row in letter.comments} for letter in letters}
    assert by_point["QJ-B-02"] == {scenario.comments["a1"].id, scenario.comments["dup2"].id}
    assert scenario.comments["online"].id not in by_point["QJ-A-01"]
    assert scenario.comments["a3_item2"].id in by_point["QJ-A-01"]
    assert letter_counts(scenario.draft) == {"contact_points": 2, "commenters": 1, "undecided": 10}


def test_zip_of_all_contact_point_letters(scenario, db):
    decide_all(scenario, db)
    out = io.BytesIO()
    head = Letterhead(issuing_body=BODY, doc_number="清法工函〔2027〕{n}号")
    assert export_feedback(scenario.draft, out, all_contact_points=True, head=head) == 2
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        names = sorted(archive.namelist())
        assert names == ["意见反馈函_QJ-A-01_东湖街道基层立法联系点.docx", "意见反馈函_QJ-B-02_西山镇基层立法联系点.docx"]
        text = docx_text(io.BytesIO(archive.read(names[1])))
        assert "西山镇基层立法联系点：" in text and "清法工函〔2027〕2号" in text


def test_commenter_letter_for_a_receipt_code_gathers_that_persons_comments(scenario, db):
    first = scenario.comments["a3_item2"]
    again = enter_comment(scenario.draft, contact_point=scenario.point, anchor="第五条", body="我还有一条意见。",
                          commenter_name="张三", contact=PHONE, wants_feedback=True, actor=scenario.staff)
    db.session.commit()
    letter = commenter_letter(scenario.draft, first.receipt_code.lower(), head=DRAFT)
    assert [row.id for row in letter.comments] == [first.id, again.id]
    assert letter.addressee == "张三"  # their own letter: the name they gave, unmasked
    out = io.BytesIO()
    build_feedback_letter(letter, out)
    text = "\n".join(docx_text(out.getvalue()))
    assert "张三：" in text and "感谢您" in text and PHONE not in text and "采纳" in text
    assert [cells[3] for _h, cells in table_rows(out.getvalue())] == ["采纳", "尚未答复"]
    assert [letter.addressee for letter in commenter_letters(scenario.draft, head=DRAFT)] == ["张三"]


def test_commenter_letter_refuses_unknown_or_unmoderated_codes(scenario):
    with pytest.raises(UserError, match="没有回执编号为 NOPE 的意见"):
        commenter_letter(scenario.draft, "NOPE")
    with pytest.raises(UserError, match="尚未审核"):
        commenter_letter(scenario.draft, scenario.comments["pending"].receipt_code)
    with pytest.raises(UserError, match="没有编码为 XX 的联系点"):
        contact_point_letter(scenario.draft, "XX")


def test_a_phone_typed_into_the_name_is_masked_in_the_address(scenario, db):
    comment = enter_comment(scenario.draft, contact_point=scenario.point, anchor="第五条", body="补充意见。",
                            commenter_name="李华13811114444", actor=scenario.staff)
    db.session.commit()
    letter = commenter_letter(scenario.draft, comment.receipt_code, head=DRAFT)
    assert letter.addressee.startswith("李华") and "13811114444" not in letter.addressee


def test_xlsx_has_every_comment_with_masking(scenario):
    out = io.BytesIO()
    count = export_sheet(scenario.draft, out, fmt="xlsx", options=ExportOptions(with_internal=True))
    assert count == 13
    rows = xlsx_rows(io.BytesIO(out.getvalue()))
    header = rows[0]
    assert "联系方式" not in header and "内部备注" in header and header[:4] == ("编号", "回执编号", "条款", "意见建议")
    assert len(rows) == 14
    ids = [r[0] for r in rows[1:]]
    assert sorted(ids) == sorted(c.id for c in scenario.comments.values() if c.moderation_state != "pending")
    flat = "\n".join(str(v) for r in rows for v in r if v is not None)
    assert "张三" not in flat and PHONE not in flat and "张*" in flat
    record = dict(zip(header, rows[ids.index(scenario.comments["a3_item2"].id) + 1]))
    assert record["采纳情况"] == "采纳" and record["联系点编码"] == "QJ-A-01" and record["希望反馈"] == "是"
    assert record["条款"] == "第三条第一款第（二）项" and record["渠道"] == "座谈会"
    dup = dict(zip(header, rows[ids.index(scenario.comments["dup1"].id) + 1]))
    assert dup["相同意见组"] is not None


def test_xlsx_with_contacts_and_names(scenario):
    out = io.BytesIO()
    export_sheet(scenario.draft, out, fmt="xlsx", options=ExportOptions(with_names=True, with_contacts=True))
    rows = xlsx_rows(io.BytesIO(out.getvalue()))
    assert "联系方式" in rows[0] and "内部备注" not in rows[0]
    flat = "\n".join(str(v) for r in rows for v in r if v is not None)
    assert "张三" in flat and PHONE in flat


def test_csv_columns_masking_and_formula_guard(scenario, db):
    enter_comment(scenario.draft, contact_point=scenario.point, anchor="第五条", body="=HYPERLINK(\"x\")",
                  commenter_name="蒋十五", actor=scenario.staff)
    db.session.commit()
    out = io.BytesIO()
    count = export_sheet(scenario.draft, out, fmt="csv", selection={"contact_point": "QJ-A-01"})
    raw = out.getvalue()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:3] == ["编号", "回执编号", "条款"] and "联系方式" not in rows[0]
    assert len(rows) == count + 1 == 12
    text = raw.decode("utf-8-sig")
    assert "蒋十五" not in text and "蒋**" in text and PHONE not in text
    assert "'=HYPERLINK" in text


def test_xlsx_keeps_formula_like_text_as_text(scenario, db):
    enter_comment(scenario.draft, contact_point=scenario.point, anchor="第五条", body="=1+1", actor=scenario.staff)
    db.session.commit()
    out = io.BytesIO()
    article_id = scenario.comments["a5"].article_id
    export_sheet(scenario.draft, out, fmt="xlsx", selection={"article_id": article_id})
    workbook = load_workbook(io.BytesIO(out.getvalue()))
    cells = [row[3] for row in workbook["意见"].iter_rows(min_row=2)]
    formula_like = [cell for cell in cells if cell.value == "=1+1"]
    assert formula_like and formula_like[0].data_type == "s"


def test_bad_sheet_format(scenario):
    with pytest.raises(UserError, match="不支持的表格格式"):
        export_sheet(scenario.draft, io.BytesIO(), fmt="ods")
