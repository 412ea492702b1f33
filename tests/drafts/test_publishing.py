"""The publishing guard, unique article addresses, confirmation steps and deleting a never-published draft."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from consult.audit.models import AuditEvent
from consult.database import utcnow
from consult.drafts.models import Article, Draft, DraftVersion
from consult.drafts.publishing import DraftError, accept_warning, blocking_warnings
from consult.drafts.services import delete_draft, publish_draft, unpublish_draft

# Two 第四条 (duplicate), a gap (not blocking) and 第五条 after 第六条 (out of order).
TANGLED = """清江市测试条例（草案）
第一条　为了测试，制定本条例。
第二条　本条例适用于本市。
第三条　第三条的正文。
第四条　第一个第四条。
第四条　第二个第四条。
第六条　第六条的正文。
第五条　第五条的正文。
"""


@pytest.fixture
def staff(make_user, auth):
    """A signed-in staff member."""
    user = make_user("staff")
    auth.login(user)
    return user


def _events(db, action):
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def _window():
    now = utcnow()
    return now - timedelta(hours=1), now + timedelta(days=30)


def test_duplicate_numbers_get_unique_addresses(make_draft):
    version = make_draft(TANGLED, published=False).current_version
    assert [a.address for a in version.articles] == ["1", "2", "3", "4", "4_2", "6", "5"]
    assert len({a.stable_key for a in version.articles}) == len(version.articles)


def test_blocking_warnings_are_duplicates_and_disorder_only(make_draft):
    version = make_draft(TANGLED, published=False).current_version
    assert [w["code"] for w in version.warnings] == ["duplicate_number", "numbering_gap", "out_of_order"]
    assert [w["code"] for w in blocking_warnings(version)] == ["duplicate_number", "out_of_order"]


def test_the_service_refuses_to_publish_until_each_warning_is_accepted(db, make_draft, make_user):
    draft = make_draft(TANGLED, published=False)
    with pytest.raises(DraftError, match="2 个编号问题"):
        publish_draft(draft, *_window())
    assert draft.published_at is None
    user = make_user("staff")
    accept_warning(draft.current_version, 0, actor=user)
    with pytest.raises(DraftError, match="1 个编号问题"):
        publish_draft(draft, *_window())
    accept_warning(draft.current_version, 2, actor=user)
    publish_draft(draft, *_window())
    assert draft.is_open()


def test_a_gap_alone_does_not_block(db, make_draft):
    gap = "清江市测试条例\n第一条　甲。\n第三条　乙。\n"
    draft = make_draft(gap, published=False)
    assert [w["code"] for w in draft.current_version.warnings] == ["numbering_gap"]
    publish_draft(draft, *_window())
    assert draft.is_published


def test_publish_view_refuses_a_blocked_draft_with_the_reason(client, staff, db, make_draft):
    draft = make_draft(TANGLED, published=False)
    page = client.get(f"/drafts/{draft.id}/review").get_data(as_text=True)
    assert "发布前须处理" in page and "还有 2 个编号问题" in page
    assert f"/drafts/{draft.id}/warnings/0/accept" in page and f"/drafts/{draft.id}/warnings/2/accept" in page
    assert f"/drafts/{draft.id}/warnings/1/accept" not in page  # the gap needs no acceptance
    for confirmed in ("", "1"):  # neither the asking step nor a forged confirmation gets through
        response = client.post(f"/drafts/{draft.id}/publish", data={
            "opens_at": "2026-03-01T08:00", "closes_at": "2026-04-01T18:30", "confirmed": confirmed})
        assert response.status_code == 422
        assert "还有 2 个编号问题未处理" in response.get_data(as_text=True)
    db.session.refresh(draft)
    assert draft.published_at is None and not _events(db, "draft.publish")


def test_staff_accept_each_warning_then_publish_and_open_both_articles(client, staff, db, make_draft):
    draft = make_draft(TANGLED, published=False)
    for index in (0, 2):
        response = client.post(f"/drafts/{draft.id}/warnings/{index}/accept")
        assert response.status_code == 302 and response.headers["Location"].endswith(f"#warning-{index + 1}")
    db.session.refresh(draft)
    accepted = [w for w in draft.current_version.warnings if w.get("accepted")]
    assert [w["code"] for w in accepted] == ["duplicate_number", "out_of_order"]
    assert all(w["accepted"]["by"] == staff.id and w["accepted"]["at"] for w in accepted)
    events = _events(db, "draft.accept_warning")
    assert [e.details["code"] for e in events] == ["duplicate_number", "out_of_order"]
    assert all(e.actor_id == staff.id and e.target_id == draft.id for e in events)
    page = client.get(f"/drafts/{draft.id}/review").get_data(as_text=True)
    assert "发布前须处理" not in page and "确认）" in page

    window = {"opens_at": "", "closes_at": (utcnow() + timedelta(days=40)).strftime("%Y-%m-%dT%H:%M")}
    assert client.post(f"/drafts/{draft.id}/publish", data=window).status_code == 200
    assert client.post(f"/drafts/{draft.id}/publish", data={**window, "confirmed": "1"}).status_code == 302
    db.session.refresh(draft)
    assert draft.is_open()
    show = client.get(f"/drafts/{draft.id}").get_data(as_text=True)
    assert f"/drafts/{draft.id}/articles/4_2" in show
    second = client.get(f"/drafts/{draft.id}/articles/4_2").get_data(as_text=True)
    first = client.get(f"/drafts/{draft.id}/articles/4").get_data(as_text=True)
    assert "第二个第四条" in second and "第一个第四条" not in second
    assert "第一个第四条" in first and "第二个第四条" not in first


def test_accepting_twice_or_an_unknown_warning_changes_nothing(client, staff, db, make_draft):
    draft = make_draft(TANGLED, published=False)
    assert client.post(f"/drafts/{draft.id}/warnings/0/accept").status_code == 302
    again = client.post(f"/drafts/{draft.id}/warnings/0/accept", follow_redirects=True)
    assert "这条提示已经确认过了" in again.get_data(as_text=True)
    unknown = client.post(f"/drafts/{draft.id}/warnings/9/accept", follow_redirects=True)
    assert "没有这条提示" in unknown.get_data(as_text=True)
    assert len(_events(db, "draft.accept_warning")) == 1


def test_non_staff_cannot_accept_or_delete(client, auth, make_user, make_draft, db):
    draft = make_draft(TANGLED, published=False)
    auth.login(make_user("facilitator"))
    assert client.post(f"/drafts/{draft.id}/warnings/0/accept").status_code == 403
    assert client.get(f"/drafts/{draft.id}/delete").status_code == 403
    assert client.post(f"/drafts/{draft.id}/delete").status_code == 403
    db.session.expire_all()
    assert db.session.get(Draft, draft.id) is not None
    assert not any(w.get("accepted") for w in draft.current_version.warnings)


def test_publishing_repairs_addresses_of_an_old_import(db, make_draft):
    draft = make_draft(published=False)
    for article in draft.current_version.articles:
        article.stable_key = "1"  # as if imported before addresses were unique
    db.session.flush()
    publish_draft(draft, *_window())
    keys = [a.stable_key for a in draft.current_version.articles]
    assert len(set(keys)) == len(keys)


def test_delete_asks_then_removes_a_never_published_draft_with_its_versions(client, staff, db, make_draft):
    draft = make_draft(TANGLED, published=False)
    draft_id = draft.id
    manage = client.get("/drafts/manage").get_data(as_text=True)
    assert f"/drafts/{draft_id}/delete" in manage
    confirm = client.get(f"/drafts/{draft_id}/delete")
    assert confirm.status_code == 200 and "确认删除" in confirm.get_data(as_text=True)
    assert db.session.get(Draft, draft_id) is not None  # asking changes nothing
    response = client.post(f"/drafts/{draft_id}/delete")
    assert response.status_code == 302 and response.headers["Location"].endswith("/drafts/manage")
    db.session.expire_all()
    assert db.session.get(Draft, draft_id) is None
    assert db.session.scalar(select(func.count(DraftVersion.id))) == 0
    assert db.session.scalar(select(func.count(Article.id))) == 0
    [event] = _events(db, "draft.delete")
    assert event.target_id == draft_id and event.actor_id == staff.id and event.details["articles"] == 7


def test_a_published_draft_cannot_be_deleted(client, staff, db, make_draft):
    draft = make_draft()
    confirm = client.get(f"/drafts/{draft.id}/delete").get_data(as_text=True)
    assert "已发布的草案不能删除" in confirm and "确认删除" not in confirm
    assert f"/drafts/{draft.id}/delete" not in client.get("/drafts/manage").get_data(as_text=True)
    response = client.post(f"/drafts/{draft.id}/delete", follow_redirects=True)
    assert "已发布的草案不能删除" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Draft, draft.id) is not None and not _events(db, "draft.delete")


def test_a_withdrawn_draft_still_counts_as_published(db, make_draft):
    draft = make_draft()
    unpublish_draft(draft)
    with pytest.raises(DraftError, match="已发布的草案不能删除"):
        delete_draft(draft)


def test_a_draft_with_comments_cannot_be_deleted(db, make_draft):
    from consult.comments.services import submit_online_comment

    draft = make_draft()
    submit_online_comment(draft, anchor="2", body="建议写明适用范围。", consent_personal_info=True)
    # Even a draft with no trace of publication keeps its comments: the count refuses the deletion.
    draft.published_at = None
    db.session.execute(AuditEvent.__table__.delete().where(AuditEvent.action == "draft.publish"))
    with pytest.raises(DraftError, match="已有 1 条意见"):
        delete_draft(draft)
    assert db.session.get(Draft, draft.id) is not None


def test_closing_a_closed_draft_is_refused(client, staff, db, make_draft):
    draft = make_draft()
    assert client.post(f"/drafts/{draft.id}/close").status_code == 302
    again = client.post(f"/drafts/{draft.id}/close", follow_redirects=True)
    assert "征求意见已经截止" in again.get_data(as_text=True)
    assert len(_events(db, "draft.close")) == 1
