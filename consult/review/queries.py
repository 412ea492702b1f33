"""Reads for the staff workbench: filtered comment sets, progress, per-article counts, queues, statistics."""
from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from consult.accounts.models import User
from consult.accounts.permissions import STAFF_ROLES
from consult.comments.filters import collect_filters, comment_conditions
from consult.comments.models import CHANNELS, DECISIONS, Comment, ContactPoint, Tag
from consult.drafts.models import Article, Division, Draft
from consult.extensions import db

NON_ARTICLE_ANCHORS = ("general", "title", "new_article")
WORKBENCH_STATES = ("pending", "published", "internal")  # everything received except rejected comments


def parse_filters(args) -> tuple[dict, list[str]]:
    """Shared filter keys from a mapping of strings → typed filters and a list of messages for bad values."""
    return collect_filters(args)


def filter_conditions(draft_id: int, filters: dict | None) -> list:
    """SQL conditions on Comment for a draft and the shared filter keys (rejected comments out by default)."""
    return comment_conditions(filters or {}, draft_id=draft_id, default_states=WORKBENCH_STATES)


def progress(draft: Draft, filters: dict | None = None) -> dict:
    """Counts for the progress bar: total, decided (any decision), per decision, pending moderation."""
    rows = db.session.execute(select(Comment.decision, func.count(Comment.id))
                              .where(*filter_conditions(draft.id, filters)).group_by(Comment.decision))
    by_decision = {decision: count for decision, count in rows}
    total = sum(by_decision.values())
    undecided = by_decision.pop(None, 0)
    pending = db.session.scalar(select(func.count(Comment.id)).where(
        Comment.draft_id == draft.id, Comment.moderation_state == "pending")) or 0
    return {"total": total, "decided": total - undecided, "by_decision": by_decision, "pending": pending,
            "percent": round(100 * (total - undecided) / total) if total else 0}


def drafts_with_progress() -> list[tuple[Draft, dict]]:
    """Every draft with a current version, newest first, with its progress counts."""
    drafts = db.session.scalars(select(Draft).order_by(Draft.created_at.desc(), Draft.id.desc()))
    return [(draft, progress(draft)) for draft in drafts if draft.current_version is not None]


def anchor_counts(draft: Draft, filters: dict | None = None) -> dict:
    """Comment counts per article id, plus non-article anchors by kind (general/title/new_article)."""
    rows = db.session.execute(select(Comment.article_id, Comment.anchor_kind, func.count(Comment.id))
                              .where(*filter_conditions(draft.id, filters))
                              .group_by(Comment.article_id, Comment.anchor_kind))
    counts: Counter = Counter()
    for article_id, kind, count in rows:
        counts[article_id if article_id is not None else kind] += count
    return dict(counts)


def anchor_comments(draft: Draft, *, article: Article | None = None, anchor_kind: str | None = None,
                    filters: dict | None = None) -> list[Comment]:
    """Comments on one article (by paragraph and item) or on one non-article anchor, in a stable order."""
    conds = filter_conditions(draft.id, filters)
    if article is not None:
        conds.append(Comment.article_id == article.id)
    else:
        conds += [Comment.article_id.is_(None), Comment.anchor_kind == anchor_kind]
    stmt = (select(Comment).where(*conds)
            .options(selectinload(Comment.tags), selectinload(Comment.contact_point),
                     selectinload(Comment.assigned_to), selectinload(Comment.duplicate_group))
            .order_by(func.coalesce(Comment.paragraph_no, 0), func.coalesce(Comment.item_no, 0), Comment.id))
    return list(db.session.scalars(stmt))


def comments_in_draft(draft: Draft, ids) -> list[Comment]:
    """The comments of this draft among `ids` (ids from another draft are ignored)."""
    ids = [int(i) for i in ids if str(i).isdigit()]
    if not ids:
        return []
    return list(db.session.scalars(select(Comment).where(Comment.draft_id == draft.id, Comment.id.in_(ids))
                                   .order_by(Comment.id)))


def moderation_queue(draft_id: int | None = None, limit: int = 200) -> list[Comment]:
    """Online comments waiting for moderation, oldest first."""
    stmt = select(Comment).where(Comment.channel == "online", Comment.moderation_state == "pending")
    if draft_id:
        stmt = stmt.where(Comment.draft_id == draft_id)
    return list(db.session.scalars(stmt.options(selectinload(Comment.draft), selectinload(Comment.article))
                                   .order_by(Comment.created_at, Comment.id).limit(limit)))


def pending_count(draft_id: int | None = None) -> int:
    """How many online comments wait for moderation (in one draft, or over all drafts)."""
    stmt = select(func.count(Comment.id)).where(Comment.channel == "online", Comment.moderation_state == "pending")
    if draft_id:
        stmt = stmt.where(Comment.draft_id == draft_id)
    return db.session.scalar(stmt) or 0


def pending_comments(ids) -> list[Comment]:
    """Comments among `ids`, in id order (for bulk moderation)."""
    ids = [int(i) for i in ids if str(i).isdigit()]
    if not ids:
        return []
    return list(db.session.scalars(select(Comment).where(Comment.id.in_(ids)).order_by(Comment.id)))


def staff_users() -> list[User]:
    """Active staff members comments can be assigned to."""
    return list(db.session.scalars(select(User).where(User.role.in_(STAFF_ROLES), User.active.is_(True))
                                   .order_by(User.username)))


def draft_tags(draft: Draft) -> list[Tag]:
    """The draft's tag set, by name."""
    return list(db.session.scalars(select(Tag).where(Tag.draft_id == draft.id).order_by(Tag.name)))


def filter_options(draft: Draft) -> dict:
    """Choices for the filter form: contact points and districts that sent comments on this draft, tags."""
    points = list(db.session.scalars(select(ContactPoint).where(ContactPoint.id.in_(
        select(Comment.contact_point_id).where(Comment.draft_id == draft.id))).order_by(ContactPoint.code)))
    return {"contact_points": points, "districts": sorted({p.district for p in points if p.district}),
            "tags": draft_tags(draft), "channels": CHANNELS, "decisions": DECISIONS}


def chapter_of(article: Article, divisions: dict[int, Division]) -> Division | None:
    """The top-level division (编 or 章) an article sits in, if any."""
    division = divisions.get(article.division_id) if article.division_id else None
    while division is not None and division.parent_id in divisions:
        division = divisions[division.parent_id]
    return division
