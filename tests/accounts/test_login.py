"""Login: safe `next` redirects, the landing page of each role, and throttling of failed attempts only."""
import pytest

from consult.accounts.views import is_safe_next


@pytest.mark.parametrize("target, safe", [
    ("/drafts/1", True), ("/intake/?x=1", True), ("//evil.example/x", False), ("https://evil.example/", False),
    ("/\\evil.example", False), ("", False), (None, False), ("javascript:alert(1)", False),
])
def test_is_safe_next(target, safe):
    assert is_safe_next(target) is safe


def test_login_redirects_only_to_local_next(client, make_user):
    make_user("staff", username="li")
    good = client.post("/accounts/login?next=/review/", data={"username": "li", "password": "password123"})
    assert good.status_code == 302 and good.headers["Location"].endswith("/review/")
    client.post("/accounts/logout")
    bad = client.post("/accounts/login?next=https://evil.example/", data={"username": "li", "password": "password123"})
    assert bad.status_code == 302 and "evil.example" not in bad.headers["Location"]


@pytest.mark.parametrize("role, landing", [("facilitator", "/intake/"), ("staff", "/"), ("admin", "/"),
                                           ("citizen", "/")])
def test_each_role_lands_on_its_page(client, make_user, make_contact_point, role, landing):
    points = [make_contact_point()] if role == "facilitator" else []
    user = make_user(role, points)
    response = client.post("/accounts/login", data={"username": user.username, "password": "password123"})
    assert response.status_code == 302 and response.headers["Location"] == landing


def test_wrong_password_message_beside_the_field(client, make_user):
    make_user("staff", username="li")
    response = client.post("/accounts/login", data={"username": "li", "password": "wrong-password"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "用户名或密码不正确" in page
    assert 'id="password-error"' in page and 'aria-invalid="true"' in page


def test_header_links_to_the_own_account_page(client, auth, make_user):
    auth.login(make_user("citizen"))
    assert 'href="/accounts/me"' in client.get("/drafts/").get_data(as_text=True)
    assert "公众" in client.get("/accounts/me").get_data(as_text=True)


@pytest.fixture
def app_config(tmp_path):
    return {"SEARCH_INDEX_DIR": str(tmp_path / "index"), "EXPORT_DIR": str(tmp_path / "exports"),
            "RATELIMIT_ENABLED": True, "LOGIN_FAILURES_PER_ACCOUNT": "3 per minute",
            "LOGIN_FAILURES_PER_ADDRESS": "5 per minute"}


def _attempt(client, username, password="password123", address="10.0.0.1"):
    return client.post("/accounts/login", data={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def test_ten_people_behind_one_address_all_sign_in(client, make_user):
    users = [make_user("facilitator") for _ in range(10)]
    for user in users:
        assert _attempt(client, user.username).status_code == 302
        client.post("/accounts/logout")
    assert _attempt(client, users[0].username).status_code == 302  # ten successes used up nothing


def test_failures_lock_that_account_only(client, make_user):
    make_user("staff", username="li")
    make_user("staff", username="wang")
    for _ in range(3):
        assert _attempt(client, "li", "wrong-password").status_code == 422
    locked = _attempt(client, "li")  # the right password, but the account is locked for now
    assert locked.status_code == 429 and "登录失败次数过多" in locked.get_data(as_text=True)
    assert _attempt(client, "li", address="10.0.0.2").status_code == 429  # from any address
    assert _attempt(client, "wang").status_code == 302  # the address itself is not locked


def test_failures_spread_over_accounts_lock_the_address(client, make_user):
    make_user("staff", username="li")
    for n in range(5):
        assert _attempt(client, f"guess{n}", "wrong-password").status_code == 422
    assert _attempt(client, "li").status_code == 429
    assert _attempt(client, "li", address="10.0.0.9").status_code == 302  # another address is fine


def test_incomplete_form_is_not_a_failed_attempt(client, make_user):
    make_user("staff", username="li")
    for _ in range(4):
        assert _attempt(client, "li", "").status_code == 422
    assert _attempt(client, "li").status_code == 302
