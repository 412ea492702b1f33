"""Registration with e-mail verification: no sign-in before the link is opened; bad links change nothing."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from consult.accounts.models import User
from tests.accounts.citizen_helpers import link_in, register


@pytest.fixture
def app_config(mail_app_config):
    return mail_app_config


def _users(db) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(User))


def test_register_verify_then_sign_in(client, db, smtp):
    response = register(client, email="Wang@Example.com")
    assert response.status_code == 302 and "/accounts/registered" in response.headers["Location"]
    (message,) = smtp.to("wang@example.com")
    assert "验证" in message["Subject"]
    refused = client.post("/accounts/login",
                          data={"username": "wang@example.com", "password": "secret-pass-1"})
    assert refused.status_code == 422 and "请先打开验证邮件中的链接验证邮箱" in refused.get_data(as_text=True)
    assert client.get("/accounts/my-comments").status_code == 302  # not signed in
    verified = client.get(link_in(message, "/accounts/verify/"), follow_redirects=True)
    assert "邮箱已验证" in verified.get_data(as_text=True)
    user = db.session.scalar(select(User).where(User.email == "wang@example.com"))
    assert user.role == "citizen" and user.email_verified_at is not None
    signed_in = client.post("/accounts/login",
                            data={"username": "wang@example.com", "password": "secret-pass-1"})
    assert signed_in.status_code == 302
    page = client.get("/accounts/my-comments").get_data(as_text=True)
    assert "我的意见" in page and "认领" in page


def test_header_links_register_and_my_comments(client, db, smtp):
    home = client.get("/").get_data(as_text=True)
    assert "/accounts/register" in home and "/accounts/my-comments" not in home
    register(client)
    client.get(link_in(smtp.messages[0], "/accounts/verify/"))
    client.post("/accounts/login", data={"username": "wang@example.com", "password": "secret-pass-1"})
    assert "/accounts/my-comments" in client.get("/").get_data(as_text=True)


def test_second_registration_with_the_same_address_is_refused(client, db, smtp):
    register(client)
    before = _users(db)
    again = register(client, email="WANG@example.com ")
    assert again.status_code == 422 and "该邮箱已注册" in again.get_data(as_text=True)
    assert _users(db) == before and len(smtp.messages) == 1


def test_invalid_address_or_short_password_is_refused(client, db, smtp):
    before = _users(db)
    bad = register(client, email="not-an-address")
    assert bad.status_code == 422 and "请填写有效的电子邮箱地址" in bad.get_data(as_text=True)
    short = register(client, password="short")
    assert short.status_code == 422
    mismatch = client.post("/accounts/register", data={"email": "a@example.com", "password": "secret-pass-1",
                                                       "confirm": "secret-pass-2"})
    assert mismatch.status_code == 422 and "两次输入的密码不一致" in mismatch.get_data(as_text=True)
    assert _users(db) == before and not smtp.messages


def test_expired_or_forged_verification_link_is_refused_and_changes_nothing(app, client, db, smtp):
    register(client)
    link = link_in(smtp.messages[0], "/accounts/verify/")
    app.config["EMAIL_VERIFY_MAX_AGE"] = -1
    expired = client.get(link)
    assert expired.status_code == 400 and "验证链接已过期" in expired.get_data(as_text=True)
    forged = client.get(link[:-3] + "xyz")
    assert forged.status_code == 400 and "验证链接无效" in forged.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalar(select(User.email_verified_at).where(User.email == "wang@example.com")) is None


def test_resend_verification_sends_a_new_link(client, db, smtp):
    register(client)
    client.post("/accounts/verify/resend", data={"email": "wang@example.com"})
    client.post("/accounts/verify/resend", data={"email": "nobody@example.com"})  # same answer, no mail
    assert len(smtp.to("wang@example.com")) == 2 and not smtp.to("nobody@example.com")


def test_comment_made_while_signed_in_belongs_to_the_account(client, db, smtp, make_draft):
    draft = make_draft()
    register(client)
    client.get(link_in(smtp.messages[0], "/accounts/verify/"))
    client.post("/accounts/login", data={"username": "wang@example.com", "password": "secret-pass-1"})
    response = client.post(f"/comments/new/{draft.id}", data={
        "anchor": "3", "body": "建议增加文明拍照的要求。", "reason": "", "proposed_text": "", "commenter_name": "",
        "commenter_category": "", "contact": "", "website": ""})
    assert response.status_code == 303
    page = client.get("/accounts/my-comments").get_data(as_text=True)
    assert "建议增加文明拍照的要求。" in page
    assert "尚未作出决定" in page


def test_follow_a_draft_from_its_page(client, db, smtp, make_draft):
    draft = make_draft()
    register(client)
    client.get(link_in(smtp.messages[0], "/accounts/verify/"))
    client.post("/accounts/login", data={"username": "wang@example.com", "password": "secret-pass-1"})
    page = client.get(f"/drafts/{draft.id}").get_data(as_text=True)
    assert "关注草案" in page
    client.post(f"/accounts/follow/{draft.id}", data={"follow": "1"})
    assert draft.title in client.get("/accounts/my-comments").get_data(as_text=True)
    assert "取消关注" in client.get(f"/drafts/{draft.id}").get_data(as_text=True)
    client.post(f"/accounts/follow/{draft.id}", data={"follow": "0"})
    assert "您还没有关注草案" in client.get("/accounts/my-comments").get_data(as_text=True)


def test_staff_have_no_my_comments_page(client, auth, make_user):
    auth.login(make_user("staff"))
    assert client.get("/accounts/my-comments").status_code == 403
