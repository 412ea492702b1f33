"""Staff scopes: every comment filtered by the shared Selection (strictly), decisions with the vocabulary's words."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from consult.audit.models import AuditEvent
from consult.comments.services import enter_comment, submit_online_comment
from consult.comments.vocabulary import decision_formal, decision_label


@pytest.fixture
def comments(db, draft, staff, make_contact_point):
    """Two online comments (one decided) and one recorded at a contact point's meeting."""
    from consult.review.services import decide_comment

    point = make_contact_point()
    online = submit_online_comment(draft, anchor="3", body="网上意见", commenter_name="张三丰",
                                   contact="13900001111", wants_feedback=True, consent_personal_info=True)
    other = submit_online_comment(draft, anchor="总体", body="总体意见")
    meeting = enter_comment(draft, contact_point=point, anchor="4.2", body="座谈会意见", actor=staff)
    decide_comment(online, "not_adopted", "上位法已有规定。", actor=staff)
    db.session.commit()
    return online, other, meeting


def test_staff_list_every_comment_with_names_and_masked_contacts(client, draft, comments, make_token, bearer):
    _token, secret = make_token(["staff:comments"])
    data = client.get(f"/api/v1/staff/comments?draft_id={draft.id}", headers=bearer(secret)).get_json()
    assert data["total"] == 3 and [c["body"] for c in data["items"]] == ["网上意见", "总体意见", "座谈会意见"]
    first = data["items"][0]
    assert first["commenter_name"] == "张三丰" and first["contact"] == "139****1111"
    assert "13900001111" not in str(data)
    assert data["items"][2]["contact_point"] == "QJ-T-01" and data["items"][2]["channel_label"] == "座谈会"


@pytest.mark.parametrize("query, bodies", [
    ("channel=座谈会", ["座谈会意见"]),
    ("channel=online&decision=none", ["总体意见"]),
    ("article_no=第三条", ["网上意见"]),
    ("contact_point=QJ-T-01", ["座谈会意见"]),
    ("moderation_state=pending&per_page=1&page=2", ["总体意见"]),
])
def test_staff_filters_are_the_selection(query, bodies, client, draft, comments, make_token, bearer):
    _token, secret = make_token(["staff:comments"])
    data = client.get(f"/api/v1/staff/comments?draft_id={draft.id}&{query}", headers=bearer(secret)).get_json()
    assert [c["body"] for c in data["items"]] == bodies


@pytest.mark.parametrize("query, code, field", [
    ("channel=信鸽", "invalid_selection", "channel"),
    ("decision=maybe", "invalid_selection", "decision"),
    ("date_from=2026-12-01&date_to=2026-01-01", "invalid_selection", "date_from"),
    ("colour=red", "invalid", "colour"),
    ("version_id=abc", "invalid", "version_id"),
    ("per_page=1000", "invalid", "per_page"),
    ("q=(景区", "invalid_query", "q"),
    ("tag=a%00b", "invalid", "tag"),
])
def test_malformed_filters_are_refused_in_words(query, code, field, client, draft, comments, make_token, bearer):
    _token, secret = make_token(["staff:comments"])
    response = client.get(f"/api/v1/staff/comments?draft_id={draft.id}&{query}", headers=bearer(secret))
    error = response.get_json()["error"]
    assert response.status_code == 422 and (error["code"], error["field"]) == (code, field)
    assert error["message"] and not error["message"].isascii()


def test_ids_of_another_draft_are_refused(client, draft, comments, make_token, bearer, make_draft):
    other = make_draft(filename="other.txt")
    _token, secret = make_token(["staff:comments"])
    response = client.get(f"/api/v1/staff/comments?draft_id={other.id}&version_id={draft.current_version.id}",
                          headers=bearer(secret))
    assert response.status_code == 422 and response.get_json()["error"]["field"] == "version_id"
    assert client.get("/api/v1/staff/comments?draft_id=999", headers=bearer(secret)).status_code == 404


def test_decisions_use_the_vocabulary_words(client, draft, comments, make_token, bearer):
    _token, secret = make_token(["staff:decisions"])
    data = client.get(f"/api/v1/staff/decisions?draft_id={draft.id}", headers=bearer(secret)).get_json()
    assert data["total"] == 1
    (decided,) = data["items"]
    assert decided["decision"] == "not_adopted" and decided["decision_reason"] == "上位法已有规定。"
    assert decided["decision_label"] == decision_label("not_adopted")
    assert decided["decision_formal"] == decision_formal("not_adopted")
    undecided = client.get(f"/api/v1/staff/decisions?draft_id={draft.id}&decision=none", headers=bearer(secret))
    assert [d["decision_label"] for d in undecided.get_json()["items"]] == [decision_label(None)] * 2


def test_every_staff_read_is_audited_with_its_selection(client, db, draft, comments, make_token, bearer):
    token, secret = make_token(["staff:comments"])
    client.get(f"/api/v1/staff/comments?draft_id={draft.id}&channel=meeting", headers=bearer(secret))
    client.get(f"/api/v1/staff/comments?draft_id={draft.id}&channel=信鸽", headers=bearer(secret))
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "api.call")).all()
    assert [(e.target_id, e.details["status"]) for e in events] == [(token.id, 200), (token.id, 422)]
    assert events[0].details["selection"] == {"draft_id": str(draft.id), "channel": "meeting"}
    assert events[0].details["returned"] == 1


def test_full_text_query_is_the_staff_search(client, draft, comments, make_token, bearer):
    from consult.search.services import sync_pending

    sync_pending()
    _token, secret = make_token(["staff:comments", "staff:decisions"])
    data = client.get(f"/api/v1/staff/comments?draft_id={draft.id}&q=座谈会", headers=bearer(secret)).get_json()
    assert [c["body"] for c in data["items"]] == ["座谈会意见"] and data["total"] == 1
    both = client.get(f"/api/v1/staff/comments?draft_id={draft.id}&q=意见&channel=online", headers=bearer(secret))
    assert [c["body"] for c in both.get_json()["items"]] == ["总体意见", "网上意见"]  # text order: 总体 first
    refused = client.get(f"/api/v1/staff/decisions?draft_id={draft.id}&q=意见", headers=bearer(secret))
    assert refused.status_code == 422 and refused.get_json()["error"]["field"] == "q"
