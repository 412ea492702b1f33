"""Near-duplicate detection that staff ask for, as a background job (`consult.queue.start`, like themes and
exports): the request commits a queued DuplicateRun, then the run is computed in a daemon thread of the web
process (JOB_QUEUE=thread, the default) or by any `consult worker` (JOB_QUEUE=rq); the duplicates page
shows its state and refreshes until it ends. Detection over a large draft takes tens of seconds, which a
web request should not hold. A run still queued or running long after it was asked for, with no live
thread here, lost its worker and reads as failed; the next request replaces it.

Detection after a spreadsheet import still runs inside the import (`consult.comments.imports`), so the
imported comments join their groups at once.
"""
from __future__ import annotations

import time
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from consult import queue
from consult.audit.services import record
from consult.comments.duplicates import DuplicateError, refresh_duplicates
from consult.comments.models import DuplicateRun
from consult.database import utcnow
from consult.extensions import db

TARGET = "consult.comments.duplicate_jobs:run_job"
ABANDONED_AFTER = timedelta(minutes=30)  # 100,000 comments take well under a minute; far longer: a dead worker


def abandoned_message() -> str:
    """What a run whose worker died reads as."""
    return _("检测中断：进行检测的进程已退出，请重新检测。")


def latest_run(draft) -> DuplicateRun | None:
    """The draft's most recently requested detection (None: staff never asked for one)."""
    return db.session.scalar(select(DuplicateRun).where(DuplicateRun.draft_id == draft.id)
                             .order_by(DuplicateRun.id.desc()).limit(1))


def is_abandoned(run: DuplicateRun, now=None) -> bool:
    """True when a queued/running run has no live thread here and is older than ABANDONED_AFTER."""
    return queue.abandoned(TARGET, run.id, run.status, run.created_at, ABANDONED_AFTER, now)


def state_of(run: DuplicateRun | None) -> tuple[str | None, str]:
    """(status as the page shows it, error): an abandoned run reads as failed (a GET never writes)."""
    if run is None:
        return None, ""
    if is_abandoned(run):
        return "failed", abandoned_message()
    return run.status, run.error


def request_detection(draft, *, actor) -> DuplicateRun:
    """Queue a detection over the draft (flush; the caller commits, then `launch`es it)."""
    running = latest_run(draft)
    if running is not None and running.status in ("queued", "running"):
        if not is_abandoned(running):
            raise DuplicateError(_("本草案的重复意见正在检测，请等待完成。"))
        running.status, running.error, running.finished_at = "failed", abandoned_message(), utcnow()
    run = DuplicateRun(draft_id=draft.id, status="queued", created_by_id=getattr(actor, "id", None))
    db.session.add(run)
    db.session.flush()
    record(actor, "duplicates.request", draft, run=run.id)
    return run


def launch(app, run_id: int):
    """Start a committed, queued run (a thread here, or the queue: JOB_QUEUE)."""
    return queue.start(app, TARGET, run_id)


def settle(run_id: int, seconds: float = 2.0) -> None:
    """Give a just-launched run `seconds` to finish, so that a small draft's page shows the result at once
    (a large one shows 正在检测 and refreshes): the thread is joined, or the queued run's row polled."""
    if queue.mode() != "rq":
        queue.wait_for(TARGET, run_id, seconds)
        return
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status = db.session.scalar(select(DuplicateRun.status).where(DuplicateRun.id == run_id))
        db.session.rollback()  # end the read: the next one sees the worker's commit
        if status not in ("queued", "running"):
            return
        time.sleep(0.2)


def wait_for(run_id: int, timeout: float = 120.0) -> bool:
    """Wait until this process's thread for the run has finished; True when it has (or none was started)."""
    return queue.wait_for(TARGET, run_id, timeout)


def run_job(run_id: int) -> DuplicateRun | None:
    """Detect, then mark the run done, or failed with a one-line reason (commits)."""
    return queue.run_row(DuplicateRun, run_id, lambda run: refresh_duplicates(run.draft, actor=run.created_by),
                         _("检测失败，请稍后重试或联系管理员。"))
