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


def test_sign_in_refuses_with_the_message_beside_the_password(db, make_user):
    from consult.accounts.services import sign_in

    make_user("staff", username="li")
    with pytest.raises(AccountError) as refused:
        sign_in("li", "wrong")
    assert refused.value.field == "password" and "不正确" in refused.value.message


def test_sign_in_and_sign_out_rotate_the_session_version(db, make_user):
    from consult.accounts.services import sign_in, sign_out

    user = make_user("staff", username="li")
    first = user.session_version
    assert sign_in("li", "password123") is user and user.session_version == first + 1
    sign_out(user)
    assert user.session_version == first + 2 and user.get_id() == f"{user.id}:{first + 2}"
