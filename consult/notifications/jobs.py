"""Running a release's notifications in the background: plan the batch, send, retry until done.

Same pattern as export jobs (`consult.exports.jobs`): the batch row is the job; after the release commits
it is started in a daemon thread (JOB_QUEUE=thread) or enqueued for a `consult worker` (JOB_QUEUE=rq).
While messages wait for a retry the job sleeps until the earliest is due (a bounded number of rounds);
`consult notifications send` sends whatever is due at any time (cron, or after an outage).
"""
from __future__ import annotations

import logging
import threading
import time

from flask import current_app
from sqlalchemy import func, select

from consult import queue
from consult.database import utcnow
from consult.extensions import db
from consult.notifications import services
from consult.notifications.models import Notification, NotificationBatch

log = logging.getLogger(__name__)
_threads: dict[int, threading.Thread] = {}
_lock = threading.Lock()


def launch(app, batch_id: int) -> None:
    """Start a committed batch: on the RQ queue, else in a thread of this process."""
    if queue.mode(app.config) == "rq":
        queue.enqueue("consult.notifications.jobs:run_batch", batch_id)
        return
    thread = threading.Thread(target=_run_in_app, args=(app, batch_id), name=f"notify-{batch_id}",
                              daemon=True)
    with _lock:
        _threads[batch_id] = thread
    thread.start()


def _run_in_app(app, batch_id: int) -> None:
    with app.app_context():
        try:
            run_batch(batch_id)
        except Exception:  # noqa: BLE001 - logged; `consult notifications send` picks up what is left
            log.exception("notification batch %s failed", batch_id)
        finally:
            db.session.remove()
            with _lock:
                _threads.pop(batch_id, None)


def wait_all(timeout: float = 60.0) -> bool:
    """Wait for this process's notification threads (tests); True when all have finished."""
    with _lock:
        threads = list(_threads.values())
    for thread in threads:
        thread.join(timeout)
    return not any(thread.is_alive() for thread in threads)


def run_batch(batch_id: int, *, rounds: int | None = None) -> dict:
    """Plan the batch (once) and send its messages, sleeping until retries are due; the last counts."""
    batch = db.session.get(NotificationBatch, batch_id)
    if batch is None:
        return {}
    if batch.status == "queued":
        services.plan(batch)
        db.session.commit()
    rounds = rounds if rounds is not None else int(current_app.config.get("NOTIFY_MAX_ATTEMPTS") or 6)
    counts = {}
    for round_ in range(max(1, rounds)):
        counts = services.send_due()
        due = db.session.scalar(select(func.min(Notification.next_attempt_at)).where(
            Notification.batch_id == batch_id, Notification.status == "pending"))
        if due is None or round_ == rounds - 1:
            break
        time.sleep(max(0.0, min(3600.0, (due - utcnow()).total_seconds())))
    return counts
