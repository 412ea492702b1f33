"""End to end in Chromium: a citizen comments on a paragraph and looks up the receipt; staff moderate.

Each flow drives the real pages (CSRF on, the app's own JavaScript under its real CSP) and checks the
result both on screen and in the database.
"""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.browser.support import login, no_csp_errors

pytestmark = pytest.mark.browser

RECEIPT_RE = re.compile(r"^[A-Z0-9]{4}-[A-Z0-9]{4}$")


def test_citizen_comments_on_a_paragraph_and_looks_up_the_receipt(page, live_server, seed):
    """Article page → comment form (paragraph 2, consent) → receipt code → lookup shows 待审核."""
    draft_id = seed.draft_id()
    body = "第二款应当写明擅自改变传统村落风貌的，由谁负责恢复。"
    page.goto(live_server.url("drafts.article", draft_id=draft_id, key="12"))
    assert "第十二条" in page.locator("h1").inner_text()
    page.get_by_role("link", name=re.compile("对第十二条提意见")).click()
    page.wait_for_url(re.compile(r"/comments/new/"))

    anchor = page.locator("select[name=anchor]")
    paragraph_option = anchor.locator("option", has_text="第二款").first
    anchor.select_option(value=paragraph_option.get_attribute("value"))
    page.locator("textarea[name=body]").fill(body)
    page.locator("input[name=commenter_name]").fill("刘洋")
    page.locator("input[name=wants_feedback]").check()
    page.locator("input[name=contact]").fill("13800000000")
    page.locator("input[name=consent_personal_info]").check()
    page.get_by_role("button", name="提交意见").click()

    code = page.locator("#receipt-code").inner_text().strip()
    assert RECEIPT_RE.match(code), f"no receipt code on the page: {page.inner_text('main')[:300]}"

    page.goto(live_server.url("comments.receipt"))
    page.locator("input[name=code]").fill(code)
    page.get_by_role("button", name="查询").click()
    result = page.locator(".receipt-result")
    assert code in result.inner_text()
    assert "待审核" in result.inner_text()
    assert body in result.inner_text()
    assert "第十二条第二款" in result.inner_text()
    assert no_csp_errors(page) == []

    stored = _comment(live_server.app, code)
    assert stored["body"] == body
    assert stored["moderation_state"] == "pending"
    assert (stored["anchor_kind"], stored["article"], stored["paragraph_no"]) == ("paragraph", 12, 2)
    assert stored["consent_personal_info"] is True
    assert stored["commenter_contact"] == "13800000000"


def test_staff_publish_one_comment_and_reject_another(page, live_server, seed):
    """Moderation queue: the published comment shows masked under its article; the rejected one does not."""
    published_body = "景区门票预约应当保留电话预约渠道，照顾不会用手机的老人。"
    rejected_body = "这条意见与草案无关，只是广告：欢迎光临本店。"
    published = seed.online_comment(anchor="12", body=published_body, commenter_name="王小明")
    rejected = seed.online_comment(anchor="12", body=rejected_body, commenter_name="赵大伟")
    reason = "内容与草案无关"

    login(page, live_server, "staff")
    page.goto(live_server.url("review.moderation"))
    with page.expect_navigation():
        page.locator(f"#c-{published['id']}").get_by_role("button", name="发布", exact=True).click()
    assert page.locator(f"#c-{published['id']}").count() == 0, "a published comment must leave the queue"
    rejected_item = page.locator(f"#c-{rejected['id']}")
    rejected_item.get_by_label("驳回理由").fill(reason)
    with page.expect_navigation():
        rejected_item.get_by_role("button", name="驳回", exact=True).click()
    assert page.locator(f"#c-{rejected['id']}").count() == 0, "a rejected comment must leave the queue"
    assert no_csp_errors(page) == []

    page.context.clear_cookies()  # now as an anonymous visitor
    page.goto(live_server.url("drafts.article", draft_id=seed.draft_id(), key="12"))
    public = page.locator(".article-comments").inner_text()
    assert published_body in public
    assert "王*" in public and "王小明" not in public
    assert rejected_body not in public and "赵大伟" not in public

    page.goto(live_server.url("comments.receipt", code=rejected["receipt_code"]))
    result = page.locator(".receipt-result").inner_text()
    assert "未公开" in result and reason in result
    page.goto(live_server.url("comments.receipt", code=published["receipt_code"]))
    assert "已公开" in page.locator(".receipt-result").inner_text()

    assert _comment(live_server.app, published["receipt_code"])["moderation_state"] == "published"
    assert _comment(live_server.app, rejected["receipt_code"])["moderation_state"] == "rejected"


def _comment(app, code: str) -> dict:
    from consult.comments.models import Comment
    from consult.extensions import db

    with app.app_context():
        try:
            c = db.session.scalar(select(Comment).where(Comment.receipt_code == code))
            assert c is not None, f"no comment with receipt {code}"
            return {"body": c.body, "moderation_state": c.moderation_state, "anchor_kind": c.anchor_kind,
                    "article": c.article.number if c.article else None, "paragraph_no": c.paragraph_no,
                    "consent_personal_info": c.consent_personal_info,
                    "commenter_contact": c.commenter_contact}
        finally:
            db.session.remove()


def test_live_server_refuses_a_post_without_csrf_token(page, live_server, seed):
    """The flows above ran with CSRF on: a comment POST without the token is refused and nothing is stored."""
    body = "没有令牌的提交不应被保存。"
    response = page.request.post(live_server.url("comments.new", draft_id=seed.draft_id(), anchor="12"),
                                 form={"anchor": "12", "body": body, "commenter_category": ""})
    assert response.status == 400
    from consult.comments.models import Comment
    from consult.extensions import db

    with live_server.app.app_context():
        try:
            assert db.session.scalar(select(Comment.id).where(Comment.body == body)) is None
        finally:
            db.session.remove()
