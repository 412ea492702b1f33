"""The outbox: what derived stores (the search index) still have to learn, written in the caller's transaction.

Every domain package records its changes here (`enqueue`) without knowing who reads them; the search
package drains the table after commit (`consult.search.services.sync_pending`, the indexer thread or
`consult search worker`). Keeping the table below every domain package is what lets comments, drafts and
contact points depend on search's input without search and them importing each other.
"""
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


def enqueue(entity: str, entity_id: int, op: str = "upsert") -> None:
    """Note that `entity` #`entity_id` must be (re)indexed or deleted once this transaction commits."""
    db.session.add(SearchOutbox(entity=entity, entity_id=entity_id, op=op))


def enqueue_many(entity: str, ids, op: str = "upsert") -> None:
    """Same as `enqueue` for many ids at once."""
    db.session.add_all([SearchOutbox(entity=entity, entity_id=i, op=op) for i in ids])
