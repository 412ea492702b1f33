"""Notification batches (one per report release), messages (one per recipient and release), opt-outs."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column

from consult.database import utcnow
from consult.extensions import db

STATUSES = ("pending", "sending", "sent", "failed", "skipped")


class NotificationBatch(db.Model):
    """The notifications of one release of a draft's report (revision): planned, then sent."""

    __tablename__ = "notification_batches"
    __table_args__ = (db.UniqueConstraint("draft_id", "revision", name="uq_notification_batches_release"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(db.ForeignKey("drafts.id", ondelete="CASCADE"), index=True)
    revision: Mapped[int] = mapped_column()
    changed_since: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(db.String(20), default="queued")  # queued / planned
    created_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow)
    planned_at: Mapped[datetime | None] = mapped_column(db.DateTime)


class Notification(db.Model):
    """One message to one recipient for one release; `key` is unique: a message is never sent twice."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(db.ForeignKey("notification_batches.id", ondelete="CASCADE"),
                                          index=True)
    key: Mapped[str] = mapped_column(db.String(300), unique=True)
    kind: Mapped[str] = mapped_column(db.String(20), default="commenter")  # commenter / facilitator
    recipient: Mapped[str] = mapped_column(db.String(200))
    contact_point_id: Mapped[int | None] = mapped_column(
        db.ForeignKey("contact_points.id", ondelete="SET NULL"))
    comment_ids: Mapped[list] = mapped_column(db.JSON, default=list)
    status: Mapped[str] = mapped_column(db.String(20), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(db.String(500), default="")
    next_attempt_at: Mapped[datetime | None] = mapped_column(db.DateTime)
    sent_at: Mapped[datetime | None] = mapped_column(db.DateTime)
    created_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow)


class MailOptOut(db.Model):
    """An address that unsubscribed (by its keyed digest): no notification goes to it afterwards."""

    __tablename__ = "mail_opt_outs"

    email_hash: Mapped[str] = mapped_column(db.String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow)
