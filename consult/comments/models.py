"""Comments (意见建议) with their provenance, tags, duplicate groups and spreadsheet imports.

Contact points and meetings live in consult.contact_points.models."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.comments.vocabulary import (  # noqa: F401  (the codes, re-exported for the models' users)
    ANCHOR_KINDS, CHANNELS, COMMENTER_CATEGORIES, DECISIONS, MODERATION_STATES)
from consult.database import utcnow
from consult.extensions import db

comment_tags = db.Table(
    "comment_tags",
    db.Column("comment_id", db.ForeignKey("comments.id", ondelete="CASCADE"), primary_key=True),
    db.Column("tag_id", db.ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
)


class Tag(db.Model):
    """A staff label for comments, one set per draft."""

    __tablename__ = "tags"
    __table_args__ = (db.UniqueConstraint("draft_id", "name", name="uq_tags_draft_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(db.ForeignKey("drafts.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(db.String(50))


class DuplicateGroup(db.Model):
    """Comments with the same or nearly the same text; staff confirm it and decide once for all."""

    __tablename__ = "duplicate_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(db.ForeignKey("drafts.id", ondelete="CASCADE"), index=True)
    confirmed: Mapped[bool] = mapped_column(default=False)
    # The comment the others are compared with and whose later decisions they take (None: the first one).
    representative_id: Mapped[int | None] = mapped_column(db.ForeignKey(
        "comments.id", ondelete="SET NULL", use_alter=True, name="fk_duplicate_groups_representative_id_comments"))
    created_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow)

    comments = relationship("Comment", back_populates="duplicate_group", order_by="Comment.id",
                            foreign_keys="Comment.duplicate_group_id")
    representative = relationship("Comment", foreign_keys=[representative_id], post_update=True)


class DuplicateDetection(db.Model):
    """When near-duplicate detection last ran over a draft's comments, and what it found."""

    __tablename__ = "duplicate_detections"

    draft_id: Mapped[int] = mapped_column(db.ForeignKey("drafts.id", ondelete="CASCADE"), primary_key=True)
    ran_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow)
    groups: Mapped[int] = mapped_column(default=0)
    comments: Mapped[int] = mapped_column(default=0)


class DuplicateRun(db.Model):
    """One near-duplicate detection over a draft that staff asked for, run in the background
    (`consult.comments.duplicate_jobs`); DuplicateDetection keeps what the last finished run found."""

    __tablename__ = "duplicate_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(db.ForeignKey("drafts.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(db.String(20), default="queued")  # queued / running / done / failed
    error: Mapped[str] = mapped_column(db.String(500), default="")
    created_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(db.DateTime)

    draft = relationship("Draft")
    created_by = relationship("User")


class CommentImport(db.Model):
    """A spreadsheet of comments imported at once (its hash detects a second import of the same file)."""

    __tablename__ = "comment_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(db.ForeignKey("drafts.id", ondelete="CASCADE"), index=True)
    file_hash: Mapped[str] = mapped_column(db.String(64), index=True)
    filename: Mapped[str] = mapped_column(db.String(300), default="")
    row_count: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow)


class Comment(db.Model):
    """One comment (意见建议) with its anchor in the text, its provenance, moderation and decision."""

    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(db.ForeignKey("drafts.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(db.ForeignKey("draft_versions.id", ondelete="CASCADE"), index=True)
    article_id: Mapped[int | None] = mapped_column(db.ForeignKey("articles.id", ondelete="SET NULL"), index=True)
    anchor_kind: Mapped[str] = mapped_column(db.String(20), default="article")
    paragraph_no: Mapped[int | None]
    item_no: Mapped[int | None]

    body: Mapped[str] = mapped_column(db.Text)
    reason: Mapped[str] = mapped_column(db.Text, default="")
    proposed_text: Mapped[str] = mapped_column(db.Text, default="")

    channel: Mapped[str] = mapped_column(db.String(20), default="online", index=True)
    contact_point_id: Mapped[int | None] = mapped_column(db.ForeignKey("contact_points.id"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(db.ForeignKey("meetings.id", ondelete="SET NULL"), index=True)
    import_id: Mapped[int | None] = mapped_column(db.ForeignKey("comment_imports.id", ondelete="SET NULL"))
    submitted_on: Mapped[date | None] = mapped_column(db.Date)  # the day it was said (meeting/letter date)

    commenter_name: Mapped[str] = mapped_column(db.String(100), default="")
    commenter_category: Mapped[str] = mapped_column(db.String(30), default="")
    commenter_contact: Mapped[str] = mapped_column(db.String(200), default="")
    commenter_is_minor: Mapped[bool] = mapped_column(default=False)
    is_organisation: Mapped[bool] = mapped_column(default=False)
    wants_feedback: Mapped[bool] = mapped_column(default=False)
    consent_personal_info: Mapped[bool] = mapped_column(default=False)
    consent_publish_name: Mapped[bool] = mapped_column(default=False)
    contact_purged_at: Mapped[datetime | None] = mapped_column(db.DateTime)

    moderation_state: Mapped[str] = mapped_column(db.String(20), default="pending", index=True)
    moderation_reason: Mapped[str] = mapped_column(db.String(500), default="")
    decision: Mapped[str | None] = mapped_column(db.String(20), index=True)
    decision_reason: Mapped[str] = mapped_column(db.Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(db.DateTime)
    locked: Mapped[bool] = mapped_column(default=False)
    assigned_to_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    duplicate_group_id: Mapped[int | None] = mapped_column(
        db.ForeignKey("duplicate_groups.id", ondelete="SET NULL"), index=True)
    duplicate_excluded: Mapped[bool] = mapped_column(default=False)  # split out by staff: never regrouped
    internal_notes: Mapped[str] = mapped_column(db.Text, default="")

    receipt_code: Mapped[str] = mapped_column(db.String(20), unique=True)
    # Chosen by the sender (offline entry's per-entry UUID, an API client's key): a repeat returns this comment.
    idempotency_key: Mapped[str | None] = mapped_column(db.String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id", ondelete="SET NULL"))
    # The citizen account this comment belongs to (signed in when commenting, or claimed by receipt code).
    owner_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow, onupdate=utcnow)

    draft = relationship("Draft")
    version = relationship("DraftVersion")
    article = relationship("Article")
    contact_point = relationship("ContactPoint")
    meeting = relationship("Meeting", back_populates="comments")
    duplicate_group = relationship("DuplicateGroup", back_populates="comments", foreign_keys=[duplicate_group_id])
    tags = relationship("Tag", secondary=comment_tags, order_by="Tag.name")
    created_by = relationship("User", foreign_keys=[created_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    assigned_to = relationship("User", foreign_keys=[assigned_to_id])

    # Not stored: True on the instance a service returns for a repeated idempotency key (nothing new saved).
    replayed = False

    def __repr__(self) -> str:
        return f"<Comment {self.id} {self.receipt_code}>"
