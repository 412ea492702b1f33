"""Reads about contact points and meetings: a facilitator's points, lists for admin, meetings and counts."""
from __future__ import annotations

from sqlalchemy import func, select

from consult.accounts.models import user_contact_points
from consult.accounts.permissions import is_staff
from consult.contact_points.models import ContactPoint, Meeting
from consult.drafts.models import Draft
from consult.extensions import db


def contact_points_for(user) -> list[ContactPoint]:
    """The contact points this user records comments for (staff: every active point)."""
    if is_staff(user):
        return list(db.session.scalars(
            select(ContactPoint).where(ContactPoint.active.is_(True)).order_by(ContactPoint.code)))
    return [cp for cp in user.contact_points if cp.active]


def point_by_code(code: str) -> ContactPoint | None:
    """The contact point with this code, or None."""
    return db.session.scalar(select(ContactPoint).where(ContactPoint.code == code))


def all_points(district: str | None = None) -> list[ContactPoint]:
    """Contact points (of one district), by district then code."""
    query = select(ContactPoint).order_by(ContactPoint.district, ContactPoint.code)
    if district:
        query = query.where(ContactPoint.district == district)
    return list(db.session.scalars(query))


def point_count() -> int:
    """How many contact points there are."""
    return db.session.scalar(select(func.count(ContactPoint.id))) or 0


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


def intake_drafts() -> list[Draft]:
    """Published drafts a contact point can hold meetings about, open ones first then the most recent."""
    drafts = list(db.session.scalars(
        select(Draft).where(Draft.published_at.is_not(None)).order_by(Draft.published_at.desc())))
    return sorted(drafts, key=lambda d: not d.is_open())


def meetings_for(points, limit: int | None = None) -> list[Meeting]:
    """Meetings of these contact points, newest first (at most `limit`)."""
    ids = [cp.id for cp in points]
    if not ids:
        return []
    query = (select(Meeting).where(Meeting.contact_point_id.in_(ids))
             .order_by(Meeting.held_on.desc(), Meeting.id.desc()))
    if limit:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def meeting_comment_counts(meetings) -> dict[int, int]:
    """Number of comments recorded per meeting id."""
    ids = [m.id for m in meetings]
    if not ids:
        return {}
    rows = db.session.execute(select(Meeting.id, func.count()).join(Meeting.comments)
                              .where(Meeting.id.in_(ids)).group_by(Meeting.id))
    return dict(rows.all())
