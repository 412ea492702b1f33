"""Account verbs: create users, bind facilitators, authenticate. Flush, never commit.

Contact points and their CSV import live in consult.contact_points."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from consult.accounts.models import ROLES, User
from consult.audit.services import record
from consult.database import utcnow
from consult.errors import UserError
from consult.extensions import db


class AccountError(UserError):
    """A user-facing reason why an account action was refused."""


def create_user(username: str, password: str, role: str = "citizen", *, display_name: str = "",
                email: str | None = None, contact_points=(), actor=None) -> User:
    """Create a user with a hashed password; facilitators get their contact points bound."""
    username = (username or "").strip()
    if not username:
        raise AccountError(_("用户名不能为空。"))
    if role not in ROLES:
        raise AccountError(_("未知角色：%(role)s（可选：%(choices)s）。", role=role, choices=", ".join(ROLES)))
    if len(password or "") < 8:
        raise AccountError(_("密码至少需要 8 个字符。"))
    if db.session.scalar(select(User.id).where(User.username == username)):
        raise AccountError(_("用户名已存在：%(name)s。", name=username))
    user = User(username=username, role=role, display_name=display_name or username, email=email)
    user.set_password(password)
    user.contact_points = list(contact_points)
    db.session.add(user)
    db.session.flush()
    record(actor, "user.create", user, role=role, contact_points=[cp.code for cp in user.contact_points])
    return user


def update_user(user: User, *, role: str | None = None, active: bool | None = None, display_name=None,
                contact_points=None, password: str | None = None, actor=None) -> User:
    """Change a user's role, state, name, bound contact points or password."""
    if actor is not None and getattr(actor, "id", None) == user.id and user.role == "admin" and (
            (role is not None and role != "admin") or active is False):
        raise AccountError(_("不能取消自己的管理员角色或停用自己的账户，请由另一位管理员操作。"))
    changes = {}
    if role is not None and role != user.role:
        if role not in ROLES:
            raise AccountError(_("未知角色：%(role)s。", role=role))
        changes["role"] = [user.role, role]
        user.role = role
    if active is not None and active != user.active:
        changes["active"] = [user.active, active]
        user.active = active
    if display_name is not None and display_name != user.display_name:
        user.display_name = display_name
        changes["display_name"] = display_name
    if contact_points is not None:
        user.contact_points = list(contact_points)
        changes["contact_points"] = [cp.code for cp in user.contact_points]
    if password:
        if len(password) < 8:
            raise AccountError(_("密码至少需要 8 个字符。"))
        user.set_password(password)
        changes["password"] = "changed"
    if changes.keys() & {"role", "active", "password"}:
        user.rotate_sessions()  # what the old sessions were allowed to do changed: sign them all out
    db.session.flush()
    if changes:
        record(actor, "user.update", user, **changes)
    return user


def authenticate(username: str, password: str) -> User | None:
    """The active user with this username and password, or None (same answer for every failure)."""
    username = (username or "").strip()
    if not username or any(ord(ch) < 32 for ch in username):  # no account has one; PostgreSQL refuses NUL
        return None
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None or not user.active or not user.check_password(password or ""):
        return None
    user.last_login_at = utcnow()
    db.session.flush()
    return user


def sign_in(username: str, password: str) -> User:
    """Authenticate for a new session: earlier sessions of this user end (session version rotated)."""
    user = authenticate(username, password)
    if user is None:
        raise AccountError(_("用户名或密码不正确。"), "password")
    if user.email_verification_pending:  # a self-registered citizen who has not opened the link yet
        raise AccountError(_("请先打开验证邮件中的链接验证邮箱，然后再登录。没有收到？请点击下方的“重新发送验证邮件”。"), "username")
    user.rotate_sessions()
    db.session.flush()
    record(user, "user.login", user)
    return user


def sign_out(user: User) -> None:
    """End every session of this user, including copies of the cookie made before signing out."""
    user.rotate_sessions()
    db.session.flush()
