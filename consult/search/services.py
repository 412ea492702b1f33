"""Keeping the index in step with the database: drain the outbox, rebuild, verify.

The database is the truth. Services elsewhere write `SearchOutbox` rows in the same transaction as their
change; here, after commit and in batches, each queued entity is reloaded from the database and its
document replaced (or deleted when the row is gone); the outbox rows are deleted only once the index has
committed. A crash anywhere leaves the rows in place, so the next `sync_pending` repairs it.
These functions use their own database session (they also run from the after-commit hook and threads).
"""
from __future__ import annotations

import functools
import logging
import os
import threading

from flask import current_app
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from consult.extensions import db
from consult.search.backend import IndexBusy, get_backend
from consult.search.documents import (all_article_infos, comment_id_ranges, count_all_documents,
                                      iter_all_documents, iter_comment_documents, load_documents)
from consult.search.models import SearchOutbox

log = logging.getLogger(__name__)
BATCH_SIZE = 500
REBUILD_PROCS = 2  # worker processes for a full rebuild (each reads and writes its own segment)
PARALLEL_MIN_DOCUMENTS = 5000  # below this a rebuild runs in-process
_sync_lock = threading.Lock()


def current_backend():
    """The search backend of the current app (one per process and index directory)."""
    return get_backend(current_app.config["SEARCH_INDEX_DIR"])


def _session() -> Session:
    return Session(db.engine, expire_on_commit=False)


def sync_pending(limit: int | None = None) -> int:
    """Index everything queued in the outbox (batches of 500); returns how many outbox rows were done.

    If another process holds the index writer lock longer than the bounded wait, stop and leave the rows
    queued for the next call: nothing is lost, nothing waits forever.
    """
    backend = current_backend()
    done = 0
    with _sync_lock:
        while limit is None or done < limit:
            size = BATCH_SIZE if limit is None else min(BATCH_SIZE, limit - done)
            with _session() as session:
                rows = session.execute(select(SearchOutbox.id, SearchOutbox.entity, SearchOutbox.entity_id)
                                       .order_by(SearchOutbox.id).limit(size)).all()
                if not rows:
                    break
                upserts, deletions = [], []
                by_entity: dict[str, set[int]] = {}
                for _, entity, entity_id in rows:
                    by_entity.setdefault(entity, set()).add(entity_id)
                for entity, ids in by_entity.items():
                    docs = load_documents(session, entity, ids)
                    upserts.extend(docs.values())
                    deletions.extend(f"{entity}:{i}" for i in ids if i not in docs)
                session.rollback()  # end the read transaction before the (slow) index commit
                try:
                    backend.apply(upserts, deletions)
                except IndexBusy:
                    log.warning("search index busy; %d outbox rows stay queued", len(rows))
                    break
                session.execute(delete(SearchOutbox).where(SearchOutbox.id.in_([r[0] for r in rows])))
                session.commit()
                done += len(rows)
    return done


def pending_count() -> int:
    """How many outbox rows wait to be indexed."""
    with _session() as session:
        return session.scalar(select(func.count()).select_from(SearchOutbox)) or 0


def rebuild(progress=None) -> int:
    """Rebuild the whole index from the database into a new directory and swap it in; returns documents.

    `progress(n)` is called as documents are written. Outbox rows visible when the rebuild starts are
    covered by it and deleted; rows committed meanwhile stay queued and are synced right after the swap.
    """
    backend = current_backend()
    with _session() as session:
        covered = session.scalars(select(SearchOutbox.id)).all()
        total = count_all_documents(session)
        procs = min(REBUILD_PROCS, os.cpu_count() or 1) if total > PARALLEL_MIN_DOCUMENTS else 1
        partitions = None
        if procs > 1 and _forkable_database():
            infos = all_article_infos(session)
            app = current_app._get_current_object()
            partitions = [functools.partial(_partition_documents, app, infos, first, last)
                          for first, last in comment_id_ranges(session, procs)]
        count = backend.rebuild(iter_all_documents(session, comments=partitions is None), procs=procs,
                                progress=progress, partitions=partitions)
        session.rollback()
        for start in range(0, len(covered), 1000):
            session.execute(delete(SearchOutbox).where(SearchOutbox.id.in_(covered[start:start + 1000])))
        session.commit()
    sync_pending()
    return count


def _forkable_database() -> bool:
    """Worker processes can open their own connection (not an in-memory SQLite database)."""
    url = db.engine.url
    return not (url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"))


def _partition_documents(app, infos, first: int, last: int | None):
    """In a forked rebuild worker: the comment documents with ids first..last, read on a new connection."""
    with app.app_context():
        db.engine.dispose(close=False)  # never share the parent's pooled connections
    with app.app_context(), _session() as session:
        yield from iter_comment_documents(session, infos, first, last)
        session.rollback()


def rebuild_total() -> int:
    """How many documents a rebuild will write (for a progress bar)."""
    with _session() as session:
        return count_all_documents(session)


def verify() -> dict:
    """Compare index and database: keys missing from the index, stale documents, orphaned documents."""
    backend = current_backend()
    indexed = backend.fingerprints()
    missing, stale = [], []
    expected = set()
    with _session() as session:
        for doc in iter_all_documents(session):
            key = doc["key"]
            expected.add(key)
            fp = indexed.get(key)
            if fp is None:
                missing.append(key)
            elif fp != doc["fp"]:
                stale.append(key)
        pending = session.scalar(select(func.count()).select_from(SearchOutbox)) or 0
    orphaned = sorted(set(indexed) - expected)
    return {"ok": not (missing or stale or orphaned), "documents": len(expected), "indexed": len(indexed),
            "missing": missing, "stale": stale, "orphaned": orphaned, "pending": pending}
