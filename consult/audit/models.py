"""Audit trail of state changes (who, when, what)."""
from __future__ import annotations

from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.database import utcnow
from consult.extensions import db


class AuditEvent(db.Model):
    """One state change made by a person or a command."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[object] = mapped_column(db.DateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(db.String(64), index=True)
    target_type: Mapped[str] = mapped_column(db.String(32))
    target_id: Mapped[int | None] = mapped_column(index=True)
    details: Mapped[dict] = mapped_column(db.JSON, default=dict)

    actor = relationship("User")
