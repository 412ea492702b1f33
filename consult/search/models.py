"""The search outbox: what is still to be indexed, written in the same transaction as the change."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column

from consult.database import utcnow
from consult.extensions import db


class SearchOutbox(db.Model):
    """One pending index operation; the indexer deletes the row once the index has it."""

    __tablename__ = "search_outbox"
    # Ids must never be reused: an indexer deletes the rows it processed by id, and SQLite would otherwise
    # hand a just-freed id to a new row that a concurrent indexer is about to delete (a lost document).
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(db.String(20))  # comment / article / draft
    entity_id: Mapped[int] = mapped_column(index=True)
    op: Mapped[str] = mapped_column(db.String(10), default="upsert")  # upsert / delete
    created_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow)
