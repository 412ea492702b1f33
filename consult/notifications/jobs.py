"""Running a release's notifications in the background: plan the batch, send, retry until done.

Same pattern as export jobs (`consult.exports.jobs`): the batch row is the job; after the release commits
it is started in a daemon thread (JOB_QUEUE=thread) or enqueued for a `consult worker` (JOB_QUEUE=rq).
In a thread, while messages wait for a retry the job sleeps until the earliest is due (a bounded number of
rounds). On the queue the job sends one round and returns, so a backoff never holds a worker that exports
wait for: every `consult worker` sends what has become due in its periodic round (`send_retries`).
`consult notifications send` sends whatever is due at any time (cron, or after an outage).
"""
from __future__ import annotations

import logging
import time

from flask import current_app
from sqlalchemy import func, select

from consult import queue
from consult.database import utcnow
from consult.extensions import db
from consult.notifications import services
from consult.notifications.models import Notification, NotificationBatch

log = logging.getLogger(__name__)
TARGET = "consult.notifications.jobs:run_batch"


def launch(app, batch_id: int) -> None:
    """Start a committed batch through the one background runner (`consult.queue.start`)."""
    queue.start(app, TARGET, batch_id)


def wait_all(timeout: float = 60.0) -> bool:
    """Wait for this process's notification threads (tests); True when all have finished."""
    return queue.wait_all(TARGET, timeout)


def run_batch(batch_id: int, *, rounds: int | None = None) -> dict:
    """Plan the batch (once) and send its messages, sleeping until retries are due; the last counts."""
    batch = db.session.get(NotificationBatch, batch_id)
    if batch is None:  # pragma: no cover - the batch was deleted with its draft
        return {}
    if batch.status == "queued":
        services.plan(batch)
        db.session.commit()
    if rounds is None:
        rounds = 1 if queue.mode() == "rq" else int(current_app.config.get("NOTIFY_MAX_ATTEMPTS") or 6)
    counts = {}
    for round_ in range(max(1, rounds)):
        counts = services.send_due()
        due = db.session.scalar(select(func.min(Notification.next_attempt_at)).where(
            Notification.batch_id == batch_id, Notification.status == "pending"))
        if due is None or round_ == rounds - 1:
            break
        time.sleep(max(0.0, min(3600.0, (due - utcnow()).total_seconds())))
    return counts


def send_retries(now=None) -> dict:
    """Send the pending messages that have become due (a `consult worker`'s periodic round); {} if none."""
    now = now or utcnow()
    due = db.session.scalar(select(func.count()).select_from(Notification).where(services.is_due(now)))
    return services.send_due(now) if due else {}
