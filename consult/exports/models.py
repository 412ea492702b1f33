"""Background export jobs, so that a long export never blocks a web worker."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column

from consult.database import utcnow
from consult.extensions import db


class ExportJob(db.Model):
    """An export being built in the background; the page polls its progress, then downloads it."""

    __tablename__ = "export_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(db.String(20))  # summary / feedback / sheet
    draft_id: Mapped[int] = mapped_column(db.ForeignKey("drafts.id", ondelete="CASCADE"), index=True)
    params: Mapped[dict] = mapped_column(db.JSON, default=dict)
    status: Mapped[str] = mapped_column(db.String(20), default="queued")  # queued / running / done / failed
    progress: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    file_path: Mapped[str] = mapped_column(db.String(500), default="")
    filename: Mapped[str] = mapped_column(db.String(300), default="")
    error: Mapped[str] = mapped_column(db.String(500), default="")
    created_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(db.DateTime)
    # Written every few seconds while a worker builds the file (JOB_QUEUE=rq): a stale one means that
    # worker died; `attempts` counts the builds started (one retry, then failed).
    heartbeat_at: Mapped[datetime | None] = mapped_column(db.DateTime)
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")


class ExportFile(db.Model):
    """A finished export's bytes when EXPORT_STORAGE=database (every app server can serve the download)."""

    __tablename__ = "export_files"

    job_id: Mapped[int] = mapped_column(db.ForeignKey("export_jobs.id", ondelete="CASCADE"), primary_key=True)
    data: Mapped[bytes] = mapped_column(db.LargeBinary)
    size: Mapped[int] = mapped_column(default=0)
