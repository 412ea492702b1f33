"""Wiring: the report release adds a batch in its transaction; after commit the batch's job starts."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import event

from consult.extensions import db

_PENDING = "notification_batches_to_launch"


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
        if batch_ids and current_app.config.get("NOTIFY_AUTOSTART", True):
            from consult.notifications.jobs import launch

            app_ = current_app._get_current_object()
            for batch_id in batch_ids:
                launch(app_, batch_id)

    @event.listens_for(db.session, "after_rollback")
    def _forget(session):
        session.info.pop(_PENDING, None)
