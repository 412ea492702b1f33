"""Admin pages: users, roles and contact points; bad input changes nothing."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from consult.accounts.models import User
from consult.audit.models import AuditEvent
from consult.contact_points.models import ContactPoint


@pytest.fixture
def admin(make_user, auth):
    """A signed-in administrator."""
    user = make_user("admin")
    auth.login(user)
    return user


def _user(db, username):
    return db.session.scalar(select(User).where(User.username == username))


def _upload(client, text: str, encoding="utf-8"):
    return client.post("/admin/contact-points", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(text.encode(encoding)), "points.csv")})


@pytest.mark.parametrize("path", ["/admin/", "/admin/users", "/admin/users/new", "/admin/contact-points"])
def test_anonymous_goes_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/accounts/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["citizen", "facilitator", "staff"])
@pytest.mark.parametrize("path", ["/admin/", "/admin/users", "/admin/users/new", "/admin/contact-points"])
def test_only_admins_get_in(client, auth, make_user, role, path):
    auth.login(make_user(role))
    assert client.get(path).status_code == 403


def test_staff_cannot_post_users(client, auth, make_user, db):
    auth.login(make_user("staff"))
    response = client.post("/admin/users/new", data={"username": "mole", "password": "password123", "role": "admin"})
    assert response.status_code == 403
    assert _user(db, "mole") is None


def test_index_and_user_list(client, admin, make_user, make_contact_point):
    point = make_contact_point()
    make_user("facilitator", [point], username="lianluoyuan")
    page = client.get("/admin/").get_data(as_text=True)
    assert "联络员" in page and "1 个联系点" in page
    users = client.get("/admin/users?role=facilitator").get_data(as_text=True)
    assert "lianluoyuan" in users and point.code in users and f"<td>{admin.username}</td>" not in users


def test_create_facilitator_with_contact_points(client, admin, db, make_contact_point):
    a = make_contact_point("QJ-A-01", "甲联系点")
    b = make_contact_point("QJ-B-02", "乙联系点")
    response = client.post("/admin/users/new", data={
        "username": "zhangsan", "display_name": "张三", "email": "", "role": "facilitator",
        "password": "password123", "contact_points": "QJ-B-02，QJ-A-01"})
    assert response.status_code == 302
    user = _user(db, "zhangsan")
    assert user.role == "facilitator" and user.display_name == "张三"
    assert {cp.id for cp in user.contact_points} == {a.id, b.id}
    assert user.check_password("password123")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.create",
                                                       AuditEvent.target_id == user.id))
    assert event.actor_id == admin.id


@pytest.mark.parametrize("data, message", [
    ({"username": "lisi", "password": "short", "role": "staff"}, "密码至少需要 8 个字符"),
    ({"username": "lisi", "password": "password123", "role": "facilitator", "contact_points": "NOPE-1"},
     "没有这些联系点编码：NOPE-1"),
    ({"username": "lisi", "password": "password123", "role": "emperor"}, 'id="role-error">'),
    ({"username": "lisi", "password": "password123", "role": "staff", "email": "not-an-email"}, "电子邮件格式不正确"),
    ({"username": "", "password": "password123", "role": "staff"}, "请填写用户名"),
])
def test_create_user_bad_input_changes_nothing(client, admin, db, data, message):
    before = db.session.scalar(select(func.count(User.id)))
    response = client.post("/admin/users/new", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(User.id))) == before


def test_duplicate_username_is_refused(client, admin, db, make_user):
    make_user("citizen", username="wangwu")
    response = client.post("/admin/users/new", data={"username": "wangwu", "password": "password123",
                                                      "role": "staff"})
    assert response.status_code == 422 and "用户名已存在" in response.get_data(as_text=True)
    assert _user(db, "wangwu").role == "citizen"


def test_edit_user_role_state_points_and_password(client, admin, db, make_user, make_contact_point, auth):
    point = make_contact_point()
    user = make_user("citizen", username="zhaoliu")
    page = client.get(f"/admin/users/{user.id}/edit").get_data(as_text=True)
    assert "zhaoliu" in page
    response = client.post(f"/admin/users/{user.id}/edit", data={
        "display_name": "赵六", "role": "facilitator", "active": "y", "contact_points": point.code,
        "password": "newpassword1"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert (user.role, user.display_name, user.active) == ("facilitator", "赵六", True)
    assert [cp.code for cp in user.contact_points] == [point.code]
    assert user.check_password("newpassword1")
    # Unticking "active" disables the account; the old password still works only for an active account.
    response = client.post(f"/admin/users/{user.id}/edit", data={
        "display_name": "赵六", "role": "facilitator", "contact_points": point.code, "password": ""})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.active is False and user.check_password("newpassword1")
    auth.logout()
    auth.login("zhaoliu", "newpassword1")
    assert client.get("/intake/").status_code == 302  # not signed in: an inactive account cannot log in


def test_edit_user_with_unknown_point_or_short_password_changes_nothing(client, admin, db, make_user):
    user = make_user("staff", username="qianqi")
    response = client.post(f"/admin/users/{user.id}/edit", data={
        "display_name": "钱七", "role": "facilitator", "active": "y", "contact_points": "NOPE"})
    assert response.status_code == 422 and "NOPE" in response.get_data(as_text=True)
    response = client.post(f"/admin/users/{user.id}/edit", data={
        "display_name": "钱七", "role": "admin", "active": "y", "password": "123"})
    assert response.status_code == 422 and "密码至少需要 8 个字符" in response.get_data(as_text=True)
    db.session.refresh(user)
    assert (user.role, user.display_name) == ("staff", "qianqi")
    assert client.get("/admin/users/9999/edit").status_code == 404


def test_contact_point_csv_upload_and_district_filter(client, admin, db):
    text = "code,name,district,community\nQJ-DH-01,东湖街道联系点,东湖区,东湖社区\nQJ-XS-01,西山镇联系点,西山区,\n"
    response = _upload(client, "\ufeff" + text)
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(ContactPoint.id))) == 2
    everything = client.get("/admin/contact-points").get_data(as_text=True)
    assert "东湖街道联系点" in everything and "西山镇联系点" in everything
    east = client.get("/admin/contact-points?district=东湖区").get_data(as_text=True)
    assert "东湖街道联系点" in east and "西山镇联系点" not in east


def test_contact_point_csv_in_gb18030(client, admin, db):
    response = _upload(client, "编码,名称,区\nQJ-GB-01,国标编码联系点,南区\n", encoding="gb18030")
    assert response.status_code == 302
    assert db.session.scalar(select(ContactPoint.name)) == "国标编码联系点"


def test_contact_point_csv_with_a_bad_row_changes_nothing(client, admin, db, make_contact_point):
    existing = make_contact_point("QJ-OLD-01", "原来的名称", "老区")
    text = ("code,name,district\nQJ-OLD-01,新的名称,新区\nQJ-NEW-01,新联系点,新区\n"
            ",没有编码的联系点,新区\nQJ-NEW-02,,新区\n")
    response = _upload(client, text)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "第 4 行：code 为空" in page and "第 5 行：name 为空" in page
    db.session.refresh(existing)
    assert (existing.name, existing.district) == ("原来的名称", "老区")
    assert db.session.scalar(select(func.count(ContactPoint.id))) == 1


def test_contact_point_csv_with_unknown_column_is_refused(client, admin, db):
    response = _upload(client, "code,name,phone\nQJ-1,甲,123\n")
    assert response.status_code == 422 and "未知的列：phone" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(ContactPoint.id))) == 0
