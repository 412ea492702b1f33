"""Near-duplicate detection asked for on the duplicates page runs as a background job: a thread by default,
a `consult worker` on the RQ queue (JOB_QUEUE=rq); the page shows the run's state; a second request while
one runs, a failed run and a run whose worker died each get a clear message and change nothing else."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from consult import queue
from consult.comments import duplicate_jobs
from consult.comments.models import DuplicateDetection, DuplicateGroup, DuplicateRun
from consult.database import utcnow
from tests.review.test_review_groups import CAMPAIGN
from tests.rq_fixture import redis_ok, rq_mode

REDIS_URL = "redis://127.0.0.1:6379/9"


@pytest.fixture
def copies(entered):
    return [entered(body=CAMPAIGN), entered(body=CAMPAIGN + "！"), entered(body="游客乱扔垃圾，建议多设垃圾桶。")]


def _page(client, draft) -> str:
    return client.get(f"/review/drafts/{draft.id}/duplicates").get_data(as_text=True)


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_button_starts_a_run_that_groups_in_the_background(client, db, draft, copies, signed_in):
    response = client.post(f"/review/drafts/{draft.id}/duplicates/refresh")
    assert response.status_code == 302
    assert queue.wait_all(duplicate_jobs.TARGET, 120)  # in-memory SQLite: one connection, the job's until then
    run = db.session.scalar(select(DuplicateRun))
    assert run.created_by_id == signed_in.id
    assert db.session.get(DuplicateRun, run.id).status == "done"
    assert db.session.get(DuplicateDetection, draft.id).groups == 1
    group = db.session.scalar(select(DuplicateGroup))
    assert sorted(c.id for c in group.comments) == sorted(c.id for c in copies[:2])
    page = _page(client, draft)
    assert "发现 1 组、共 2 条意见" in page and "重新检测重复意见" in page and "正在检测" not in page


def test_while_a_run_is_queued_the_page_says_so_and_a_second_request_is_refused(
        client, db, draft, copies, signed_in, staff):
    first = duplicate_jobs.request_detection(draft, actor=staff)  # committed but never started
    db.session.commit()
    page = _page(client, draft)
    assert "正在检测本草案的重复意见" in page and 'http-equiv="refresh"' in page
    assert "duplicates/refresh" not in page  # no button while it runs
    response = client.post(f"/review/drafts/{draft.id}/duplicates/refresh", follow_redirects=True)
    assert "正在检测，请等待完成" in response.get_data(as_text=True)
    assert _count(db, DuplicateRun) == 1 and db.session.get(DuplicateRun, first.id).status == "queued"
    assert _count(db, DuplicateGroup) == 0


def test_a_run_whose_worker_died_reads_as_failed_and_is_replaced(client, db, draft, copies, signed_in, staff):
    stale = duplicate_jobs.request_detection(draft, actor=staff)
    stale.created_at = utcnow() - duplicate_jobs.ABANDONED_AFTER - timedelta(minutes=1)
    db.session.commit()
    page = _page(client, draft)
    assert "检测中断" in page and 'http-equiv="refresh"' not in page and "duplicates/refresh" in page
    db.session.expire_all()
    assert db.session.get(DuplicateRun, stale.id).status == "queued"  # the page only reads
    client.post(f"/review/drafts/{draft.id}/duplicates/refresh")
    assert queue.wait_all(duplicate_jobs.TARGET, 120)
    db.session.expire_all()
    fresh = db.session.scalar(select(DuplicateRun).order_by(DuplicateRun.id.desc()))
    assert db.session.get(DuplicateRun, stale.id).status == "failed"
    assert db.session.get(DuplicateRun, fresh.id).status == "done"


def test_a_failing_detection_ends_failed_with_a_message_and_keeps_the_groups(
        client, db, draft, copies, signed_in, staff, monkeypatch):
    first = duplicate_jobs.request_detection(draft, actor=staff)
    db.session.commit()
    duplicate_jobs.run_job(first.id)
    groups = _count(db, DuplicateGroup)

    def broken(*args, **kwargs):
        raise RuntimeError("simulated crash")

    monkeypatch.setattr(duplicate_jobs, "refresh_duplicates", broken)
    second = duplicate_jobs.request_detection(draft, actor=staff)
    db.session.commit()
    assert duplicate_jobs.run_job(second.id).status == "failed"
    page = _page(client, draft)
    assert "检测失败" in page and "simulated crash" not in page and "发现 1 组" in page
    assert _count(db, DuplicateGroup) == groups


@pytest.mark.skipif(not redis_ok(REDIS_URL), reason=f"the RQ job queue needs Redis at {REDIS_URL}")
def test_on_the_queue_a_worker_runs_the_detection(app, client, db, draft, copies, signed_in):
    with rq_mode(app, REDIS_URL):
        client.post(f"/review/drafts/{draft.id}/duplicates/refresh")
        run = db.session.scalar(select(DuplicateRun))
        assert run.status == "queued" and queue.rq_queue(app.config).count == 1
        assert "正在检测本草案的重复意见" in _page(client, draft)
        queue.work(app, burst=True)
        db.session.expire_all()
        assert db.session.get(DuplicateRun, run.id).status == "done"
        assert "发现 1 组、共 2 条意见" in _page(client, draft)
