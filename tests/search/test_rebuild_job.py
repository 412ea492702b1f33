"""`consult search rebuild --queue`: the rebuild is left to a `consult worker` on the RQ queue (both search
backends); without a queue the option is refused with one clear line. Needs Redis (db 8)."""
from __future__ import annotations

import pytest

from consult import queue
from tests.rq_fixture import redis_ok, rq_mode

REDIS_URL = "redis://127.0.0.1:6379/8"


def test_without_a_queue_the_option_is_refused(runner, search_backend):
    result = runner.invoke(args=["search", "rebuild", "--queue"])
    assert result.exit_code != 0
    assert "JOB_QUEUE=rq" in result.output and "Traceback" not in result.output


@pytest.mark.skipif(not redis_ok(REDIS_URL), reason=f"the RQ job queue needs Redis at {REDIS_URL}")
def test_a_worker_rebuilds_the_index(app, db, runner, make_draft, add_comment, search_backend):
    from consult.search.services import current_backend, verify

    draft = make_draft()
    for body in ("民宿登记应当简化。", "景区停车难。"):
        add_comment(draft, body)
    current_backend().clear()
    assert not verify()["ok"]
    with rq_mode(app, REDIS_URL):
        result = runner.invoke(args=["search", "rebuild", "--queue"])
        assert result.exit_code == 0, result.output
        assert "queued" in result.output and queue.rq_queue(app.config).count == 1
        queue.work(app, burst=True)
    report = verify()
    assert report["ok"] and report["indexed"] == report["documents"] > 2
