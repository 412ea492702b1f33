"""Contact points (基层立法联系点 / 人大代表联络站) and the meetings held there (座谈会, 民情沟通会 …).

Their kinds and words live in consult.contact_points.vocabulary.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.contact_points.vocabulary import (  # noqa: F401  (the kinds, for the models' users)
    CONTACT_POINT_KIND, CONTACT_POINT_KINDS, MEETING_KIND, MEETING_KINDS)
from consult.database import utcnow
from consult.extensions import db

class ContactPoint(db.Model):
    """A grassroots legislative contact point or deputy liaison station (站点)."""

    __tablename__ = "contact_points"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(db.String(40), unique=True)
    name: Mapped[str] = mapped_column(db.String(200))
    district: Mapped[str] = mapped_column(db.String(100), default="", index=True)
    kind: Mapped[str] = mapped_column(db.String(40), default="legislative_contact_point")
    community: Mapped[str] = mapped_column(db.String(200), default="")
    address: Mapped[str] = mapped_column(db.String(300), default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow)

    facilitators = relationship("User", secondary="user_contact_points", back_populates="contact_points")

    def __repr__(self) -> str:
        return f"<ContactPoint {self.code}>"


class Meeting(db.Model):
    """A meeting held at a contact point about one draft, where residents' comments are recorded."""

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(db.ForeignKey("drafts.id", ondelete="CASCADE"), index=True)
    contact_point_id: Mapped[int] = mapped_column(db.ForeignKey("contact_points.id"), index=True)
    held_on: Mapped[date] = mapped_column(db.Date)
    kind: Mapped[str] = mapped_column(db.String(30), default="symposium")
    place: Mapped[str] = mapped_column(db.String(200), default="")
    attendance: Mapped[int] = mapped_column(default=0)
    deputies_present: Mapped[str] = mapped_column(db.String(300), default="")
    notes: Mapped[str] = mapped_column(db.Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow)

    draft = relationship("Draft")
    contact_point = relationship("ContactPoint")
    comments = relationship("Comment", back_populates="meeting", order_by="Comment.id")
