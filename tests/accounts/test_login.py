"""Login: safe `next` redirects and throttled attempts."""
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


@pytest.fixture
def app_config(tmp_path):
    return {"SEARCH_INDEX_DIR": str(tmp_path / "index"), "EXPORT_DIR": str(tmp_path / "exports"),
            "RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "3 per minute"}


def test_login_attempts_are_throttled(client, make_user):
    make_user("staff", username="li")
    for _ in range(3):
        response = client.post("/accounts/login", data={"username": "li", "password": "wrong-password"})
        assert response.status_code == 200 and "用户名或密码不正确" in response.get_data(as_text=True)
    throttled = client.post("/accounts/login", data={"username": "li", "password": "password123"})
    assert throttled.status_code == 429
    assert "操作过于频繁" in throttled.get_data(as_text=True)
