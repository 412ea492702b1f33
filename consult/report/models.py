"""What staff released to the public about a draft's comments.

- `ReportRelease`: one per draft; the deliberate step that makes the report public (and each re-release).
- `ReleasedDecision`: the decision (采纳情况) and reason of each counted comment *as released*: the public
  report, the open data and the notifications read this snapshot, so a decision staff change afterwards
  becomes public only with the next release.
- `ArticleSummary`: staff's text per article on what changed and why (修改情况说明), written on the
  workbench; `released_text` is the copy the public reads, refreshed by each release.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.database import utcnow
from consult.extensions import db


class ReportRelease(db.Model):
    """The release of a draft's public report: who released it, when, how often (revision)."""

    __tablename__ = "report_releases"

    draft_id: Mapped[int] = mapped_column(db.ForeignKey("drafts.id", ondelete="CASCADE"), primary_key=True)
    # The version whose articles the report follows (the one the public commented on).
    version_id: Mapped[int | None] = mapped_column(db.ForeignKey("draft_versions.id", ondelete="SET NULL"))
    revision: Mapped[int] = mapped_column(default=1)
    first_released_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow)
    released_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow)
    released_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id", ondelete="SET NULL"))
    comment_count: Mapped[int] = mapped_column(default=0)

    draft = relationship("Draft")
    version = relationship("DraftVersion")
    released_by = relationship("User")


class ReleasedDecision(db.Model):
    """One counted comment's decision as released (None: not decided yet, 未处理)."""

    __tablename__ = "released_decisions"

    comment_id: Mapped[int] = mapped_column(db.ForeignKey("comments.id", ondelete="CASCADE"),
                                            primary_key=True)
    draft_id: Mapped[int] = mapped_column(db.ForeignKey("drafts.id", ondelete="CASCADE"), index=True)
    decision: Mapped[str | None] = mapped_column(db.String(20))
    reason: Mapped[str] = mapped_column(db.Text, default="")
    # The release revision in which this comment's decision or reason last changed (or first appeared):
    # notifications send only what changed since the revision they last sent.
    changed_in: Mapped[int] = mapped_column(default=1)

    comment = relationship("Comment")


class ArticleSummary(db.Model):
    """Staff's summary of what changed in an article and why, and the copy last released."""

    __tablename__ = "article_summaries"
    __table_args__ = (
        db.UniqueConstraint("draft_id", "article_id", name="uq_article_summaries_draft_article"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(db.ForeignKey("drafts.id", ondelete="CASCADE"), index=True)
    article_id: Mapped[int] = mapped_column(db.ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(db.Text, default="")
    released_text: Mapped[str] = mapped_column(db.Text, default="")
    updated_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow, onupdate=utcnow)

    article = relationship("Article")
    updated_by = relationship("User")
