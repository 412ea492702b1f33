"""Public reads: published drafts only, articles with paragraphs and items, comments masked as on the pages."""
from __future__ import annotations

from sqlalchemy import select

from consult.audit.models import AuditEvent
from consult.comments.services import submit_online_comment


def test_only_published_drafts_are_listed_or_readable(client, make_draft):
    published = make_draft()
    hidden = make_draft(published=False, filename="other.txt", title="未发布的草案")
    items = client.get("/api/v1/drafts").get_json()["items"]
    assert [d["id"] for d in items] == [published.id]
    assert items[0]["is_open"] is True and items[0]["versions"][0]["is_current"] is True
    assert items[0]["published_at"].endswith("+00:00")
    missing = client.get(f"/api/v1/drafts/{hidden.id}")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "draft_not_found"
    assert client.get(f"/api/v1/drafts/{hidden.id}/articles").status_code == 404


def test_articles_come_with_paragraphs_and_items(client, draft):
    data = client.get(f"/api/v1/drafts/{draft.id}/articles").get_json()
    assert [a["label"] for a in data["items"]] == ["第一条", "第二条", "第三条", "第四条", "第五条"]
    third = client.get(f"/api/v1/drafts/{draft.id}/articles/3").get_json()
    first, second = third["paragraphs"]
    assert first["lead"] == "游客应当遵守下列规定："
    assert [i["text"] for i in first["items"]] == ["（一）爱护旅游资源；", "（二）遵守景区秩序；", "（三）尊重当地风俗。"]
    assert second == {"number": 2, "text": "游客违反前款规定的，由景区劝阻。", "lead": "游客违反前款规定的，由景区劝阻。",
                      "items": []}
    for address in ("99", "abc", "3%00"):
        response = client.get(f"/api/v1/drafts/{draft.id}/articles/{address}")
        assert response.status_code == 404 and response.get_json()["error"]["code"] == "article_not_found"


def test_a_version_in_text_order_with_its_divisions(client, draft):
    version_id = draft.current_version.id
    listed = client.get(f"/api/v1/drafts/{draft.id}/versions").get_json()["items"]
    assert [v["id"] for v in listed] == [version_id]
    data = client.get(f"/api/v1/drafts/{draft.id}/versions/{version_id}").get_json()
    assert [d["title"] for d in data["divisions"]] == ["总则", "游客与经营者", "附则"]
    assert len(data["articles"]) == 5 and data["draft_id"] == draft.id
    assert client.get(f"/api/v1/drafts/{draft.id}/versions/{version_id + 100}").status_code == 404


def test_published_comments_are_masked_exactly_as_on_the_article_page(client, db, draft, staff):
    from consult.review.services import publish_comment

    masked = submit_online_comment(draft, anchor="3.1.1", body="资源保护要写细，电话13900001111", commenter_name="张三丰",
                                   contact="13900001111", wants_feedback=True, consent_personal_info=True)
    named = submit_online_comment(draft, anchor="3", body="署名意见", commenter_name="李四", consent_publish_name=True)
    submit_online_comment(draft, anchor="3", body="还没审核的意见")
    publish_comment(masked, actor=staff)
    publish_comment(named, actor=staff)
    db.session.commit()
    items = client.get(f"/api/v1/drafts/{draft.id}/articles/3/comments").get_json()["items"]
    page = client.get(f"/drafts/{draft.id}/articles/3").get_data(as_text=True)
    assert [c["body"] for c in items] == ["署名意见", "资源保护要写细，电话139****1111"]
    assert [c["commenter"] for c in items] == ["李四", "张**"]
    assert items[1]["anchor"] == "第三条第一款第（一）项"
    for comment in items:
        assert comment["commenter"] in page and comment["body"] in page
    text = str(items)
    assert "张三丰" not in text and "13900001111" not in text and "还没审核" not in text


def test_receipt_lookup_answers_like_the_receipt_page(client, db, draft, staff):
    from consult.review.services import decide_comment

    comment = submit_online_comment(draft, anchor="3.2", body="劝阻要有依据。", commenter_name="张三丰")
    decide_comment(comment, "partly_adopted", "已在第三条中增加劝阻程序。", actor=staff)
    db.session.commit()
    data = client.get(f"/api/v1/receipts/{comment.receipt_code.lower().replace('-', '')}").get_json()
    assert data["receipt_code"] == comment.receipt_code and data["anchor"] == "第三条第二款"
    assert data["decision"] == "partly_adopted" and data["decision_label"] == "部分采纳"
    assert data["moderation_label"] == "待审核" and "张三丰" not in str(data)
    unknown = client.get("/api/v1/receipts/ZZZZ-ZZZZ")
    assert unknown.status_code == 404 and unknown.get_json()["error"]["code"] == "receipt_not_found"


def test_public_reads_with_a_token_are_audited_as_one_counted_row_per_hour(client, db, draft, make_token,
                                                                         bearer):
    token, secret = make_token([])
    for _ in range(3):
        assert client.get("/api/v1/drafts", headers=bearer(secret)).status_code == 200
    client.get(f"/api/v1/drafts/{draft.id}/articles", headers=bearer(secret))
    client.get("/api/v1/drafts")  # anonymous public reads are not audited (as the public pages)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "api.read")).all()
    assert len(events) == 1 and events[0].target_id == token.id
    assert events[0].details["calls"] == 4
    assert events[0].details["operations"] == {"api.drafts": 3, "api.articles": 1}
    db.session.refresh(token)
    assert token.last_used_at is not None


def test_unknown_paths_and_methods_answer_in_the_error_shape(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.get_json() == {"error": {"code": "not_found", "message": "找不到该资源。", "field": None}}
    response = client.delete("/api/v1/drafts")
    assert response.status_code == 405 and response.headers["Allow"] == "GET"
    assert response.get_json()["error"]["code"] == "method_not_allowed"


def test_cors_is_off_by_default(client):
    response = client.get("/api/v1/drafts", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in response.headers


class TestCorsAllowed:
    """An origin listed in API_CORS_ORIGINS gets CORS headers; others do not."""

    def test_listed_origin_only(self, app, client):
        app.config["API_CORS_ORIGINS"] = "https://mini.example.cn, https://other.example.cn"
        ok = client.get("/api/v1/drafts", headers={"Origin": "https://mini.example.cn"})
        assert ok.headers["Access-Control-Allow-Origin"] == "https://mini.example.cn"
        preflight = client.options("/api/v1/drafts/1/comments", headers={
            "Origin": "https://mini.example.cn", "Access-Control-Request-Method": "POST"})
        assert "Idempotency-Key" in preflight.headers["Access-Control-Allow-Headers"]
        other = client.get("/api/v1/drafts", headers={"Origin": "https://evil.example"})
        assert "Access-Control-Allow-Origin" not in other.headers


def test_the_document_and_its_page(client):
    document = client.get("/api/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    assert "/api/v1/drafts/{draft_id}/comments" in document["paths"]
    submit = document["paths"]["/api/v1/drafts/{draft_id}/comments"]["post"]
    assert {"201", "409", "422", "429"} <= set(submit["responses"])
    page = client.get("/api/docs")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "/api/v1/drafts/{draft_id}/comments" in html and html.count("<script") == 1
    assert "CommentSubmission" in html and "/api/docs" in client.get("/").get_data(as_text=True)


def test_a_server_fault_answers_500_in_the_error_shape(client, draft, monkeypatch):
    from consult.api import presenters

    def broken(_draft):
        raise RuntimeError("simulated fault")

    monkeypatch.setattr(presenters, "draft", broken)
    response = client.get(f"/api/v1/drafts/{draft.id}")
    assert response.status_code == 500
    assert response.get_json() == {"error": {"code": "internal_error", "message": "服务器出错了，请稍后再试。",
                                             "field": None}}
    assert "simulated" not in response.get_data(as_text=True)
