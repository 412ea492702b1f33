"""Account services: creation rules, authentication, admin self-lockout, contact point import."""
import pytest

from consult.accounts.services import AccountError, authenticate, create_user, update_user


def test_authenticate_and_inactive_users(db, make_user):
    user = make_user("staff", username="li")
    assert authenticate("li", "password123") == user
    assert authenticate("li", "wrong") is None
    update_user(user, active=False)
    assert authenticate("li", "password123") is None


def test_admin_cannot_demote_or_deactivate_themselves(db, make_user):
    admin = make_user("admin")
    with pytest.raises(AccountError):
        update_user(admin, role="staff", actor=admin)
    with pytest.raises(AccountError):
        update_user(admin, active=False, actor=admin)
    assert admin.role == "admin" and admin.active
    other = make_user("admin")
    update_user(admin, role="staff", actor=other)
    assert admin.role == "staff"


@pytest.mark.parametrize("kwargs, fragment", [
    ({"username": "", "password": "longenough"}, "用户名"),
    ({"username": "x", "password": "short"}, "8"),
    ({"username": "x", "password": "longenough", "role": "king"}, "未知角色"),
])
def test_create_user_refuses_bad_input(db, kwargs, fragment):
    with pytest.raises(AccountError, match=fragment):
        create_user(kwargs.pop("username"), kwargs.pop("password"), kwargs.pop("role", "citizen"))


def test_duplicate_username_refused(db, make_user):
    make_user(username="same")
    with pytest.raises(AccountError, match="已存在"):
        create_user("same", "longenough", "citizen")
