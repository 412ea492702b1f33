"""Sessions end for real: logout, a password or role change and a new login sign out every copy of a cookie."""
import pytest
from flask import g

from consult.accounts.services import update_user


def _copy_session(client, app):
    other = app.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    return other


def _signed_in(client) -> bool:
    # Requests of the test client share the test's app context, so flask-login's per-request cache of the
    # user (g._login_user) would outlive the request; drop it, as a real new request would.
    g.pop("_login_user", None)
    return client.get("/accounts/me").status_code == 200


def test_logout_ends_copies_of_the_cookie(app, client, auth, make_user):
    auth.login(make_user("staff"))
    copy = _copy_session(client, app)
    assert _signed_in(copy)
    auth.logout()
    assert not _signed_in(client) and not _signed_in(copy)


@pytest.mark.parametrize("change", [{"password": "a-new-password"}, {"role": "citizen"}, {"active": False}])
def test_password_role_or_state_change_ends_sessions(app, client, auth, db, make_user, change):
    user = make_user("staff")
    auth.login(user)
    assert _signed_in(client)
    update_user(user, **change, actor=make_user("admin"))
    db.session.commit()
    assert not _signed_in(client)


def test_name_change_keeps_the_session(client, auth, db, make_user):
    user = make_user("staff")
    auth.login(user)
    update_user(user, display_name="李明")
    db.session.commit()
    assert _signed_in(client)


def test_a_new_login_ends_the_earlier_session(app, client, auth, make_user):
    user = make_user("staff")
    auth.login(user)
    elsewhere = app.test_client()
    elsewhere.post("/accounts/login", data={"username": user.username, "password": "password123"})
    assert _signed_in(elsewhere) and not _signed_in(client)


def test_session_without_version_is_refused(client, make_user):
    user = make_user("admin")
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)  # the format before session versions
    assert not _signed_in(client)
