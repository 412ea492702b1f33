"""API tokens: a hashed secret with scopes, for one contact point or one other system."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.database import utcnow
from consult.extensions import db


class ApiToken(db.Model):
    """A bearer token for another system; only the sha256 of its secret is kept (the secret is shown once)."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(db.String(100))
    token_hash: Mapped[str] = mapped_column(db.String(64), unique=True)
    # The secret's first characters, shown in lists so an admin can tell tokens apart (not enough to guess it).
    prefix: Mapped[str] = mapped_column(db.String(16), default="")
    scopes: Mapped[list] = mapped_column(db.JSON, default=list)
    contact_point_id: Mapped[int | None] = mapped_column(
        db.ForeignKey("contact_points.id", ondelete="SET NULL"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(db.DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(db.DateTime)

    contact_point = relationship("ContactPoint")
    created_by = relationship("User")

    @property
    def is_active(self) -> bool:
        """True until an admin revokes it."""
        return self.revoked_at is None

    def has_scope(self, scope: str) -> bool:
        """True when the token was granted `scope`."""
        return scope in (self.scopes or [])

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} {self.name}>"
