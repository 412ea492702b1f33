"""Export jobs on the RQ queue (JOB_QUEUE=rq): enqueued, built by a worker, recovered when a worker dies,
and stored in the database (EXPORT_STORAGE=database). Needs Redis at 127.0.0.1:6379 (db 13)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from consult.database import utcnow
from tests.rq_fixture import redis_ok, rq_mode

REDIS_URL = "redis://127.0.0.1:6379/13"


pytestmark = pytest.mark.skipif(not redis_ok(REDIS_URL), reason=f"the RQ job queue needs Redis at {REDIS_URL}")


@pytest.fixture
def rq_app(app):
    with rq_mode(app, REDIS_URL, JOB_STALL_SECONDS=3, EXPORT_STORAGE="database"):
        yield app


def _job(db, draft, staff, **values):
    from consult.exports.models import ExportJob

    job = ExportJob(kind="summary", draft_id=draft.id, params={}, created_by_id=staff.id, **values)
    db.session.add(job)
    db.session.commit()
    return job


def test_a_stalled_job_is_queued_again_once_then_failed(rq_app, db, make_draft, make_user):
    from consult import queue
    from consult.exports.jobs import recover_stalled
    from consult.exports.models import ExportJob

    draft, staff = make_draft(), make_user("staff")
    stale = utcnow() - timedelta(seconds=30)
    first = _job(db, draft, staff, status="running", heartbeat_at=stale, attempts=1)
    second = _job(db, draft, staff, status="running", heartbeat_at=stale, attempts=2)
    alive = _job(db, draft, staff, status="running", heartbeat_at=utcnow(), attempts=1)
    done = _job(db, draft, staff, status="done", heartbeat_at=stale, attempts=1)
    assert sorted(recover_stalled()) == sorted([first.id, second.id])
    db.session.expire_all()
    assert db.session.get(ExportJob, first.id).status == "queued"
    assert queue.rq_queue(rq_app.config).count == 1
    failed = db.session.get(ExportJob, second.id)
    assert failed.status == "failed" and "重新导出" in failed.error
    assert db.session.get(ExportJob, alive.id).status == "running"
    assert db.session.get(ExportJob, done.id).status == "done"
    assert recover_stalled() == []  # nothing changes twice


def test_the_web_enqueues_a_worker_builds_and_the_file_is_served_from_the_database(
        rq_app, db, make_draft, make_user, client, auth):
    from consult import queue
    from consult.exports.models import ExportFile, ExportJob

    draft, staff = make_draft(), make_user("staff", password="password123")
    auth.login(staff.username)
    response = client.post(f"/exports/drafts/{draft.id}", data={"kind": "sheet", "sheet_format": "csv"})
    assert response.status_code in (302, 303)
    job = db.session.scalars(db.select(ExportJob)).one()
    assert job.status == "queued" and queue.rq_queue(rq_app.config).count == 1
    queue.work(rq_app, burst=True)  # what `consult worker --burst` runs
    db.session.expire_all()
    job = db.session.get(ExportJob, job.id)
    assert job.status == "done" and job.attempts == 1 and job.file_path == f"db:{job.id}"
    stored = db.session.get(ExportFile, job.id)
    assert stored is not None and stored.size == len(stored.data) > 0
    download = client.get(f"/exports/jobs/{job.id}/download")
    assert download.status_code == 200 and download.data == stored.data


def test_worker_and_check_commands(rq_app, runner):
    result = runner.invoke(args=["check", "--servers", "2"])
    assert result.exit_code == 1
    assert "shared  background jobs" in result.output and "shared  export files" in result.output
    assert "LOCAL   search index" in result.output  # the tests' Whoosh directory
    rq_app.config.update(JOB_QUEUE="thread")
    result = runner.invoke(args=["worker", "--burst"])
    assert result.exit_code == 1 and "JOB_QUEUE is 'thread'" in result.output
    rq_app.config.update(JOB_QUEUE="rq", JOB_QUEUE_URL="redis://127.0.0.1:1/0")
    result = runner.invoke(args=["worker", "--burst"])
    assert result.exit_code == 1 and "does not answer" in result.output
