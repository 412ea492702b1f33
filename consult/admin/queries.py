"""Reads for the admin pages: users, contact points, districts."""
from __future__ import annotations

from sqlalchemy import func, select

from consult.accounts.models import User, user_contact_points
from consult.comments.models import ContactPoint
from consult.extensions import db


def users(role: str | None = None) -> list[User]:
    """Every user (or those with one role), by role then username."""
    query = select(User).order_by(User.role, User.username)
    if role:
        query = query.where(User.role == role)
    return list(db.session.scalars(query))


def role_counts() -> dict[str, int]:
    """Number of users per role."""
    return dict(db.session.execute(select(User.role, func.count(User.id)).group_by(User.role)).all())


def contact_points(district: str | None = None) -> list[ContactPoint]:
    """Contact points (of one district), by district then code."""
    query = select(ContactPoint).order_by(ContactPoint.district, ContactPoint.code)
    if district:
        query = query.where(ContactPoint.district == district)
    return list(db.session.scalars(query))


def districts() -> list[str]:
    """The districts that have contact points."""
    return list(db.session.scalars(select(ContactPoint.district).distinct().order_by(ContactPoint.district)))


def facilitator_counts() -> dict[int, int]:
    """Number of bound users per contact point id."""
    rows = db.session.execute(select(user_contact_points.c.contact_point_id, func.count())
                              .group_by(user_contact_points.c.contact_point_id))
    return dict(rows.all())


def contact_points_by_codes(codes: list[str]) -> tuple[list[ContactPoint], list[str]]:
    """The contact points with these codes, in the order given, and the codes that match none."""
    if not codes:
        return [], []
    found = {cp.code: cp for cp in db.session.scalars(select(ContactPoint).where(ContactPoint.code.in_(codes)))}
    missing = [code for code in codes if code not in found]
    ordered = list(dict.fromkeys(found[code] for code in codes if code in found))
    return ordered, missing
