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
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from consult.database import utcnow
from consult.extensions import db
from consult.search.backend import IndexBusy, SearchBackend, get_backend
from consult.search.documents import (all_article_infos, comment_id_ranges, count_all_documents, document_keys,
                                      iter_all_documents, iter_comment_documents, load_documents)
from consult.outbox import SearchOutbox

log = logging.getLogger(__name__)
BATCH_SIZE = 500
BEHIND_SECONDS = 120  # queued changes older than this mean the indexer is not keeping up (or not running)
REBUILD_PROCS = 2  # worker processes for a full rebuild (each reads and writes its own segment)
PARALLEL_MIN_DOCUMENTS = 5000  # below this a rebuild runs in-process
_sync_lock = threading.Lock()


def current_backend() -> SearchBackend:
    """The search backend of the current app (one per process and index directory)."""
    return get_backend(current_app.config)


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
                    upserts.extend(docs)
                    kept = {doc["key"] for doc in docs}
                    deletions.extend(k for i in sorted(ids) for k in document_keys(entity, i) if k not in kept)
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
        if procs > 1 and backend.parallel_rebuild and _forkable_database():
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


REBUILD_TARGET = "consult.search.services:rebuild_job"


def rebuild_job() -> int:
    """`rebuild` as a queued job (`consult search rebuild --queue`, run by a `consult worker`)."""
    count = rebuild()
    log.info("search index rebuilt by a worker: %s documents", count)
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


@dataclass(frozen=True)
class SearchHealth:
    """Whether full-text results can be trusted: status ok / behind / missing / unreadable, and why."""

    status: str
    message: str = ""
    pending: int = 0

    @property
    def ready(self) -> bool:
        """True when a query's results are complete (anything else: banner for staff, exports refuse)."""
        return self.status == "ok"


def search_health() -> SearchHealth:
    """How the index compares with the database, for the staff banner and for query-filtered exports."""
    from consult.comments.models import Comment

    state = current_backend().state()
    if not state.readable:
        log.error("search index unreadable: %s", state.error)
        return SearchHealth("unreadable", _("全文检索索引无法读取（文件可能已损坏），检索结果不可用。"
                                            "请运行 consult search rebuild 重建索引。"))
    with _session() as session:
        pending = session.scalar(select(func.count()).select_from(SearchOutbox)) or 0
        oldest = session.scalar(select(func.min(SearchOutbox.created_at)))
        comments = session.scalar(select(func.count()).select_from(Comment)) or 0
    indexed = state.counts.get("comment", 0)
    if comments and not indexed and not pending:
        return SearchHealth("missing", _("全文检索索引是空的，检索不到任何意见。请运行 consult search rebuild 重建索引。"))
    stale = oldest is not None and oldest < utcnow() - timedelta(
        seconds=current_app.config.get("SEARCH_BEHIND_SECONDS", BEHIND_SECONDS))
    if stale or (not pending and indexed != comments):
        return SearchHealth("behind", _("全文检索索引落后于数据库（%(n)s 处改动尚未编入索引），检索结果可能不完整。"
                                        "请运行 consult search sync 或 consult search rebuild。", n=pending),
                            pending)
    return SearchHealth("ok", pending=pending)


def index_ready() -> bool:
    """True when full-text results are complete; query-filtered exports refuse otherwise."""
    return search_health().ready

