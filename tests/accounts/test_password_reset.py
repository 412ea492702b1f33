"""Password reset by e-mail: the link works once, an expired or used link is refused and changes nothing."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from consult.accounts.models import User
from tests.accounts.citizen_helpers import link_in, register


@pytest.fixture
def app_config(mail_app_config):
    return mail_app_config


def _verified_citizen(client, smtp):
    register(client)
    client.get(link_in(smtp.messages[0], "/accounts/verify/"))
    smtp.messages.clear()


def _login(client, password):
    return client.post("/accounts/login", data={"username": "wang@example.com", "password": password})


def _hash(db) -> str:
    db.session.rollback()
    return db.session.scalar(select(User.password_hash).where(User.email == "wang@example.com"))


def test_reset_link_sets_a_new_password_once(client, db, smtp):
    _verified_citizen(client, smtp)
    answer = client.post("/accounts/reset", data={"email": "WANG@example.com"}, follow_redirects=True)
    assert "如果该邮箱已注册" in answer.get_data(as_text=True)
    (message,) = smtp.to("wang@example.com")
    link = link_in(message, "/accounts/reset/")
    assert client.get(link).status_code == 200
    done = client.post(link, data={"password": "new-secret-2", "confirm": "new-secret-2"},
                       follow_redirects=True)
    assert "密码已重设" in done.get_data(as_text=True)
    assert _login(client, "secret-pass-1").status_code == 422
    assert _login(client, "new-secret-2").status_code == 302
    client.post("/accounts/logout")
    changed = _hash(db)
    again = client.post(link, data={"password": "third-pass-3", "confirm": "third-pass-3"})
    assert again.status_code == 400 and "已使用过或已失效" in again.get_data(as_text=True)
    assert _hash(db) == changed


def test_expired_reset_link_is_refused_with_a_clear_message(app, client, db, smtp):
    _verified_citizen(client, smtp)
    client.post("/accounts/reset", data={"email": "wang@example.com"})
    link = link_in(smtp.messages[0], "/accounts/reset/")
    before = _hash(db)
    app.config["PASSWORD_RESET_MAX_AGE"] = -1
    response = client.post(link, data={"password": "new-secret-2", "confirm": "new-secret-2"})
    assert response.status_code == 400 and "重设密码链接已过期，请重新申请" in response.get_data(as_text=True)
    assert _hash(db) == before
    assert _login(client, "secret-pass-1").status_code == 302


def test_forged_link_and_unknown_address(client, db, smtp):
    _verified_citizen(client, smtp)
    before = _hash(db)
    forged = client.post("/accounts/reset/abc.def",
                         data={"password": "new-secret-2", "confirm": "new-secret-2"})
    assert forged.status_code == 400 and "重设密码链接无效" in forged.get_data(as_text=True)
    unknown = client.post("/accounts/reset", data={"email": "nobody@example.com"}, follow_redirects=True)
    assert "如果该邮箱已注册" in unknown.get_data(as_text=True)  # the same answer: no account enumeration
    assert not smtp.messages and _hash(db) == before


def test_a_password_change_ends_older_reset_links(client, db, smtp):
    _verified_citizen(client, smtp)
    client.post("/accounts/reset", data={"email": "wang@example.com"})
    client.post("/accounts/reset", data={"email": "wang@example.com"})
    first, second = (link_in(m, "/accounts/reset/") for m in smtp.messages)
    client.post(second, data={"password": "new-secret-2", "confirm": "new-secret-2"})
    assert client.get(first).status_code == 400


def test_reset_link_lands_on_a_mismatched_password_without_changing_it(client, db, smtp):
    _verified_citizen(client, smtp)
    client.post("/accounts/reset", data={"email": "wang@example.com"})
    link = link_in(smtp.messages[0], "/accounts/reset/")
    before = _hash(db)
    response = client.post(link, data={"password": "new-secret-2", "confirm": "other-secret"})
    assert response.status_code == 422 and "两次输入的密码不一致" in response.get_data(as_text=True)
    assert _hash(db) == before
