"""Outbox ids are never reused, so an indexer deleting the rows it processed can never delete a newer row.

Regression: on SQLite without AUTOINCREMENT a row written right after another indexer's delete got the
freed id; a concurrent indexer that had read the old row then deleted the new one, and that comment was
never indexed (bench_fresh lost 20-40 of 200 concurrent comments).
"""
from sqlalchemy import delete, select

from consult.outbox import SearchOutbox


def test_a_freed_outbox_id_is_not_given_to_the_next_row(db):
    first = SearchOutbox(entity="comment", entity_id=1)
    db.session.add(first)
    db.session.flush()  # flushes only: a commit would let the after-commit indexer drain the rows
    freed = first.id
    db.session.execute(delete(SearchOutbox).where(SearchOutbox.id == freed))
    second = SearchOutbox(entity="comment", entity_id=2)
    db.session.add(second)
    db.session.flush()
    assert second.id > freed
    # what a slow concurrent indexer does with the id it read before: it must not touch the new row
    db.session.execute(delete(SearchOutbox).where(SearchOutbox.id.in_([freed])))
    assert db.session.scalars(select(SearchOutbox.entity_id)).all() == [2]
    db.session.rollback()
