"""The themes analysis on the RQ queue (JOB_QUEUE=rq): the workbench enqueues the run and a worker computes
it; the page reads the run's state from the database meanwhile. Needs Redis (db 10)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from consult import queue
from consult.themes.models import ThemeRun
from tests.rq_fixture import redis_ok, rq_mode

REDIS_URL = "redis://127.0.0.1:6379/10"
pytestmark = pytest.mark.skipif(not redis_ok(REDIS_URL), reason=f"the RQ job queue needs Redis at {REDIS_URL}")


def test_the_workbench_enqueues_the_run_and_a_worker_computes_it(app, db, corpus, staff, client, auth):
    draft, _truth = corpus
    auth.login(staff)
    with rq_mode(app, REDIS_URL):
        assert client.post(f"/themes/drafts/{draft.id}/run").status_code == 302
        run = db.session.scalar(select(ThemeRun))
        assert run.status == "queued" and queue.rq_queue(app.config).count == 1
        waiting = client.get(f"/themes/drafts/{draft.id}").get_data(as_text=True)
        assert "分析中断" not in waiting  # queued on the queue is not a dead thread
        queue.work(app, burst=True)
        db.session.expire_all()
        assert db.session.get(ThemeRun, run.id).status == "done"
        assert "上次分析" in client.get(f"/themes/drafts/{draft.id}").get_data(as_text=True)
