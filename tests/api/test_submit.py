"""Submitting through the API: the same service, rules and messages as the web form; nothing stored when refused."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from consult.audit.models import AuditEvent
from consult.comments.models import Comment


def web_form(**fields) -> dict:
    data = {"anchor": "3", "body": "建议细化。", "reason": "", "proposed_text": "", "commenter_name": "",
            "commenter_category": "", "contact": ""}
    data.update({k: v for k, v in fields.items() if not isinstance(v, bool)})
    data.update({k: "y" for k, v in fields.items() if v is True})
    return data


def api_body(**fields) -> dict:
    return {"anchor": "3", "body": "建议细化。", **fields}


def test_a_token_submission_is_an_online_comment_awaiting_moderation(client, db, draft, make_token, bearer):
    _token, secret = make_token(["comments:submit"])
    response = client.post(f"/api/v1/drafts/{draft.id}/comments", headers=bearer(secret),
                           json=api_body(anchor="第三条第一款第（二）项", body="秩序要写清楚", commenter_name="王五"))
    assert response.status_code == 201
    data = response.get_json()
    comment = db.session.scalars(select(Comment)).one()
    assert data == {"receipt_code": comment.receipt_code, "draft_id": draft.id, "anchor": "第三条第一款第（二）项",
                    "moderation_state": "pending", "replayed": False}
    assert (comment.channel, comment.paragraph_no, comment.item_no, comment.contact_point_id) == ("online", 1, 2, None)
    assert client.get(f"/api/v1/receipts/{comment.receipt_code}").get_json()["body"] == "秩序要写清楚"
    audited = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert audited[-2:] == ["comment.submit", "api.call"]


def test_a_contact_points_token_gives_the_comment_its_point(client, db, draft, make_token, bearer,
                                                          make_contact_point):
    point = make_contact_point()
    _token, secret = make_token(["comments:submit"], contact_point=point)
    assert client.post(f"/api/v1/drafts/{draft.id}/comments", headers=bearer(secret),
                       json=api_body()).status_code == 201
    assert db.session.scalars(select(Comment)).one().contact_point_id == point.id


@pytest.mark.parametrize("case", ["closed", "unknown_article", "consent_missing", "empty_body", "bad_category"])
def test_refusals_carry_the_web_forms_message_and_store_nothing(case, client, db, draft, close_window,
                                                              make_token, bearer):
    _token, secret = make_token(["comments:submit"])
    fields = {"unknown_article": {"anchor": "99"},
              "consent_missing": {"wants_feedback": True, "contact": "13900001111"},
              "empty_body": {"body": "   "},
              "bad_category": {"commenter_category": "外星人"}}.get(case, {})
    if case == "closed":
        close_window(draft)
    api = client.post(f"/api/v1/drafts/{draft.id}/comments", headers=bearer(secret), json=api_body(**fields))
    error = api.get_json()["error"]
    web = client.post(f"/comments/new/{draft.id}", data=web_form(**fields)).get_data(as_text=True)
    assert api.status_code == (409 if case == "closed" else 422)
    assert error["code"] == ("comment_window_closed" if case == "closed" else "comment_refused")
    if case not in ("empty_body", "bad_category"):  # there the web form's own shape check speaks first
        assert error["message"] in web
    assert error["field"] == {"closed": None, "unknown_article": "anchor", "consent_missing": "consent_personal_info",
                              "empty_body": "body", "bad_category": "commenter_category"}[case]
    assert db.session.scalars(select(Comment)).all() == []


def test_a_minor_submission_keeps_no_identity(client, db, draft, make_token, bearer):
    _token, secret = make_token(["comments:submit"])
    client.post(f"/api/v1/drafts/{draft.id}/comments", headers=bearer(secret),
                json=api_body(is_minor=True, commenter_name="小明", contact="13900001111", wants_feedback=True))
    comment = db.session.scalars(select(Comment)).one()
    assert (comment.commenter_is_minor, comment.commenter_name, comment.commenter_contact) == (True, "", "")


@pytest.mark.parametrize("payload, content_type, code, field", [
    ("not json", "application/json", "bad_request", None),
    ('["a list"]', "application/json", "bad_request", None),
    ('{"anchor": "3", "body": "x"}', "text/plain", "bad_request", None),
    ('{"anchor": "3", "body": "x", "extra": 1}', "application/json", "invalid", "extra"),
    ('{"anchor": "3", "body": "x", "wants_feedback": "yes"}', "application/json", "invalid", "wants_feedback"),
    ('{"body": "x"}', "application/json", "invalid", "anchor"),
    ('{"anchor": 3, "body": "x"}', "application/json", "invalid", "anchor"),
])
def test_malformed_requests_are_refused_and_store_nothing(payload, content_type, code, field, client, db, draft,
                                                         make_token, bearer):
    _token, secret = make_token(["comments:submit"])
    response = client.post(f"/api/v1/drafts/{draft.id}/comments", data=payload, content_type=content_type,
                           headers=bearer(secret))
    error = response.get_json()["error"]
    assert response.status_code == (400 if code == "bad_request" else 422)
    assert (error["code"], error["field"]) == (code, field)
    assert db.session.scalars(select(Comment)).all() == []


def test_an_oversized_request_is_413_and_stores_nothing(client, db, draft, make_token, bearer):
    _token, secret = make_token(["comments:submit"])
    response = client.post(f"/api/v1/drafts/{draft.id}/comments", headers=bearer(secret),
                           json=api_body(body="长" * 60000))
    assert response.status_code == 413 and response.get_json()["error"]["code"] == "payload_too_large"
    assert db.session.scalars(select(Comment)).all() == []


def test_a_token_without_the_submit_scope_is_refused(client, db, draft, make_token, bearer):
    _token, secret = make_token(["staff:comments"])
    response = client.post(f"/api/v1/drafts/{draft.id}/comments", headers=bearer(secret), json=api_body())
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "insufficient_scope"
    assert db.session.scalars(select(Comment)).all() == []


def test_unknown_draft_is_404(client, make_token, bearer):
    _token, secret = make_token(["comments:submit"])
    response = client.post("/api/v1/drafts/999/comments", headers=bearer(secret), json=api_body())
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "draft_not_found"


def test_idempotency_key_stores_a_retried_submission_once(client, db, draft, make_token, bearer):
    _token, secret = make_token(["comments:submit"])
    headers = {**bearer(secret), "Idempotency-Key": "mini-program-0001"}
    first = client.post(f"/api/v1/drafts/{draft.id}/comments", headers=headers, json=api_body())
    again = client.post(f"/api/v1/drafts/{draft.id}/comments", headers=headers, json=api_body())
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["replayed"] is True
    assert again.get_json()["receipt_code"] == first.get_json()["receipt_code"]
    other = client.post(f"/api/v1/drafts/{draft.id}/comments", headers=headers, json=api_body(body="另一条"))
    assert other.status_code == 409 and other.get_json()["error"]["code"] == "idempotency_conflict"
    assert first.get_json()["receipt_code"] not in other.get_data(as_text=True)  # never another's receipt
    bad = client.post(f"/api/v1/drafts/{draft.id}/comments", headers={**bearer(secret), "Idempotency-Key": "x"},
                      json=api_body())
    assert bad.status_code == 422 and bad.get_json()["error"]["field"] == "Idempotency-Key"
    assert len(db.session.scalars(select(Comment)).all()) == 1


class TestCsrfWithoutToken:
    """A write without a token is CSRF-checked like every form; a token call needs no CSRF token."""

    @pytest.fixture
    def app_config(self, tmp_path):
        return {"SEARCH_INDEX_DIR": str(tmp_path / "index"), "WTF_CSRF_ENABLED": True}

    def test_tokenless_write_needs_csrf_token_calls_do_not(self, client, db, draft, make_token, bearer):
        refused = client.post(f"/api/v1/drafts/{draft.id}/comments", json=api_body())
        assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "csrf_failed"
        assert db.session.scalars(select(Comment)).all() == []
        _token, secret = make_token(["comments:submit"])
        assert client.post(f"/api/v1/drafts/{draft.id}/comments", headers=bearer(secret),
                           json=api_body()).status_code == 201

    def test_a_page_of_this_site_may_submit_with_its_csrf_token(self, client, db, draft):
        page = client.get(f"/comments/new/{draft.id}").get_data(as_text=True)
        csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        response = client.post(f"/api/v1/drafts/{draft.id}/comments", json=api_body(), headers={"X-CSRFToken": csrf})
        assert response.status_code == 201
        comment = db.session.scalars(select(Comment)).one()
        assert (comment.channel, comment.contact_point_id) == ("online", None)


class TestRateLimits:
    """Submissions are limited per token (API_COMMENT_RATE_LIMIT) and per address without a token."""

    @pytest.fixture
    def app_config(self, tmp_path):
        return {"SEARCH_INDEX_DIR": str(tmp_path / "index"), "RATELIMIT_ENABLED": True,
                "API_COMMENT_RATE_LIMIT": "2 per minute", "COMMENT_RATE_LIMIT": "1 per minute"}

    def test_third_submission_is_429_json_and_not_stored(self, client, db, draft, make_token, bearer):
        _token, secret = make_token(["comments:submit"])
        statuses = [client.post(f"/api/v1/drafts/{draft.id}/comments", headers=bearer(secret),
                                json=api_body(body=f"意见{i}")).status_code for i in range(3)]
        assert statuses == [201, 201, 429]
        throttled = client.post(f"/api/v1/drafts/{draft.id}/comments", headers=bearer(secret), json=api_body())
        assert throttled.get_json()["error"] == {"code": "rate_limited", "message": "操作过于频繁，请稍后再试。",
                                                 "field": None}
        _other, other_secret = make_token(["comments:submit"], name="另一个系统")
        assert client.post(f"/api/v1/drafts/{draft.id}/comments", headers=bearer(other_secret),
                           json=api_body()).status_code == 201
        assert len(db.session.scalars(select(Comment)).all()) == 3


def test_idempotency_keys_are_per_token(client, db, draft, make_token, bearer):
    _a, secret_a = make_token(["comments:submit"], name="系统甲")
    _b, secret_b = make_token(["comments:submit"], name="系统乙")
    key = {"Idempotency-Key": "0f8e2b7c-same-key"}
    first = client.post(f"/api/v1/drafts/{draft.id}/comments", headers={**bearer(secret_a), **key}, json=api_body())
    second = client.post(f"/api/v1/drafts/{draft.id}/comments", headers={**bearer(secret_b), **key}, json=api_body())
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.get_json()["receipt_code"] != second.get_json()["receipt_code"]
    assert len(db.session.scalars(select(Comment)).all()) == 2
