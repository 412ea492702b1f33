"""The spreadsheet import page: all rows or none, errors per row and column, duplicates refused."""
from __future__ import annotations

import io

import openpyxl
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
