"""Stored export files: they may hold names and contacts, so they expire and are purged with the contacts.

A job's file lives under EXPORT_DIR until `EXPORT_RETENTION_DAYS` after it was made. `expire_exports`
(run after every export job and by `consult export cleanup`) deletes older files and marks their jobs
`expired`; `purge_draft_exports` (called by `consult privacy purge`) deletes every stored export of a
draft and marks its jobs `purged`. A download of such a job says why the file is gone. Files are deleted
before the transaction commits: if the commit failed, a job would point at a missing file (its download
says so), never the other way round.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import delete, select

from consult.audit.models import AuditEvent
from consult.database import utcnow
from consult.exports.models import ExportFile, ExportJob
from consult.extensions import db

GONE_STATES = ("expired", "purged")
DEFAULT_RETENTION_DAYS = 7


def retention_days(config) -> int:
    """EXPORT_RETENTION_DAYS from the configuration (at least one day)."""
    return max(1, int(config.get("EXPORT_RETENTION_DAYS") or DEFAULT_RETENTION_DAYS))


def is_expired(job: ExportJob, days: int, now: datetime | None = None) -> bool:
    """True when a finished job's file is older than the retention (even before the cleanup has run)."""
    if job.status in GONE_STATES:
        return True
    made = job.finished_at or job.created_at
    return job.status == "done" and made is not None and made < (now or utcnow()) - timedelta(days=days)


def gone_message(job: ExportJob, days: int) -> str:
    """Why a job's file can no longer be downloaded."""
    if job.status == "purged":
        return _("该导出文件已随提出人联系方式的清除一并删除。如仍需要，请重新导出。")
    return _("该导出文件已过期：导出文件只保留 %(days)s 天，已被删除。如仍需要，请重新导出。", days=days)


def _remove_file(job: ExportJob, status: str, days: int) -> bool:
    """Delete the job's file (if any) and mark the job; True when a file was deleted."""
    removed = False
    if job.file_path.startswith("db:"):
        removed = bool(db.session.execute(delete(ExportFile).where(ExportFile.job_id == job.id)).rowcount)
    elif job.file_path:
        path = Path(job.file_path)
        removed = path.is_file()
        path.unlink(missing_ok=True)
        path.with_name(path.name + ".part").unlink(missing_ok=True)
    job.status, job.file_path, job.finished_at = status, "", job.finished_at or utcnow()
    job.error = gone_message(job, days)[:500]
    return removed


def expire_exports(export_dir: str | Path, days: int, now: datetime | None = None) -> list[ExportJob]:
    """Delete the files of finished jobs older than `days`, and stray files in EXPORT_DIR; flush only."""
    now = now or utcnow()
    cutoff = now - timedelta(days=days)
    expired = list(db.session.scalars(select(ExportJob).where(
        ExportJob.status == "done", ExportJob.finished_at < cutoff).order_by(ExportJob.id)))
    for job in expired:
        _remove_file(job, "expired", days)
    directory = Path(export_dir)
    if directory.is_dir():
        kept = set(db.session.scalars(select(ExportJob.file_path).where(ExportJob.file_path != "")))
        for path in directory.iterdir():
            # Stray files: a build whose process died, or a job row deleted with its draft.
            modified = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc).replace(tzinfo=None)
            if path.is_file() and str(path) not in kept and modified < cutoff:
                path.unlink(missing_ok=True)
    db.session.flush()
    return expired


def purge_draft_exports(draft, days: int = DEFAULT_RETENTION_DAYS) -> list[ExportJob]:
    """Delete every stored export of `draft` (done, queued or still running) and mark the jobs purged.

    A job still building when this runs deletes its own file when it finishes (see jobs.run_job).
    Returns the jobs that had a file or were pending; flush, never commit.
    """
    jobs = list(db.session.scalars(select(ExportJob).where(
        ExportJob.draft_id == draft.id, ExportJob.status.in_(("done", "queued", "running")))
        .order_by(ExportJob.id)))
    for job in jobs:
        _remove_file(job, "purged", days)
    db.session.flush()
    return jobs


def stored_bytes(job: ExportJob) -> bytes | None:
    """The finished file of a job kept in the database (EXPORT_STORAGE=database), or None."""
    if not job.file_path.startswith("db:"):
        return None
    return db.session.scalar(select(ExportFile.data).where(ExportFile.job_id == job.id))


def log_download(job: ExportJob, actor) -> None:
    """Record who downloaded a file, on a connection of its own: the GET's own session writes nothing.

    An access log entry must survive whatever the request does next, and a GET must not commit.
    """
    with db.engine.begin() as connection:
        connection.execute(AuditEvent.__table__.insert().values(
            actor_id=getattr(actor, "id", None), action="export.download", target_type="ExportJob",
            target_id=job.id, details={"filename": job.filename}, created_at=utcnow()))
