"""Intake pages: who may open them, meetings, fast entry, the resolve endpoint, corrections."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from consult.comments.models import Comment
from consult.contact_points.models import Meeting
from consult.drafts.models import Article
from consult.contact_points.services import local_today


def _comments(db):
    return list(db.session.scalars(select(Comment).order_by(Comment.id)))


def _article(db, draft, number):
    return db.session.scalar(select(Article).where(Article.version_id == draft.current_version.id,
                                                   Article.number == number))


@pytest.mark.parametrize("path", ["/intake/", "/intake/meetings/new", "/intake/import",
                                  "/intake/resolve?draft_id=1&anchor=1", "/intake/import/template.csv"])
def test_anonymous_goes_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/accounts/login" in response.headers["Location"]


@pytest.mark.parametrize("path", ["/intake/", "/intake/meetings/new", "/intake/import"])
def test_citizen_and_unbound_facilitator_get_403(client, auth, make_user, path):
    auth.login(make_user("citizen"))
    assert client.get(path).status_code == 403
    auth.logout()
    auth.login(make_user("facilitator"))  # bound to no contact point
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("role", ["facilitator", "staff", "admin"])
def test_index_lists_points_drafts_and_meetings(client, auth, make_user, point, meeting, role):
    user = meeting.contact_point.facilitators[0] if role == "facilitator" else make_user(role)
    auth.login(user)
    page = client.get("/intake/").get_data(as_text=True)
    assert point.name in page
    assert meeting.draft.title in page
    assert f"/intake/meetings/{meeting.id}" in page
    assert "座谈会" in page


def test_create_meeting_then_lands_on_entry(client, auth, db, facilitator, draft, point):
    auth.login(facilitator)
    response = client.post("/intake/meetings/new", data={
        "draft_id": draft.id, "contact_point_id": point.id, "held_on": local_today().isoformat(),
        "kind": "residents_meeting", "place": "文化中心", "attendance": "25", "deputies_present": "王代表",
        "notes": ""})
    assert response.status_code == 302
    meeting = db.session.scalar(select(Meeting))
    assert response.headers["Location"].endswith(f"/intake/meetings/{meeting.id}")
    assert (meeting.kind, meeting.place, meeting.attendance) == ("residents_meeting", "文化中心", 25)


def test_meeting_in_future_is_refused_with_field_message(client, auth, db, facilitator, draft, point):
    auth.login(facilitator)
    response = client.post("/intake/meetings/new", data={
        "draft_id": draft.id, "contact_point_id": point.id,
        "held_on": (local_today() + timedelta(days=2)).isoformat(), "kind": "symposium", "attendance": "3"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "会议日期不能晚于今天" in page
    assert 'aria-invalid="true"' in page and 'aria-describedby="held_on-error"' in page
    assert db.session.scalar(select(func.count(Meeting.id))) == 0


def test_meeting_for_other_point_is_refused(client, auth, db, facilitator, draft, other_point):
    auth.login(facilitator)
    response = client.post("/intake/meetings/new", data={
        "draft_id": draft.id, "contact_point_id": other_point.id, "held_on": local_today().isoformat(),
        "kind": "symposium"})
    # The select only offers the facilitator's own points.
    assert response.status_code == 422
    assert db.session.scalar(select(func.count(Meeting.id))) == 0


def test_edit_meeting(client, auth, db, meeting, facilitator):
    auth.login(facilitator)
    response = client.post(f"/intake/meetings/{meeting.id}/edit", data={
        "held_on": meeting.held_on.isoformat(), "kind": "visit", "place": "村委会", "attendance": "8"})
    assert response.status_code == 302
    db.session.refresh(meeting)
    assert (meeting.kind, meeting.place, meeting.attendance) == ("visit", "村委会", 8)


def test_entry_page_starts_in_the_article_field(client, auth, meeting, facilitator):
    auth.login(facilitator)
    page = client.get(f"/intake/meetings/{meeting.id}").get_data(as_text=True)
    assert 'name="anchor"' in page
    anchor_input = page[page.index('name="anchor"') - 200: page.index('name="anchor"') + 200]
    assert "autofocus" in anchor_input
    assert 'aria-live="polite"' in page and 'id="anchor-resolved"' in page
    assert "js/intake.js" in page and "<script>" not in page


def test_five_comments_in_a_row_with_different_anchor_forms(client, auth, db, meeting, facilitator, draft):
    auth.login(facilitator)
    entries = [
        ("3", "建议增加文明旅游宣传。", "article", 3, None, None),
        ("第四条", "民宿登记应当简化。", "article", 4, None, None),
        ("4.2", "登记可以网上办理。", "paragraph", 4, 2, None),
        ("3.1.2", "景区秩序要具体。", "item", 3, 1, 2),
        ("总体", "总体赞成。", "general", None, None, None),
    ]
    for anchor, body, *_ in entries:
        response = client.post(f"/intake/meetings/{meeting.id}", data={
            "anchor": anchor, "body": body, "reason": "", "commenter_name": "张三", "commenter_category": "居民",
            "contact": ""})
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"/intake/meetings/{meeting.id}")
    stored = _comments(db)
    assert len(stored) == 5
    for comment, (_anchor, body, kind, number, paragraph, item) in zip(stored, entries):
        assert comment.body == body and comment.anchor_kind == kind
        assert (comment.article.number if comment.article else None) == number
        assert (comment.paragraph_no, comment.item_no) == (paragraph, item)
        assert comment.meeting_id == meeting.id and comment.contact_point_id == meeting.contact_point_id
        assert comment.channel == "meeting" and comment.moderation_state == "internal"
        assert comment.submitted_on == meeting.held_on
    page = client.get(f"/intake/meetings/{meeting.id}").get_data(as_text=True)
    # Newest first, each with its label; the form comes back empty.
    assert page.index("总体赞成") < page.index("景区秩序要具体") < page.index("建议增加文明旅游宣传")
    assert "第三条第一款第（二）项" in page and "第四条第二款" in page
    assert 'value="3.1.2"' not in page


def test_fetch_save_returns_json_with_the_new_row(client, auth, db, meeting, facilitator):
    auth.login(facilitator)
    response = client.post(f"/intake/meetings/{meeting.id}", headers={"X-Requested-With": "fetch"},
                           data={"anchor": "第二条", "body": "适用范围应包括乡村。"})
    # Post/Redirect/Get: intake.js follows the redirect to the saved row, which answers in JSON.
    assert response.status_code == 302 and "/row" in response.headers["Location"]
    response = client.get(response.headers["Location"])
    data = response.get_json()
    assert response.status_code == 200 and data["ok"] is True
    assert data["label"] == "第二条" and data["count"] == 1
    assert "适用范围应包括乡村" in data["html"] and f"/intake/comments/{data['id']}/edit" in data["html"]


def test_unknown_article_keeps_typed_values_and_links_the_message(client, auth, db, meeting, facilitator):
    auth.login(facilitator)
    response = client.post(f"/intake/meetings/{meeting.id}", data={
        "anchor": "99", "body": "这条意见不能丢。", "reason": "因为重要", "commenter_name": "李四",
        "commenter_category": "企业", "contact": "13912345678"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "草案中没有第九十九条" in page
    assert 'value="99"' in page and "这条意见不能丢。" in page and "因为重要" in page and 'value="李四"' in page
    assert 'aria-describedby="anchor-hint anchor-error"' in page and 'aria-invalid="true"' in page
    assert _comments(db) == []


def test_unknown_article_via_fetch_reports_the_field(client, auth, db, meeting, facilitator):
    auth.login(facilitator)
    response = client.post(f"/intake/meetings/{meeting.id}", headers={"X-Requested-With": "fetch"},
                           data={"anchor": "第九十九条", "body": "意见"})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"anchor": ["草案中没有第九十九条。"]}


def test_empty_comment_is_refused(client, auth, db, meeting, facilitator):
    auth.login(facilitator)
    response = client.post(f"/intake/meetings/{meeting.id}", data={"anchor": "3", "body": ""})
    assert response.status_code == 422
    assert "请填写意见内容" in response.get_data(as_text=True)
    assert _comments(db) == []


@pytest.mark.parametrize("anchor, ok, label, text", [
    ("12", False, None, "草案中没有第十二条"),
    ("3", True, "第三条", "游客应当遵守下列规定"),
    ("第四条", True, "第四条", "旅游经营者应当诚信经营"),
    ("4.2", True, "第四条第二款", "民宿经营者应当向所在地公安机关登记。"),
    ("3.1.3", True, "第三条第一款第（三）项", "（三）尊重当地风俗。"),
    ("总体", True, "总体意见", ""),
    ("名称", True, "名称", "清江市文明旅游促进条例"),
    ("新增", True, "新增条款", ""),
    ("abc", False, None, "无法识别"),
])
def test_resolve_endpoint(client, auth, meeting, facilitator, anchor, ok, label, text):
    auth.login(facilitator)
    data = client.get("/intake/resolve", query_string={"draft_id": meeting.draft_id, "anchor": anchor}).get_json()
    assert data["ok"] is ok
    if ok:
        assert data["label"] == label and text in data["text"]
    else:
        assert text in data["error"]


def test_resolve_unknown_draft(client, auth, facilitator):
    auth.login(facilitator)
    response = client.get("/intake/resolve?draft_id=999&anchor=1")
    assert response.status_code == 404 and response.get_json()["ok"] is False


def test_facilitator_of_another_point_gets_403(client, auth, db, meeting, make_user, other_point):
    from consult.comments.services import enter_comment

    comment = enter_comment(meeting.draft, contact_point=meeting.contact_point, anchor="1", body="意见",
                            meeting=meeting, actor=meeting.contact_point.facilitators[0])
    db.session.commit()
    auth.login(make_user("facilitator", [other_point]))
    assert client.get(f"/intake/meetings/{meeting.id}").status_code == 403
    assert client.post(f"/intake/meetings/{meeting.id}", data={"anchor": "1", "body": "x"}).status_code == 403
    assert client.get(f"/intake/meetings/{meeting.id}/edit").status_code == 403
    assert client.get(f"/intake/comments/{comment.id}/edit").status_code == 403
    assert client.get(f"/intake/drafts/{meeting.draft_id}/points/{meeting.contact_point_id}").status_code == 403
    assert len(_comments(db)) == 1


def test_edit_comment_until_locked(client, auth, db, meeting, facilitator):
    from consult.comments.services import enter_comment

    comment = enter_comment(meeting.draft, contact_point=meeting.contact_point, anchor="1", body="原来的意见",
                            meeting=meeting, actor=facilitator)
    db.session.commit()
    auth.login(facilitator)
    page = client.get(f"/intake/comments/{comment.id}/edit").get_data(as_text=True)
    assert 'value="1"' in page and "原来的意见" in page
    response = client.post(f"/intake/comments/{comment.id}/edit", data={
        "anchor": "4.2", "body": "改过的意见", "commenter_name": "王五", "commenter_category": "村民"})
    assert response.status_code == 302
    db.session.refresh(comment)
    assert (comment.body, comment.anchor_kind, comment.paragraph_no) == ("改过的意见", "paragraph", 2)
    assert comment.article.number == 4 and comment.commenter_name == "王五"
    comment.locked = True  # staff lock it (the review service does this; the rule is the same)
    db.session.commit()
    assert client.get(f"/intake/comments/{comment.id}/edit").status_code == 403
    assert client.post(f"/intake/comments/{comment.id}/edit", data={"anchor": "1", "body": "再改"}).status_code == 403
    db.session.refresh(comment)
    assert comment.body == "改过的意见"
    entry = client.get(f"/intake/meetings/{meeting.id}").get_data(as_text=True)
    assert f"/intake/comments/{comment.id}/edit" not in entry and "已锁定" in entry


def test_edit_comment_with_unknown_article_changes_nothing(client, auth, db, meeting, facilitator):
    from consult.comments.services import enter_comment

    comment = enter_comment(meeting.draft, contact_point=meeting.contact_point, anchor="1", body="意见一",
                            meeting=meeting, actor=facilitator)
    db.session.commit()
    auth.login(facilitator)
    response = client.post(f"/intake/comments/{comment.id}/edit", data={"anchor": "77", "body": "意见二"})
    assert response.status_code == 422 and "草案中没有第七十七条" in response.get_data(as_text=True)
    db.session.refresh(comment)
    assert comment.body == "意见一" and comment.article.number == 1


def test_delete_comment(client, auth, db, meeting, facilitator):
    from consult.comments.services import enter_comment

    comment = enter_comment(meeting.draft, contact_point=meeting.contact_point, anchor="1", body="录错了",
                            meeting=meeting, actor=facilitator)
    db.session.commit()
    auth.login(facilitator)
    response = client.post(f"/intake/comments/{comment.id}/delete")
    assert response.status_code == 302
    assert _comments(db) == []


def test_point_comment_list(client, auth, db, meeting, facilitator):
    from consult.comments.services import enter_comment

    enter_comment(meeting.draft, contact_point=meeting.contact_point, anchor="4.2", body="民宿意见",
                  meeting=meeting, commenter_name="赵六", actor=facilitator)
    db.session.commit()
    auth.login(facilitator)
    page = client.get(f"/intake/drafts/{meeting.draft_id}/points/{meeting.contact_point_id}").get_data(as_text=True)
    assert "民宿意见" in page and "第四条第二款" in page and "赵六" in page


def test_closed_draft_accepts_no_entry(client, auth, db, meeting, facilitator):
    from consult.drafts.services import close_draft

    close_draft(meeting.draft)
    db.session.commit()
    auth.login(facilitator)
    response = client.post(f"/intake/meetings/{meeting.id}", data={"anchor": "1", "body": "晚了"})
    assert response.status_code == 422
    assert "截止" in response.get_data(as_text=True)
    assert _comments(db) == []


def test_online_comments_are_not_edited_through_intake(client, auth, db, draft, make_user):
    from consult.comments.services import submit_online_comment

    comment = submit_online_comment(draft, anchor="1", body="网上意见")
    db.session.commit()
    auth.login(make_user("staff"))
    assert client.get(f"/intake/comments/{comment.id}/edit").status_code == 404
    assert client.post(f"/intake/comments/{comment.id}/delete").status_code == 404
    assert db.session.get(Comment, comment.id) is not None


# --- the online form's personal-information rules on the fast-entry form (issue 9 #6) -----------------

def _enter(client, meeting, **fields):
    return client.post(f"/intake/meetings/{meeting.id}", data={"anchor": "3", "body": "意见", **fields})


def test_contact_typed_without_feedback_is_refused_not_dropped(client, auth, db, meeting, facilitator):
    auth.login(facilitator)
    response = _enter(client, meeting, commenter_name="张三", contact="13900001111")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "联系方式只在希望收到反馈时保存" in page
    assert 'value="13900001111"' in page and 'aria-describedby="contact-error"' in page
    assert _comments(db) == []


def test_feedback_without_consent_is_refused_beside_the_consent_box(client, auth, db, meeting, facilitator):
    auth.login(facilitator)
    response = _enter(client, meeting, contact="13900001111", wants_feedback="y")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="consent_personal_info-error">' in page and "同意" in page
    assert _comments(db) == []


def test_contact_with_feedback_and_consent_is_kept(client, auth, db, meeting, facilitator):
    auth.login(facilitator)
    assert _enter(client, meeting, contact="13900001111", wants_feedback="y",
                  consent_personal_info="y").status_code == 302
    comment = _comments(db)[0]
    assert (comment.commenter_contact, comment.wants_feedback, comment.consent_personal_info) == (
        "13900001111", True, True)


def test_minor_stores_no_name_or_contact(client, auth, db, meeting, facilitator):
    auth.login(facilitator)
    assert _enter(client, meeting, commenter_name="小明", contact="13900001111", wants_feedback="y",
                  consent_personal_info="y", is_minor="y").status_code == 302
    comment = _comments(db)[0]
    assert comment.commenter_is_minor and (comment.commenter_name, comment.commenter_contact) == ("", "")
    assert "未满十四周岁" in client.get(f"/intake/meetings/{meeting.id}").get_data(as_text=True)


def test_point_list_is_paged_in_sql(client, auth, db, meeting, facilitator):
    from consult.comments.services import enter_comment

    for n in range(105):
        enter_comment(meeting.draft, contact_point=meeting.contact_point, anchor="1", body=f"第{n}条意见",
                      meeting=meeting, actor=facilitator)
    db.session.commit()
    auth.login(facilitator)
    url = f"/intake/drafts/{meeting.draft_id}/points/{meeting.contact_point_id}"
    first = client.get(url).get_data(as_text=True)
    assert "共 105 条" in first and "第0条意见" in first and "第104条意见" not in first and "page=2" in first
    second = client.get(url + "?page=2").get_data(as_text=True)
    assert "第104条意见" in second and "第0条意见" not in second
