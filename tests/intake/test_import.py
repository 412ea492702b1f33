"""The spreadsheet import page: all rows or none, errors per row and column, duplicates refused."""
from __future__ import annotations

import io

import openpyxl
import pytest
from sqlalchemy import func, select

from consult.comments.models import Comment

HEADER = "条款,意见,理由,提出人,类别\n"


def _post(client, draft, point, content: bytes, filename="comments.csv", meeting=None):
    return client.post("/intake/import", content_type="multipart/form-data", data={
        "draft_id": str(draft.id), "contact_point_id": str(point.id), "meeting_id": str(meeting.id if meeting else 0),
        "file": (io.BytesIO(content), filename)})


def _count(db):
    return db.session.scalar(select(func.count(Comment.id)))


def test_page_offers_the_templates(client, auth, facilitator, draft):
    auth.login(facilitator)
    page = client.get("/intake/import").get_data(as_text=True)
    assert "/intake/import/template.xlsx" in page and "/intake/import/template.csv" in page
    csv_template = client.get("/intake/import/template.csv")
    assert csv_template.status_code == 200 and "条款" in csv_template.get_data().decode("utf-8-sig")
    xlsx = client.get("/intake/import/template.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.data)).active
    assert "意见" in [cell.value for cell in sheet[1]]
    assert client.get("/intake/import/template.pdf").status_code == 404


def test_valid_csv_is_imported_for_the_point_and_meeting(client, auth, db, facilitator, draft, point, meeting):
    auth.login(facilitator)
    content = (HEADER + "3,建议增加宣传。,宣传不够,张三,居民\n第四条第二款,登记要简化。,,李四,企业\n").encode("utf-8")
    response = _post(client, draft, point, content, meeting=meeting)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/intake/drafts/{draft.id}/points/{point.id}")
    comments = list(db.session.scalars(select(Comment).order_by(Comment.id)))
    assert [c.body for c in comments] == ["建议增加宣传。", "登记要简化。"]
    assert all(c.contact_point_id == point.id and c.meeting_id == meeting.id for c in comments)
    assert (comments[1].article.number, comments[1].paragraph_no) == (4, 2)


def test_valid_xlsx_is_imported(client, auth, db, facilitator, draft, point):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["条款", "意见", "提出人"])
    sheet.append(["总体", "总体赞成。", "王五"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    auth.login(facilitator)
    response = _post(client, draft, point, buffer.getvalue(), "meeting.xlsx")
    assert response.status_code == 302
    assert db.session.scalar(select(Comment.anchor_kind)) == "general"


def test_invalid_rows_are_listed_and_nothing_is_saved(client, auth, db, facilitator, draft, point):
    auth.login(facilitator)
    content = (HEADER + "3,好的意见。,,,\n99,没有这一条。,,,\n4,,,,\n").encode("utf-8")
    response = _post(client, draft, point, content)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "未导入" in page
    assert "草案中没有第九十九条" in page
    # Each error sits in a table row with its spreadsheet row number and column.
    assert "<td>3</td><td>条款</td>" in page
    assert "<td>4</td><td>意见</td>" in page
    assert _count(db) == 0


def test_same_file_twice_is_refused(client, auth, db, facilitator, draft, point):
    auth.login(facilitator)
    content = (HEADER + "3,建议增加宣传。,,,\n").encode("utf-8")
    assert _post(client, draft, point, content).status_code == 302
    response = _post(client, draft, point, content)
    assert response.status_code == 422
    assert "已经导入过" in response.get_data(as_text=True)
    assert _count(db) == 1


def test_wrong_file_type_is_refused(client, auth, db, facilitator, draft, point):
    auth.login(facilitator)
    response = _post(client, draft, point, b"%PDF-1.4 binary", "comments.pdf")
    assert response.status_code == 422
    assert _count(db) == 0


def test_meeting_of_another_point_is_refused(client, auth, db, facilitator, draft, point, make_user,
                                             other_point):
    from consult.contact_points.services import create_meeting, local_today

    staff = make_user("staff")
    other_meeting = create_meeting(draft, other_point, held_on=local_today(), kind="visit", actor=staff)
    db.session.commit()
    auth.login(facilitator)
    response = _post(client, draft, point, (HEADER + "3,意见,,,\n").encode("utf-8"), meeting=other_meeting)
    assert response.status_code == 422
    assert _count(db) == 0


def test_import_for_another_point_is_refused(client, auth, db, facilitator, draft, other_point):
    auth.login(facilitator)
    response = _post(client, draft, other_point, (HEADER + "3,意见,,,\n").encode("utf-8"))
    assert response.status_code in (403, 422)
    assert _count(db) == 0


def test_oversize_upload_gets_a_clear_413(app, client, auth, db, facilitator, draft, point):
    app.config["MAX_CONTENT_LENGTH"] = 2048
    auth.login(facilitator)
    response = _post(client, draft, point, (HEADER + "3,意见,,,\n" * 400).encode("utf-8"))
    page = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "上传的文件过大" in page and "2 KB" in page and "未保存任何内容" in page
    assert _count(db) == 0


# --- the template, personal information, hostile files (issue 8 §2, issue 9 #6 #8 #11) ---------------

def test_template_examples_cannot_be_imported_by_accident(client, auth, db, facilitator, draft, point):
    auth.login(facilitator)
    xlsx = client.get("/intake/import/template.xlsx").data
    response = _post(client, draft, point, xlsx, "template.xlsx")
    assert response.status_code == 422 and "只有表头" in response.get_data(as_text=True)
    csv_template = client.get("/intake/import/template.csv").data
    response = _post(client, draft, point, csv_template, "template.csv")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "模板中的示例行" in page
    assert _count(db) == 0


def test_chinese_channel_names_and_consent_columns(client, auth, db, facilitator, draft, point):
    header = "条款,意见,提出人,联系方式,希望反馈,同意保存联系方式,未满十四周岁,渠道\n"
    rows = ("3,网上看到的意见。,张三,13900001111,是,是,,网上征求意见\n"
            "4,来信意见。,小明,13900002222,是,是,是,来信\n"
            "总体,座谈会意见。,李四,,,,,座谈会\n")
    auth.login(facilitator)
    assert _post(client, draft, point, (header + rows).encode("utf-8")).status_code == 302
    online, letter, meeting = db.session.scalars(select(Comment).order_by(Comment.id))
    assert (online.channel, online.commenter_contact, online.wants_feedback, online.consent_personal_info) == (
        "online", "13900001111", True, True)
    # A child under 14: flagged, and neither name nor contact is stored.
    assert (letter.channel, letter.commenter_is_minor, letter.commenter_name, letter.commenter_contact) == (
        "letter", True, "", "")
    assert meeting.channel == "meeting"


@pytest.mark.parametrize("cells, column, words", [
    ("13900001111,,", "联系方式", "希望收到反馈"),
    ("13900001111,是,", "同意保存联系方式", "同意"),
    (",是,是", "联系方式", "联系方式"),
    ("13900001111,也许,是", "希望反馈", "是”或“否"),
])
def test_contact_without_feedback_and_consent_is_refused(client, auth, db, facilitator, draft, point, cells, column,
                                                         words):
    content = f"条款,意见,联系方式,希望反馈,同意保存联系方式\n3,意见,{cells}\n".encode("utf-8")
    auth.login(facilitator)
    response = _post(client, draft, point, content)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f"<td>2</td><td>{column}</td>" in page and words in page
    assert _count(db) == 0


def test_big5_and_gb18030_csv_are_read_not_garbled(client, auth, db, facilitator, draft, point):
    auth.login(facilitator)
    big5 = "條款,意見,提出人\n3,建議增加文明旅遊宣傳。,陳大文\n".encode("big5")
    assert _post(client, draft, point, big5, "big5.csv").status_code == 302
    gb = "条款,意见,提出人\n4,民宿登记要简化。,王五\n".encode("gb18030")
    assert _post(client, draft, point, gb, "gb.csv").status_code == 302
    assert list(db.session.scalars(select(Comment.commenter_name).order_by(Comment.id))) == ["陳大文", "王五"]


def test_unreadable_encoding_is_refused_with_a_message(client, auth, db, facilitator, draft, point):
    auth.login(facilitator)
    noise = bytes(range(0x80, 0x100)) * 40
    response = _post(client, draft, point, b"\xa1\xa1" + noise, "noise.csv")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and ("编码" in page or "不是文本格式" in page)
    assert _count(db) == 0


def _sheet_with_rows(row_xml: bytes, count: int) -> bytes:
    """A real workbook whose first sheet's XML is replaced by `count` copies of `row_xml` (streamed in)."""
    import zipfile

    workbook = openpyxl.Workbook()
    workbook.active.append(["条款", "意见"])
    base = io.BytesIO()
    workbook.save(base)
    out = io.BytesIO()
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                target.writestr(item, source.read(item.filename))
                continue
            with target.open("xl/worksheets/sheet1.xml", "w") as sheet:
                sheet.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                            b'spreadsheetml/2006/main"><sheetData>')
                sheet.write('<row r="1"><c r="A1" t="inlineStr"><is><t>条款</t></is></c>'
                            '<c r="B1" t="inlineStr"><is><t>意见</t></is></c></row>'.encode("utf-8"))
                chunk = b"".join(row_xml.replace(b"N", str(n).encode()) for n in range(2, 1002))
                for _ in range(count // 1000):
                    sheet.write(chunk)
                sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


def test_blank_row_bomb_is_refused_fast(client, auth, db, facilitator, draft, point):
    import time

    # 300,000 formatted blank rows (~10 MB of sheet XML, 1.4 MB zipped) are refused the same way; the test
    # keeps the upload small so that it stays in memory.
    data = _sheet_with_rows(b'<row r="N"><c r="AN" s="0"/></row>', 30_000)
    auth.login(facilitator)
    started = time.process_time()
    response = _post(client, draft, point, data, "blank.xlsx")
    assert time.process_time() - started < 5
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "空行也计算在内" in page
    assert _count(db) == 0


def test_sheet_xml_larger_than_the_bound_is_refused_before_reading(client, auth, db, facilitator, draft, point,
                                                                   monkeypatch):
    from consult.comments import spreadsheet

    monkeypatch.setattr(spreadsheet, "MAX_MEMBER", 256 * 1024)  # stands for the real 64 MB bound
    data = _sheet_with_rows(b'<row r="N"><c r="AN" s="0"/></row>', 10_000)
    auth.login(facilitator)
    response = _post(client, draft, point, data, "bomb.xlsx")
    assert response.status_code == 422 and "压缩炸弹" in response.get_data(as_text=True)
    assert _count(db) == 0
