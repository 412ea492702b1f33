"""Notifications on the RQ queue (JOB_QUEUE=rq): the release enqueues the batch, a worker sends it, and a
retry waits for a worker's periodic round instead of holding the worker. Needs Redis (db 11)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from consult import queue
from consult.database import utcnow
from consult.notifications.models import Notification
from consult.operations import worker_round
from consult.report.services import release_report
from tests.rq_fixture import redis_ok, rq_mode

REDIS_URL = "redis://127.0.0.1:6379/11"
pytestmark = pytest.mark.skipif(not redis_ok(REDIS_URL), reason=f"the RQ job queue needs Redis at {REDIS_URL}")


@pytest.fixture
def rq_app(app):
    with rq_mode(app, REDIS_URL, NOTIFY_AUTOSTART=True):
        yield app


def _release(app, db, draft, staff):
    with app.test_request_context("/"):  # released from the staff page: the batch starts after the commit
        release_report(draft, staff)
        db.session.commit()


def test_the_release_enqueues_the_batch_and_a_worker_sends_it(rq_app, db, decided, staff, smtp):
    smtp.start()
    draft, _ = decided
    _release(rq_app, db, draft, staff)
    assert queue.rq_queue(rq_app.config).count == 1 and not smtp.messages  # nothing ran in the web process
    queue.work(rq_app, burst=True)  # what `consult worker --burst` runs
    db.session.expire_all()
    assert {n.status for n in db.session.scalars(select(Notification))} == {"sent"}
    assert len(smtp.to("wang@example.com")) == 1 and len(smtp.messages) == 2
    assert queue.rq_queue(rq_app.config).count == 0


def test_a_retry_is_sent_by_a_workers_round_not_by_a_sleeping_job(rq_app, db, decided, staff, smtp):
    draft, _ = decided
    _release(rq_app, db, draft, staff)  # the mail server is down
    queue.work(rq_app, burst=True)  # one round, then the worker is free again
    db.session.expire_all()
    waiting = db.session.scalars(select(Notification)).all()
    assert {n.status for n in waiting} == {"pending"} and {n.attempts for n in waiting} == {1}
    assert queue.rq_queue(rq_app.config).count == 0 and not queue.rq_queue(rq_app.config).failed_job_registry.count
    smtp.start()
    worker_round()  # not due yet: the backoff is respected
    db.session.expire_all()
    assert not smtp.messages and {n.attempts for n in db.session.scalars(select(Notification))} == {1}
    db.session.execute(update(Notification).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    worker_round()
    worker_round()  # a second round finds nothing due: sent exactly once
    db.session.expire_all()
    assert {n.status for n in db.session.scalars(select(Notification))} == {"sent"}
    assert len(smtp.to("wang@example.com")) == 1 and len(smtp.messages) == 2
