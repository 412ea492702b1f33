"""The CSRF token of the anonymous session does not survive login (CSRF protection on, as in production)."""
import re

import pytest


@pytest.fixture
def app_config(tmp_path):
    return {"SEARCH_INDEX_DIR": str(tmp_path / "index"), "EXPORT_DIR": str(tmp_path / "exports"),
            "WTF_CSRF_ENABLED": True}


def test_csrf_token_is_renewed_at_login(client, make_user):
    user = make_user("staff")
    page = client.get("/accounts/login").get_data(as_text=True)
    old_token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/accounts/login", data={"username": user.username, "password": "password123",
                                                    "csrf_token": old_token})
    assert response.status_code == 302
    with client.session_transaction() as session:
        assert "csrf_token" not in session  # the next form the signed-in user sees gets a new one
    refused = client.post("/accounts/logout", data={"csrf_token": old_token})
    assert refused.status_code == 400
    assert client.get("/accounts/me").status_code == 200  # the forged-looking sign-out changed nothing
