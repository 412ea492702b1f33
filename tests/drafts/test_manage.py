"""Staff draft management: upload (good and bad files), review with warnings in place, details, publish, close."""
from __future__ import annotations

import io
import zipfile
from datetime import datetime

import docx
import pytest
from sqlalchemy import func, select

from consult.drafts.models import Draft
from tests.conftest import SMALL_DRAFT

GAP_DRAFT = """清江市测试条例（草案）

第一章　总则
第一条　为了测试，制定本条例。
第二条　本条例适用于本市。
第四条　这里跳过了第三条。
第二章　附则
第五条　本条例自公布之日起施行。
"""


@pytest.fixture
def staff(make_user, auth):
    """A signed-in staff member."""
    user = make_user("staff")
    auth.login(user)
    return user


def _draft_count(db):
    return db.session.scalar(select(func.count(Draft.id)))


def _upload(client, content: bytes, filename: str, **fields):
    data = {"file": (io.BytesIO(content), filename), "title": "", "version_label": "", "draft_id": "0"}
    data.update(fields)
    return client.post("/drafts/upload", data=data, content_type="multipart/form-data")


def _docx_bytes(paragraphs) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("path", ["/drafts/manage", "/drafts/upload", "/drafts/1/review"])
def test_anonymous_goes_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/accounts/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["citizen", "facilitator"])
@pytest.mark.parametrize("path", ["/drafts/manage", "/drafts/upload", "/drafts/1/review"])
def test_non_staff_get_403(client, auth, make_user, make_draft, role, path):
    make_draft()
    auth.login(make_user(role))
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("method, path", [("post", "/drafts/1/publish"), ("post", "/drafts/1/close"),
                                          ("post", "/drafts/1/details")])
def test_non_staff_cannot_change_drafts(client, auth, make_user, make_draft, db, method, path):
    draft = make_draft()
    closes = draft.comment_closes_at
    auth.login(make_user("facilitator"))
    assert getattr(client, method)(path, data={"title": "篡改", "closes_at": "2030-01-01T00:00"}).status_code == 403
    db.session.refresh(draft)
    assert draft.comment_closes_at == closes and draft.title != "篡改"


def test_manage_lists_every_draft_with_its_state(client, staff, make_draft):
    make_draft(title="已发布的条例")
    make_draft(GAP_DRAFT, published=False, title="未发布的条例")
    page = client.get("/drafts/manage").get_data(as_text=True)
    assert "已发布的条例" in page and "未发布的条例" in page
    assert "征求意见中" in page and "未发布" in page


def test_public_index_links_manage_for_staff_only(client, auth, make_user, make_draft):
    make_draft()
    assert "/drafts/manage" not in client.get("/drafts/").get_data(as_text=True)
    auth.login(make_user("staff"))
    assert "/drafts/manage" in client.get("/drafts/").get_data(as_text=True)


def test_upload_txt_creates_a_draft_and_shows_review(client, staff, db):
    response = _upload(client, SMALL_DRAFT.encode("utf-8"), "文明旅游.txt", version_label="一审稿")
    assert response.status_code == 302
    draft = db.session.scalar(select(Draft))
    assert response.headers["Location"].endswith(f"/drafts/{draft.id}/review")
    assert draft.title == "清江市文明旅游促进条例"
    assert draft.current_version.label == "一审稿" and len(draft.current_version.articles) == 5
    assert not draft.is_published


def test_upload_docx_built_in_test(client, staff, db):
    content = _docx_bytes(["清江市养犬管理条例（草案）", "第一条　为了规范养犬行为，制定本条例。",
                           "第二条　本市行政区域内养犬，适用本条例。"])
    response = _upload(client, content, "养犬.docx", title="养犬管理条例")
    assert response.status_code == 302
    draft = db.session.scalar(select(Draft))
    assert draft.title == "养犬管理条例"
    assert [a.label for a in draft.current_version.articles] == ["第一条", "第二条"]


def test_upload_new_version_of_existing_draft(client, staff, db, make_draft):
    draft = make_draft()
    response = _upload(client, GAP_DRAFT.encode("utf-8"), "二审稿.txt", version_label="二审稿",
                       draft_id=str(draft.id))
    assert response.status_code == 302
    db.session.refresh(draft)
    assert len(draft.versions) == 2 and draft.current_version.label == "二审稿"
    assert _draft_count(db) == 1


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"0" * (60 * 1024 * 1024))
    return buffer.getvalue()


@pytest.mark.parametrize("content, filename, words", [
    (b"PK\x03\x04 this is not really a zip", "损坏.docx", "zip 损坏"),
    ("bomb", "炸弹.docx", "zip 炸弹"),
    (bytes(range(256)) * 40, "二进制.txt", "二进制"),
    (b"%PDF-1.7 fake", "草案.pdf", "不支持的文件类型"),
    ("本文件没有任何条文。\n只有说明。".encode("utf-8"), "说明.txt", "没有识别到任何条文"),
    (b"", "empty.txt", "空"),
])
def test_bad_files_give_a_clear_message_and_change_nothing(client, staff, db, content, filename, words):
    if content == "bomb":
        content = _zip_bomb()
    response = _upload(client, content, filename)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "未导入" in page and words in page
    assert _draft_count(db) == 0


def test_same_file_as_current_version_is_refused(client, staff, db, make_draft):
    draft = make_draft()
    response = _upload(client, SMALL_DRAFT.encode("utf-8"), "draft.txt", draft_id=str(draft.id))
    assert response.status_code == 422 and "完全相同" in response.get_data(as_text=True)
    db.session.refresh(draft)
    assert len(draft.versions) == 1


def test_oversize_upload_gets_a_clear_413_and_changes_nothing(app, client, staff, db):
    app.config["MAX_CONTENT_LENGTH"] = 4096
    response = _upload(client, SMALL_DRAFT.encode("utf-8") * 20, "big.txt")
    page = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "上传的文件过大" in page and "4 KB" in page and "未保存任何内容" in page
    assert _draft_count(db) == 0


def test_review_shows_the_warning_next_to_its_article(client, staff, make_draft):
    draft = make_draft(GAP_DRAFT, published=False)
    page = client.get(f"/drafts/{draft.id}/review").get_data(as_text=True)
    assert "待核对的提示（1）" in page
    # Listed at the top with a link ...
    assert '<a href="#warning-1">第 6 行</a>' in page
    # ... and shown inside the block of 第四条 (the article on line 6), not beside 第二条.
    block_start = page.index('id="review-art-4"')
    block = page[block_start: page.index("</section>", block_start)]
    assert 'id="warning-1"' in block and "缺少第三条" in block
    second = page[page.index('id="review-art-2"'): page.index('id="review-art-4"')]
    assert "缺少第三条" not in second


def test_review_places_trailing_and_preamble_warnings():
    from types import SimpleNamespace

    from consult.drafts.queries import place_warnings

    articles = [SimpleNamespace(id=1, source_line=4, paragraphs=["甲"]),
                SimpleNamespace(id=2, source_line=6, paragraphs=["乙", "丙"])]
    version = SimpleNamespace(articles=articles, warnings=[
        {"code": "a", "message": "标题", "line": 1}, {"code": "b", "message": "第一条", "line": 5},
        {"code": "c", "message": "第二条", "line": 8}, {"code": "d", "message": "附件", "line": 20},
        {"code": "e", "message": "全文", "line": None}])
    placed = place_warnings(version)
    assert [w["message"] for w in placed["preamble"]] == ["标题"]
    assert [w["message"] for w in placed["articles"][1]] == ["第一条"]
    assert [w["message"] for w in placed["articles"][2]] == ["第二条"]
    assert [w["message"] for w in placed["trailing"]] == ["附件"]
    assert [w["message"] for w in placed["unplaced"]] == ["全文"]
    assert [w["anchor"] for w in placed["all"]] == [f"warning-{i}" for i in range(1, 6)]


def test_edit_details(client, staff, db, make_draft):
    draft = make_draft(published=False)
    response = client.post(f"/drafts/{draft.id}/details", data={
        "title": "清江市文明旅游条例（修改稿）", "version_label": "二审稿", "description": "起草说明"})
    assert response.status_code == 302
    db.session.refresh(draft)
    assert (draft.title, draft.current_version.label, draft.description) == (
        "清江市文明旅游条例（修改稿）", "二审稿", "起草说明")
    response = client.post(f"/drafts/{draft.id}/details", data={"title": "", "version_label": "x"})
    assert response.status_code == 422 and "标题不能为空" in response.get_data(as_text=True)
    db.session.refresh(draft)
    assert draft.title == "清江市文明旅游条例（修改稿）"


def test_publish_asks_then_converts_local_time_to_utc(client, staff, db, make_draft):
    draft = make_draft(published=False)
    window = {"opens_at": "2026-03-01T08:00", "closes_at": "2026-04-01T18:30"}
    first = client.post(f"/drafts/{draft.id}/publish", data=window)
    page = first.get_data(as_text=True)
    assert first.status_code == 200 and "确认发布" in page and "2026-04-01 18:30" in page
    assert 'name="confirmed" value="1"' in page and 'value="2026-04-01T18:30"' in page
    db.session.refresh(draft)
    assert not draft.is_published  # the first step only asks
    response = client.post(f"/drafts/{draft.id}/publish", data={**window, "confirmed": "1"})
    assert response.status_code == 302
    db.session.refresh(draft)
    assert draft.is_published
    assert draft.comment_opens_at == datetime(2026, 3, 1, 0, 0)
    assert draft.comment_closes_at == datetime(2026, 4, 1, 10, 30)


def test_publish_with_close_before_open_changes_nothing(client, staff, db, make_draft):
    draft = make_draft(published=False)
    response = client.post(f"/drafts/{draft.id}/publish", data={
        "opens_at": "2026-05-01T08:00", "closes_at": "2026-04-01T08:00"})
    assert response.status_code == 422
    assert "截止时间必须晚于开始时间" in response.get_data(as_text=True)
    db.session.refresh(draft)
    assert not draft.is_published


def test_close_now(client, staff, db, make_draft):
    draft = make_draft()
    assert draft.is_open()
    page = client.get(f"/drafts/{draft.id}/review").get_data(as_text=True)
    assert f"/drafts/{draft.id}/close" in page
    confirm = client.get(f"/drafts/{draft.id}/close")
    assert confirm.status_code == 200 and "确认截止" in confirm.get_data(as_text=True)
    db.session.refresh(draft)
    assert draft.is_open()  # asking changes nothing
    response = client.post(f"/drafts/{draft.id}/close")
    assert response.status_code == 302
    db.session.refresh(draft)
    assert not draft.is_open()
    assert f"/drafts/{draft.id}/close" not in client.get(f"/drafts/{draft.id}/review").get_data(as_text=True)


def test_close_unpublished_draft_is_refused(client, staff, db, make_draft):
    draft = make_draft(published=False)
    response = client.post(f"/drafts/{draft.id}/close", follow_redirects=True)
    assert "尚未发布" in response.get_data(as_text=True)
    db.session.refresh(draft)
    assert draft.comment_closes_at is None


def test_public_pages_still_work(client, make_draft):
    draft = make_draft()
    assert client.get("/drafts/").status_code == 200
    assert client.get(f"/drafts/{draft.id}").status_code == 200
    assert client.get(f"/drafts/{draft.id}/articles/3").status_code == 200
    assert client.get("/drafts/privacy").status_code == 200
    unpublished = make_draft(GAP_DRAFT, published=False)
    assert client.get(f"/drafts/{unpublished.id}").status_code == 404
    assert client.get(f"/drafts/{draft.id + 99}/review").status_code == 302  # anonymous → login
