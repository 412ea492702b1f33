"""Recording what the search index still has to learn, inside the caller's transaction."""
from __future__ import annotations

from consult.extensions import db
from consult.search.models import SearchOutbox


def enqueue(entity: str, entity_id: int, op: str = "upsert") -> None:
    """Note that `entity` #`entity_id` must be (re)indexed or deleted once this transaction commits."""
    db.session.add(SearchOutbox(entity=entity, entity_id=entity_id, op=op))


def enqueue_many(entity: str, ids, op: str = "upsert") -> None:
    """Same as `enqueue` for many ids at once."""
    db.session.add_all([SearchOutbox(entity=entity, entity_id=i, op=op) for i in ids])
