"""Keeping the index fresh after each commit, without making any request wait for the index.

`init_app(app)` watches the Flask-SQLAlchemy session: a flush that writes `SearchOutbox` rows marks the
transaction; its commit then wakes this process's background indexer thread, which drains the outbox in
batches (`sync_pending`). A rollback clears the mark, and the rows vanish with the transaction.

Modes (`SEARCH_INDEXING`):
* "inline" (demo, one server): the thread above; it also polls every few seconds, so rows written by other
  processes (the CLI, a second worker) are picked up. In tests (`app.testing`) the hook runs
  `sync_pending()` synchronously instead, so tests are deterministic.
* "external" (several web workers): the web processes only write outbox rows; `consult search worker`
  drains them. If the worker is down, comments are still saved and become searchable once it is back.
"""
from __future__ import annotations

import logging
import os
import threading

from flask import current_app, has_app_context
from sqlalchemy import event

log = logging.getLogger(__name__)
POLL_SECONDS = 3.0
_FLAG = "search_outbox_dirty"
_installed = False
_indexers: dict[tuple[int, str, int], "IndexerThread"] = {}
_indexers_lock = threading.Lock()


def init_app(app) -> None:
    """Install the after-commit indexing hook (once per process; it reads the app's config at commit time)."""
    global _installed
    app.extensions["search_hooks"] = True
    if _installed:
        return
    from consult.extensions import db

    event.listen(db.session, "after_flush", _after_flush)
    event.listen(db.session, "after_commit", _after_commit)
    event.listen(db.session, "after_soft_rollback", _after_rollback)
    _installed = True


def _after_flush(session, _context) -> None:
    from consult.outbox import SearchOutbox

    if any(isinstance(obj, SearchOutbox) for obj in session.new):
        session.info[_FLAG] = True


def _after_rollback(session, _previous_transaction) -> None:
    if not session.in_transaction():
        session.info.pop(_FLAG, None)


def _after_commit(session) -> None:
    if not session.info.pop(_FLAG, False) or not has_app_context():
        return
    app = current_app._get_current_object()
    mode = app.config.get("SEARCH_INDEXING", "inline")
    if mode == "external":
        return
    if app.testing and not app.config.get("SEARCH_BACKGROUND_IN_TESTS"):
        from consult.search.services import sync_pending

        sync_pending()
        return
    wake_indexer(app)


def wake_indexer(app) -> "IndexerThread":
    """Start (once per process) or wake the background indexer of this app."""
    key = (id(app), app.config["SEARCH_INDEX_DIR"], os.getpid())
    with _indexers_lock:
        thread = _indexers.get(key)
        if thread is None or not thread.is_alive():
            thread = IndexerThread(app)
            _indexers[key] = thread
            thread.start()
    thread.wake()
    return thread


class IndexerThread(threading.Thread):
    """Drains the outbox whenever woken (after a commit) and every few seconds."""

    def __init__(self, app):
        super().__init__(name="search-indexer", daemon=True)
        self.app = app
        self.event = threading.Event()
        self.stopping = False

    def wake(self) -> None:
        """Ask for a sync as soon as possible."""
        self.event.set()

    def stop(self) -> None:
        """Finish the current batch and end the thread."""
        self.stopping = True
        self.event.set()

    def run(self) -> None:
        """Loop: wait for a wake-up or the poll interval, then sync."""
        from consult.search.services import sync_pending

        while not self.stopping:
            self.event.wait(POLL_SECONDS)
            self.event.clear()
            if self.stopping:
                break
            try:
                with self.app.app_context():
                    sync_pending()
            except Exception:  # noqa: BLE001 - keep the thread alive; rows stay queued for the next pass
                log.exception("search indexing failed; will retry")
