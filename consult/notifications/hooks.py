"""Wiring: the report release adds a batch in its transaction; after commit the batch's job starts.

From a web request the job starts at once (a thread, or the RQ queue). From a command in thread mode it
does not (the thread would die with the command): `consult notifications send` sends those.
"""
from __future__ import annotations

import logging

from flask import current_app, has_request_context
from sqlalchemy import event

from consult.extensions import db

_PENDING = "notification_batches_to_launch"
log = logging.getLogger(__name__)


def on_release(draft, release, changed_since):
    """Receiver of `report_released`: add this release's batch (committed or rolled back with it)."""
    from consult.notifications.services import add_batch

    batch = add_batch(draft, release.revision, changed_since)
    db.session.info.setdefault(_PENDING, []).append(batch.id)


def init_app(app) -> None:
    """Connect the release signal and start batches once their release has committed."""
    from consult.report.services import report_released

    report_released.connect(on_release)
    if getattr(init_app, "_listening", False):
        return
    init_app._listening = True

    @event.listens_for(db.session, "after_commit")
    def _launch(session):
        batch_ids = session.info.pop(_PENDING, [])
        if not batch_ids or not current_app.config.get("NOTIFY_AUTOSTART", True):
            return
        from consult import queue
        from consult.notifications.jobs import launch

        if queue.mode() == "thread" and not has_request_context():
            # A command (`consult report release`) would end with its process and kill the thread.
            log.info("notifications of batches %s wait for `consult notifications send`", batch_ids)
            return
        app_ = current_app._get_current_object()
        for batch_id in batch_ids:
            launch(app_, batch_id)

    @event.listens_for(db.session, "after_rollback")
    def _forget(session):
        session.info.pop(_PENDING, None)
