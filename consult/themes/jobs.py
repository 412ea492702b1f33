"""The themes analysis as a background job (`consult.queue.start`, like exports): the web worker commits a
queued ThemeRun and starts it in a daemon thread, or on the RQ queue for `consult worker` (JOB_QUEUE=rq);
the page shows the run's state. Progress goes through a separate connection so it never ends the job's transaction.
A run still queued/running long after it started, with no live thread, lost its worker and reads as failed.
"""
from __future__ import annotations

import time
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import update

from consult import queue
from consult.database import utcnow
from consult.extensions import db
from consult.themes.models import ThemeRun

TARGET = "consult.themes.jobs:run_job"
# 100,000 comments take about a minute (tests/benchmarks/bench_themes.py): far longer means a dead worker.
ABANDONED_AFTER = timedelta(minutes=30)


def abandoned_message() -> str:
    """What a run whose worker died reads as."""
    return _("分析中断：进行分析的进程已退出，请重新分析。")


def is_abandoned(run: ThemeRun, now=None) -> bool:
    """True when a queued/running run has no live thread here and is older than ABANDONED_AFTER."""
    return queue.abandoned(TARGET, run.id, run.status, run.created_at, ABANDONED_AFTER, now)


def fail_if_abandoned(run: ThemeRun, now=None) -> bool:
    """Mark a run whose process died as failed (flush); True if it changed."""
    if not is_abandoned(run, now):
        return False
    run.status, run.error, run.finished_at = "failed", abandoned_message(), utcnow()
    db.session.flush()
    return True


def launch(app, run_id: int):
    """Start computing a committed, queued run (a thread here, or the queue: JOB_QUEUE)."""
    return queue.start(app, TARGET, run_id)


def wait_for(run_id: int, timeout: float = 120.0) -> bool:
    """Wait until this process's thread for the run has finished; True when it has (or none was started)."""
    return queue.wait_for(TARGET, run_id, timeout)


class _Progress:
    """Writes the number of anchors analysed at most once a second."""

    def __init__(self, run_id: int):
        self.run_id, self.last = run_id, 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < 1.0 and done < total:
            return
        self.last = now
        table = ThemeRun.__table__
        with db.engine.begin() as connection:
            connection.execute(update(table).where(table.c.id == self.run_id)
                               .values(progress=done, total=total))


def run_job(run_id: int) -> ThemeRun | None:
    """Compute a queued run and mark it done, or failed with a one-line reason (commits)."""
    from consult.themes.services import compute_run

    def compute(run):
        compute_run(run, progress=_Progress(run.id) if db.engine.url.database not in (None, "", ":memory:")
                    else None)

    return queue.run_row(ThemeRun, run_id, compute, _("分析失败，请稍后重试或联系管理员。"))
