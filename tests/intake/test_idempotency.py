"""Offline entry's idempotency keys: a repeated entry is stored once, a reused key is refused clearly."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from consult.comments.models import Comment
from consult.comments.services import IdempotencyConflict, enter_comment, submit_online_comment
from consult.errors import UserError

KEY = "5f0c8a7e-3b1d-4c2a-9e6f-0a1b2c3d4e5f"
FETCH = {"X-Requested-With": "fetch", "Accept": "application/json"}


def _count(db) -> int:
    return db.session.scalar(select(func.count(Comment.id)))


def _post(client, meeting, key=KEY, **data):
    return client.post(f"/intake/meetings/{meeting.id}", headers=FETCH,
                       data={"anchor": "3", "body": "游客须知应当张贴在入口。", "idempotency_key": key, **data})


def test_same_key_twice_stores_one_comment_and_answers_with_the_first(client, auth, db, meeting, facilitator):
    auth.login(facilitator)
    first = _post(client, meeting)
    second = _post(client, meeting)  # the retry after a lost answer
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert _count(db) == 1
    comment = db.session.scalar(select(Comment))
    assert comment.idempotency_key == KEY and comment.body == "游客须知应当张贴在入口。"
    row = client.get(second.headers["Location"]).get_json()
    assert row["ok"] is True and row["id"] == comment.id and row["count"] == 1


def test_key_reused_with_another_body_is_refused_and_stores_nothing(client, auth, db, meeting, facilitator):
    auth.login(facilitator)
    _post(client, meeting)
    response = _post(client, meeting, body="完全不同的另一条意见。")
    assert response.status_code == 422
    data = response.get_json()
    assert data["ok"] is False
    message = " ".join(data["form_errors"] + sum(data["errors"].values(), []))
    assert "已用于另一条意见" in message and KEY in message
    assert _count(db) == 1
    assert db.session.scalar(select(Comment.body)) == "游客须知应当张贴在入口。"


def test_closed_draft_gives_a_clear_message_and_stores_nothing(client, auth, db, meeting, facilitator):
    from consult.drafts.services import close_draft

    close_draft(meeting.draft)
    db.session.commit()
    auth.login(facilitator)
    response = _post(client, meeting)
    assert response.status_code == 422
    assert "征求意见已截止" in " ".join(response.get_json()["form_errors"])
    assert _count(db) == 0


def test_repeat_after_the_draft_closed_still_answers_with_the_stored_comment(client, auth, db, meeting,
                                                                             facilitator):
    """The first attempt was stored just before closing, its answer lost: the retry must not say 'closed'."""
    from consult.drafts.services import close_draft

    auth.login(facilitator)
    first = _post(client, meeting)
    close_draft(meeting.draft)
    db.session.commit()
    again = _post(client, meeting)
    assert again.status_code == 302 and again.headers["Location"] == first.headers["Location"]
    assert _count(db) == 1


@pytest.mark.parametrize("key", ["short", "has space in it 123", "x" * 65, "../../etc/passwd"])
def test_malformed_key_is_refused(client, auth, db, meeting, facilitator, key):
    auth.login(facilitator)
    response = _post(client, meeting, key=key)
    assert response.status_code == 422
    assert "录入编号无效" in str(response.get_json())
    assert _count(db) == 0


def test_service_keyword_for_the_api(db, meeting, facilitator, draft):
    """`idempotency_key=` on both comment-creating services; `replayed` tells a repeat from a new comment."""
    first = submit_online_comment(draft, anchor="3", body="网上意见。", idempotency_key="api-client-0001")
    db.session.commit()
    again = submit_online_comment(draft, anchor="3", body="网上意见。", idempotency_key="api-client-0001")
    assert again.id == first.id and again.replayed is True
    with pytest.raises(IdempotencyConflict):
        submit_online_comment(draft, anchor="3", body="别的意见。", idempotency_key="api-client-0001")
    # The same key cannot be taken over by another channel (a facilitator's entry).
    with pytest.raises(UserError):
        enter_comment(draft, contact_point=meeting.contact_point, meeting=meeting, anchor="3", body="网上意见。",
                      actor=facilitator, idempotency_key="api-client-0001")
    db.session.rollback()
    assert _count(db) == 1


def test_no_key_keeps_the_old_behaviour(db, meeting, facilitator, draft):
    for _ in range(2):
        comment = enter_comment(draft, contact_point=meeting.contact_point, meeting=meeting, anchor="3",
                                body="同一条意见。", actor=facilitator)
        assert comment.replayed is False and comment.idempotency_key is None
    db.session.commit()
    assert _count(db) == 2


def _new_reading(db, draft):
    """A second version in which a new 第三条 is inserted: the old 第三条 becomes 第四条, 第一条 is unchanged."""
    from consult.drafts.services import import_draft
    from tests.conftest import SMALL_DRAFT

    text = SMALL_DRAFT.replace("第三条　游客应当遵守下列规定：", "第三条　本市鼓励绿色出行。\n第四条　游客应当遵守下列规定：", 1)
    for old, new in (("第四条　旅游经营者", "第五条　旅游经营者"), ("第五条　本条例自", "第六条　本条例自")):
        text = text.replace(old, new, 1)
    first = draft.current_version.id
    import_draft(text.encode("utf-8"), "draft-v2.txt", draft=draft)
    db.session.commit()
    assert draft.current_version.id != first
    return first, draft.current_version.id


def test_entry_typed_against_an_earlier_version_whose_article_changed_is_refused(client, auth, db, meeting,
                                                                                  facilitator, draft):
    first, second = _new_reading(db, draft)
    auth.login(facilitator)
    response = _post(client, meeting, key="0a0a0a0a-renumbered-3", anchor="3", version_id=str(first))
    assert response.status_code == 422
    data = response.get_json()
    assert "条文已改变" in data["errors"]["anchor"][0] and data["version_id"] == second
    assert _count(db) == 0
    # Checked and saved again against the current version: accepted, on the new 第三条.
    response = _post(client, meeting, key="0a0a0a0a-renumbered-3b", anchor="3", version_id=str(second))
    assert response.status_code == 302
    # An article that reads the same in both versions needs no check.
    response = _post(client, meeting, key="0a0a0a0a-unchanged-1", anchor="1", version_id=str(first))
    assert response.status_code == 302
    assert _count(db) == 2


def test_repeat_of_an_entry_stored_before_the_new_version_answers_with_it(client, auth, db, meeting,
                                                                          facilitator, draft):
    auth.login(facilitator)
    first_version = draft.current_version.id
    stored = _post(client, meeting, key="0b0b0b0b-before-new-version", version_id=str(first_version))
    _new_reading(db, draft)
    again = _post(client, meeting, key="0b0b0b0b-before-new-version", version_id=str(first_version))
    assert again.status_code == 302 and again.headers["Location"] == stored.headers["Location"]
    assert _count(db) == 1


def test_two_requests_racing_with_the_same_key_store_one(db, meeting, facilitator, draft, monkeypatch):
    """The second request checked for the key before the first committed: the unique key catches it."""
    from consult.comments import services

    first = enter_comment(draft, contact_point=meeting.contact_point, meeting=meeting, anchor="3",
                          body="同时发出的两次。", actor=facilitator, idempotency_key="race-0000-key")
    db.session.commit()
    # The check came too early: the first request had not committed yet.
    monkeypatch.setattr(services, "replayed_comment", lambda *args, **kwargs: None)
    second = enter_comment(draft, contact_point=meeting.contact_point, meeting=meeting, anchor="3",
                           body="同时发出的两次。", actor=facilitator, idempotency_key="race-0000-key")
    db.session.commit()
    assert second.id == first.id and second.replayed is True
    assert _count(db) == 1


def test_racing_request_with_the_same_key_but_another_body_is_refused(db, meeting, facilitator, draft,
                                                                      monkeypatch):
    from consult.comments import services

    enter_comment(draft, contact_point=meeting.contact_point, meeting=meeting, anchor="3", body="第一条。",
                  actor=facilitator, idempotency_key="race-0001-key")
    db.session.commit()
    monkeypatch.setattr(services, "replayed_comment", lambda *args, **kwargs: None)
    with pytest.raises(IdempotencyConflict):
        enter_comment(draft, contact_point=meeting.contact_point, meeting=meeting, anchor="3", body="另一条。",
                      actor=facilitator, idempotency_key="race-0001-key")
    db.session.rollback()
    assert [c.body for c in db.session.scalars(select(Comment))] == ["第一条。"]
