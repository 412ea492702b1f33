"""Reads about accounts: users (of one role) and how many there are per role."""
from __future__ import annotations

from sqlalchemy import func, select

from consult.accounts.models import User
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
