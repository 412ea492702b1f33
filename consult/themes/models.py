"""Reading aids for staff (主题分析): analysis runs, their clusters of comments (主题), key terms, and the
per-article 意见要点 staff write from them.

A ThemeRun is also the background job that computes it (queued → running → done / failed). Only the
latest finished run of a draft is shown; a new run replaces the older ones once it has finished. An
anchor is an article (`article_id`) or a non-article section (`anchor_kind` general / title / new_article
with no article), as comments address them.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.database import utcnow
from consult.extensions import db


class ThemeRun(db.Model):
    """One analysis of a draft's comments, computed in the background."""

    __tablename__ = "theme_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(db.ForeignKey("drafts.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(db.String(20), default="queued")  # queued / running / done / failed
    progress: Mapped[int] = mapped_column(default=0)  # anchors analysed so far
    total: Mapped[int] = mapped_column(default=0)  # anchors to analyse
    comments: Mapped[int] = mapped_column(default=0)  # comments analysed
    params: Mapped[dict] = mapped_column(db.JSON, default=dict)
    error: Mapped[str] = mapped_column(db.String(500), default="")
    seconds: Mapped[float] = mapped_column(db.Float, default=0.0)
    created_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(db.DateTime)

    created_by = relationship("User")


class Theme(db.Model):
    """A cluster of comments on one anchor that make the same point (主题), with its representative."""

    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(db.ForeignKey("theme_runs.id", ondelete="CASCADE"), index=True)
    draft_id: Mapped[int] = mapped_column(db.ForeignKey("drafts.id", ondelete="CASCADE"), index=True)
    article_id: Mapped[int | None] = mapped_column(db.ForeignKey("articles.id", ondelete="CASCADE"),
                                                   index=True)
    anchor_kind: Mapped[str] = mapped_column(db.String(20), default="article")
    rank: Mapped[int] = mapped_column(default=0)  # 1 = the largest cluster of its anchor
    size: Mapped[int] = mapped_column(default=0)
    cohesion: Mapped[float] = mapped_column(db.Float, default=0.0)
    terms: Mapped[list] = mapped_column(db.JSON, default=list)  # the cluster's own key terms, best first
    representative_id: Mapped[int | None] = mapped_column(db.ForeignKey("comments.id", ondelete="SET NULL"))

    representative = relationship("Comment", foreign_keys=[representative_id])
    article = relationship("Article")


class ThemeMember(db.Model):
    """A comment's place in a theme (position 0 = the representative, then by closeness to the centre)."""

    __tablename__ = "theme_members"

    theme_id: Mapped[int] = mapped_column(db.ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True)
    comment_id: Mapped[int] = mapped_column(db.ForeignKey("comments.id", ondelete="CASCADE"),
                                            primary_key=True, index=True)
    position: Mapped[int] = mapped_column(default=0)


class KeyTerm(db.Model):
    """A word distinctive of one anchor's comments against the whole draft (log-odds z-score)."""

    __tablename__ = "theme_key_terms"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(db.ForeignKey("theme_runs.id", ondelete="CASCADE"), index=True)
    article_id: Mapped[int | None] = mapped_column(db.ForeignKey("articles.id", ondelete="CASCADE"),
                                                   index=True)
    anchor_kind: Mapped[str] = mapped_column(db.String(20), default="article")
    rank: Mapped[int] = mapped_column(default=0)
    term: Mapped[str] = mapped_column(db.String(50))
    score: Mapped[float] = mapped_column(db.Float, default=0.0)
    comments: Mapped[int] = mapped_column(default=0)  # comments of the anchor that use the term


class ArticlePoints(db.Model):
    """The 意见要点 of one anchor as staff edited them (prefilled from the clusters' representatives)."""

    __tablename__ = "article_points"

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(db.ForeignKey("drafts.id", ondelete="CASCADE"), index=True)
    article_id: Mapped[int | None] = mapped_column(db.ForeignKey("articles.id", ondelete="CASCADE"),
                                                   index=True)
    anchor_kind: Mapped[str] = mapped_column(db.String(20), default="article")
    text: Mapped[str] = mapped_column(db.Text, default="")
    updated_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow, onupdate=utcnow)

    updated_by = relationship("User")
