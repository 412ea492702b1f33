"""A citizen's account journey in Chromium: register from the header, open the verification link that
arrived at a real SMTP server (aiosmtpd), sign in, claim an earlier comment by its receipt code, see it with
its state and decision in 我的意见, and follow a draft. Screenshots: <tmp>/journeys/citizen_account/.

This journey needs mail, so it runs its own live server (the shared one has no MAIL_SERVER): the same
build (migrations + demo data) as tests/browser/conftest.py, plus MAIL_SERVER pointing at the fixture.
"""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.browser.conftest import _config, serve_app
from tests.browser.journeys import Journey, in_app
from tests.smtp_fixture import SmtpServer, body_of

pytestmark = pytest.mark.browser
EMAIL = "journey.citizen@example.com"
PASSWORD = "journey-pass-1"


@pytest.fixture(scope="module")
def mail_server():
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def mail_live(tmp_path_factory, mail_server, chromium):
    tmp_dir = tmp_path_factory.mktemp("live-mail")
    config = dict(_config(tmp_dir), MAIL_SERVER="127.0.0.1", MAIL_PORT=mail_server.port,
                  REGISTER_RATE_LIMIT="10000 per minute", RESET_RATE_LIMIT="10000 per minute")
    with serve_app(tmp_dir, config) as server:
        yield server


@pytest.fixture
def mail_page(chromium, mail_live):
    context = chromium.new_context(base_url=mail_live.base_url, locale="zh-CN")
    context.set_default_timeout(15_000)
    pg = context.new_page()
    yield pg
    context.close()


def _decided_comment(app) -> dict:
    """A published online comment of the demo that nobody owns, decided by staff (seeded if need be)."""
    from consult.comments.models import Comment
    from consult.comments.vocabulary import decision_public

    def read(db):
        comment = db.session.scalars(select(Comment).where(
            Comment.channel == "online", Comment.moderation_state == "published",
            Comment.owner_id.is_(None)).order_by(Comment.id)).first()
        assert comment is not None, "the demo has no published online comment"
        if comment.decision is None:
            comment.decision, comment.decision_reason = "partly_adopted", "已在修改稿中部分吸收。"
        return {"id": comment.id, "code": comment.receipt_code, "body": comment.body,
                "decision": decision_public(comment.decision),
                "draft_id": comment.draft_id, "title": comment.draft.title}

    return in_app(app, read)


def test_register_verify_sign_in_claim_and_see_my_comments(mail_page, mail_live, mail_server):
    page = mail_page
    j = Journey(page, mail_live, "citizen_account")
    earlier = _decided_comment(mail_live.app)

    j.start()
    j.follow("注册", within=page.locator("header"))
    page.get_by_label("电子邮箱").fill(EMAIL)
    page.get_by_label("称呼（可不填）").fill("旅行者")
    page.get_by_label("密码（至少 8 个字符）").fill(PASSWORD)
    page.get_by_label("再次输入密码").fill(PASSWORD)
    j.shot("register")
    j.submit("注册", within=page.locator("main"))
    assert EMAIL in j.main_text()
    j.shot("registered")

    # Not verified yet: signing in is refused with the reason.
    j.follow("登录", within=page.locator("header"))
    page.fill("#username", EMAIL)
    page.fill("#password", PASSWORD)
    j.submit("登录", within=page.locator("main"))
    assert "请先打开验证邮件中的链接验证邮箱" in j.main_text()
    j.shot("login-refused")

    (message,) = mail_server.to(EMAIL)
    link = re.search(r"https?://[^/\s]+(/accounts/verify/\S+)", body_of(message)).group(1)
    page.goto(mail_live.base_url + link)  # the link from the e-mail, as a mail program opens it
    j.check()
    assert "邮箱已验证" in j.main_text()
    j.shot("verified")
    j.login(EMAIL, PASSWORD)

    j.follow("我的意见", within=page.locator("header"))
    assert "您还没有意见" in j.main_text()
    page.get_by_label("回执编号").fill(earlier["code"])
    j.submit("认领", within=page.locator("main"))
    text = j.main_text()
    assert f"已将回执编号为 {earlier['code']} 的意见加入" in text
    rows = page.locator("table.my-comments tbody tr")
    assert rows.count() == 1
    assert earlier["code"] in rows.first.inner_text() and earlier["title"] in rows.first.inner_text()
    assert rows.first.locator(".decision").count() == 1 and earlier["decision"] in rows.first.inner_text()
    j.shot("my-comments")

    # Follow the draft from its page; it is listed on 我的意见.
    j.follow(earlier["title"], within=rows.first)
    j.submit("关注草案", within=page.locator("main"))
    assert page.get_by_role("button", name="取消关注").count() == 1
    j.follow("我的意见", within=page.locator("header"))
    follows = page.get_by_role("heading", name="关注的草案").locator("xpath=following-sibling::ul[1]")
    assert earlier["title"] in follows.inner_text()
    j.shot("following")


@pytest.mark.parametrize("path", ["/accounts/register", "/accounts/reset", "/accounts/registered",
                                  "/accounts/my-comments"])
def test_citizen_account_pages_pass_axe(audit_page, live_server, axe_audit, path):
    """The account pages (我的意见 as the demo citizen, who has two comments there) pass axe-core."""
    from tests.browser.support import login

    if path == "/accounts/my-comments":
        login(audit_page, live_server, "citizen")
    audit_page.goto(live_server.base_url + path)
    assert audit_page.locator("h1").count() == 1
    if path == "/accounts/my-comments":
        assert audit_page.locator("table.my-comments tbody tr").count() == 2
    axe_audit(audit_page, path)
