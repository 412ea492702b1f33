"""Account verbs: create users, bind facilitators, authenticate, import contact points. Flush, never commit."""
from __future__ import annotations

import csv
import io

from flask_babel import gettext as _
from sqlalchemy import select

from consult.accounts.models import ROLES, User
from consult.audit.services import record
from consult.comments.models import CONTACT_POINT_KINDS, ContactPoint
from consult.database import utcnow
from consult.extensions import db


class AccountError(ValueError):
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
    db.session.flush()
    if changes:
        record(actor, "user.update", user, **changes)
    return user


def authenticate(username: str, password: str) -> User | None:
    """The active user with this username and password, or None (same answer for every failure)."""
    user = db.session.scalar(select(User).where(User.username == (username or "").strip()))
    if user is None or not user.active or not user.check_password(password or ""):
        return None
    user.last_login_at = utcnow()
    db.session.flush()
    return user


CONTACT_POINT_COLUMNS = ("code", "name", "district", "kind", "community", "address")
_CP_ALIASES = {"编码": "code", "代码": "code", "名称": "name", "区": "district", "区县": "district",
               "类型": "kind", "社区": "community", "地址": "address"}


def import_contact_points(text: str, actor=None) -> dict:
    """Create or update contact points from CSV text; all rows valid or nothing changes."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if not reader.fieldnames:
        raise AccountError(_("CSV 文件为空或没有表头。"))
    header = [_CP_ALIASES.get(h.strip(), h.strip().lower()) for h in reader.fieldnames]
    unknown = [h for h in header if h not in CONTACT_POINT_COLUMNS]
    if unknown:
        raise AccountError(_("未知的列：%(columns)s（可用列：%(allowed)s）。", columns=", ".join(unknown),
                               allowed=", ".join(CONTACT_POINT_COLUMNS)))
    if "code" not in header or "name" not in header:
        raise AccountError(_("缺少必需的列：code 和 name。"))
    rows, errors, seen = [], [], set()
    for line_no, raw in enumerate(reader, start=2):
        row = {header[i]: (value or "").strip() for i, value in enumerate(raw.values()) if i < len(header)}
        if not any(row.values()):
            continue
        if not row.get("code"):
            errors.append(_("第 %(line)d 行：code 为空", line=line_no))
        elif row["code"] in seen:
            errors.append(_("第 %(line)d 行：code 重复：%(code)s", line=line_no, code=row["code"]))
        if not row.get("name"):
            errors.append(_("第 %(line)d 行：name 为空", line=line_no))
        kind = row.get("kind") or "legislative_contact_point"
        if kind not in CONTACT_POINT_KINDS:
            errors.append(_("第 %(line)d 行：未知类型 %(kind)s", line=line_no, kind=kind))
        row["kind"] = kind
        seen.add(row.get("code"))
        rows.append(row)
    if errors:
        raise AccountError(_("；").join(errors[:20]) + ("……" if len(errors) > 20 else ""))
    existing = {cp.code: cp for cp in db.session.scalars(select(ContactPoint))}
    created = updated = 0
    for row in rows:
        cp = existing.get(row["code"])
        if cp is None:
            cp = ContactPoint(code=row["code"])
            db.session.add(cp)
            created += 1
        else:
            updated += 1
        for field in CONTACT_POINT_COLUMNS[1:]:
            if field in row:
                setattr(cp, field, row[field])
    db.session.flush()
    record(actor, "contact_points.import", ("ContactPoint", None), created=created, updated=updated)
    return {"created": created, "updated": updated}
