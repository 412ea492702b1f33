"""Background export jobs: a worker with a fresh app context and session builds the file and reports progress.

The web worker only creates the ExportJob row and starts the build: in a thread of its own (JOB_QUEUE=thread,
the default) or on the RQ queue for any `consult worker` (JOB_QUEUE=rq, see `consult.queue`); the page
polls the job's status. The file goes to EXPORT_DIR, or into the database (EXPORT_STORAGE=database) so
that every app server can serve the download.
Progress is written through a separate connection so that it never ends the transaction streaming
the comments (a PostgreSQL server-side cursor dies with its transaction).
"""
from __future__ import annotations

import secrets
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update

from consult.accounts.models import User
from consult.database import utcnow
from consult.drafts.models import Draft
from consult.errors import UserError
from consult.exports.errors import ExportError
from consult.exports.models import ExportFile, ExportJob
from consult.exports.selection import fonts_from_config
from consult.exports.services import expected_total, run_export
from consult.exports.storage import expire_exports, gone_message, is_expired, retention_days
from consult.extensions import db
from consult import queue

# A job still queued/running this long after it started lost its worker (restart, crash, recycled process):
# the longest measured export (100,000 comments) takes well under a minute.
ABANDONED_AFTER = timedelta(minutes=30)
MAX_ATTEMPTS = 2  # a build whose worker died is started once more, then reported failed


def _abandoned(job: ExportJob, now=None) -> bool:
    if job.status not in ("queued", "running"):
        return False
    now = now or utcnow()
    if queue.mode() == "rq":
        # Built by some worker elsewhere. A stopped heartbeat is first the workers' business: the next one to
        # look queues the job again (recover_stalled). Only a job nobody has touched for ABANDONED_AFTER —
        # no worker running at all — reads as failed here.
        last = job.heartbeat_at if job.status == "running" and job.heartbeat_at is not None else job.created_at
        return now - last >= ABANDONED_AFTER
    if queue.thread_alive(TARGET, job.id):
        return False
    return now - job.created_at >= ABANDONED_AFTER


def _abandoned_message() -> str:
    return _("导出中断：生成文件的进程已退出，请重新导出。")


def fail_if_abandoned(job: ExportJob, now=None) -> bool:
    """Mark a job whose building process died as failed, so its page stops waiting; True if it changed."""
    if not _abandoned(job, now):
        return False
    job.status, job.error, job.finished_at = "failed", _abandoned_message(), utcnow()
    db.session.flush()
    return True


def shown_state(job: ExportJob, days: int) -> tuple[str, str]:
    """(status, message) as a page shows the job, without writing: a dead build reads as failed and an
    expired file as expired even before `cleanup` has recorded it."""
    if _abandoned(job):
        return "failed", _abandoned_message()
    if is_expired(job, days):
        return ("purged" if job.status == "purged" else "expired"), gone_message(job, days)
    return job.status, job.error


def cleanup(now=None) -> list[ExportJob]:
    """Fail abandoned jobs and delete expired export files (flush; the caller commits)."""
    for job in db.session.scalars(select(ExportJob).where(ExportJob.status.in_(("queued", "running")))):
        fail_if_abandoned(job, now)
    config = current_app.config
    return expire_exports(config["EXPORT_DIR"], retention_days(config), now)


TARGET = "consult.exports.jobs:run_job"


def launch(app, job_id: int):
    """Start building a committed, queued job: on the queue (JOB_QUEUE=rq), else in a daemon thread."""
    return queue.start(app, TARGET, job_id)


def wait_for(job_id: int, timeout: float = 60.0) -> bool:
    """Wait until this process's thread for the job has finished; True when it has (or none was started)."""
    return queue.wait_for(TARGET, job_id, timeout)


def wait_all(timeout: float = 60.0) -> bool:
    """Wait for every export thread of this process (tests, shutdown); True when all have finished."""
    return queue.wait_all(TARGET, timeout)


class _Progress:
    """Writes the number of finished steps at most every 2 % or every second."""

    def __init__(self, job_id: int, total: int):
        self.job_id, self.total = job_id, total
        self.step = max(1, total // 50)
        self.last_n, self.last_t = 0, time.monotonic()

    def __call__(self, done: int) -> None:
        now = time.monotonic()
        if done - self.last_n < self.step and now - self.last_t < 1.0:
            return
        self.last_n, self.last_t = done, now
        with db.engine.begin() as connection:
            connection.execute(update(ExportJob.__table__).where(ExportJob.__table__.c.id == self.job_id)
                               .values(progress=min(done, self.total) if self.total else done))


def run_job(job_id: int) -> ExportJob | None:
    """Build a queued job's file under EXPORT_DIR and mark it done, or failed with a one-line reason."""
    job = db.session.get(ExportJob, job_id)
    if job is None or job.status != "queued":
        return job
    draft = db.session.get(Draft, job.draft_id)
    actor = db.session.get(User, job.created_by_id) if job.created_by_id else None
    kind, params = job.kind, dict(job.params or {})
    job.status, job.heartbeat_at, job.attempts = "running", utcnow(), (job.attempts or 0) + 1
    db.session.commit()
    if queue.mode() != "rq":  # a thread of this process: its liveness is the pulse (see _abandoned)
        return _build(job_id, job, draft, actor, kind, params)
    engine = db.engine
    with queue.heartbeat(lambda: _beat(engine, job_id), every=max(1.0, queue.stall_seconds() / 4)):
        return _build(job_id, job, draft, actor, kind, params)


def _beat(engine, job_id: int) -> None:
    with engine.begin() as connection:
        connection.execute(update(ExportJob.__table__).where(ExportJob.__table__.c.id == job_id)
                           .values(heartbeat_at=utcnow()))


def _in_database() -> bool:
    return (current_app.config.get("EXPORT_STORAGE") or "directory") == "database"


def _build(job_id: int, job: ExportJob, draft, actor, kind: str, params: dict) -> ExportJob:
    directory = Path(tempfile.gettempdir() if _in_database() else current_app.config["EXPORT_DIR"])
    target = directory / f"job-{job_id}-{secrets.token_hex(8)}.{params.get('format', 'docx')}"
    partial = target.with_name(target.name + ".part")
    try:
        if actor is None or draft is None:
            raise ExportError(_("导出任务的用户或草案已不存在。"))
        total = expected_total(draft, kind, params)
        job.total = total
        db.session.commit()
        directory.mkdir(parents=True, exist_ok=True)
        with open(partial, "wb") as out:
            run_export(draft, kind, params, out, actor=actor, fonts=fonts_from_config(current_app.config),
                       issuing_body=current_app.config.get("ISSUING_BODY", ""),
                       progress=_Progress(job_id, total))
        db.session.commit()  # the audit event; and a fresh look at the job, which a purge may have changed
        job = db.session.get(ExportJob, job_id)
        db.session.refresh(job)
        if job.status != "running":  # purged (or failed by a cleanup) while it was being built
            partial.unlink(missing_ok=True)
            return job
        if _in_database():
            data = partial.read_bytes()
            partial.unlink(missing_ok=True)
            db.session.merge(ExportFile(job_id=job_id, data=data, size=len(data)))
            stored = f"db:{job_id}"
        else:
            partial.replace(target)
            stored = str(target)
        job.status, job.progress, job.file_path, job.finished_at = "done", job.total, stored, utcnow()
        db.session.commit()
    except Exception as exc:  # the job must end in a state the page can show, whatever went wrong
        db.session.rollback()
        partial.unlink(missing_ok=True)
        if isinstance(exc, UserError):
            message = exc.message
        elif isinstance(exc, PermissionError):
            message = _("您已无权进行该导出。")
        else:
            current_app.logger.exception("export job %s failed", job_id)
            message = _("导出失败，请稍后重试或联系管理员。")
        job = db.session.get(ExportJob, job_id)
        job.status, job.error, job.finished_at = "failed", message[:500], utcnow()
        db.session.commit()
    _cleanup_quietly()
    return job


def recover_stalled(now=None) -> list[int]:
    """Jobs whose worker died mid-build (no heartbeat for JOB_STALL_SECONDS): queued again once, failed the
    second time. Run by every `consult worker` at start and then periodically; commits. Returns their ids."""
    now = now or utcnow()
    cutoff = now - timedelta(seconds=queue.stall_seconds())
    stalled = list(db.session.scalars(select(ExportJob).where(
        ExportJob.status == "running", ExportJob.heartbeat_at < cutoff).with_for_update(skip_locked=True)))
    retry = []
    for job in stalled:
        if (job.attempts or 0) < MAX_ATTEMPTS:
            job.status, job.progress = "queued", 0
            retry.append(job.id)
        else:
            job.status, job.error, job.finished_at = "failed", _abandoned_message(), now
        current_app.logger.warning("export job %s lost its worker: %s", job.id, job.status)
    db.session.commit()
    for job_id in retry:
        queue.enqueue(TARGET, job_id)
    return [job.id for job in stalled]


def _cleanup_quietly() -> None:
    """After each job: delete expired exports. A failure here must not turn a finished job into an error."""
    try:
        cleanup()
        db.session.commit()
    except Exception:  # noqa: BLE001 - logged; the next job or `consult export cleanup` retries
        db.session.rollback()
        current_app.logger.exception("export cleanup failed")
