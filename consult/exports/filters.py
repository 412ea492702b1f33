"""The shared filter keys (search, workbench, exports) turned into validated values and SQL conditions.

Keys: version_id, division_id, article_id, contact_point (code), district, channel, category,
moderation_state, decision, tag, date_from, date_to (ISO dates compared with Comment.submitted_on,
falling back to created_at). Without a moderation_state filter an export covers the comments that
count as received: published online comments and internally recorded ones (not pending, not rejected).
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Mapping

from flask_babel import gettext as _
from sqlalchemy import and_, or_, select

from consult.comments.models import (
    CHANNELS, DECISIONS, MODERATION_STATES, Comment, ContactPoint, Tag, comment_tags)
from consult.drafts.models import Article, Division, DraftVersion
from consult.exports.records import CHANNEL_LABELS, DECISION_LABELS, MODERATION_LABELS
from consult.extensions import db

FILTER_KEYS = ("version_id", "division_id", "article_id", "contact_point", "district", "channel", "category",
               "moderation_state", "decision", "tag", "date_from", "date_to")
DEFAULT_STATES = ("published", "internal")
UNDECIDED = "none"  # decision filter value for comments not decided yet


class ExportError(ValueError):
    """A user-facing reason why an export cannot be made; nothing was written."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def _int(raw: Mapping, key: str) -> int | None:
    value = raw.get(key)
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ExportError(_("筛选条件 %(key)s 应为数字。", key=key), key) from None


def _date(raw: Mapping, key: str) -> date | None:
    value = raw.get(key)
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ExportError(_("日期格式应为 YYYY-MM-DD：%(value)s", value=value), key) from None


def _text(raw: Mapping, key: str) -> str | None:
    value = raw.get(key)
    value = str(value).strip() if value is not None else ""
    return value or None


def parse_filters(raw: Mapping | None, draft) -> dict:
    """Validate the filter mapping for `draft`; unknown values raise ExportError, empty ones are dropped."""
    raw = dict(raw or {})
    unknown = set(raw) - set(FILTER_KEYS)
    if unknown:
        raise ExportError(_("未知的筛选条件：%(keys)s", keys="、".join(sorted(unknown))))
    f = {"version_id": _int(raw, "version_id"), "division_id": _int(raw, "division_id"),
         "article_id": _int(raw, "article_id"), "contact_point": _text(raw, "contact_point"),
         "district": _text(raw, "district"), "channel": _text(raw, "channel"),
         "category": _text(raw, "category"),
         "moderation_state": _text(raw, "moderation_state"), "decision": _text(raw, "decision"),
         "tag": _text(raw, "tag"), "date_from": _date(raw, "date_from"), "date_to": _date(raw, "date_to")}
    if f["version_id"] is not None:
        version = db.session.get(DraftVersion, f["version_id"])
        if version is None or version.draft_id != draft.id:
            raise ExportError(_("该草案没有这个版本。"), "version_id")
    if f["division_id"] is not None:
        division = db.session.get(Division, f["division_id"])
        if division is None or division.version.draft_id != draft.id:
            raise ExportError(_("该草案没有这个章节。"), "division_id")
    if f["article_id"] is not None:
        article = db.session.get(Article, f["article_id"])
        if article is None or article.version.draft_id != draft.id:
            raise ExportError(_("该草案没有这一条。"), "article_id")
    if f["contact_point"] is not None and contact_point_by_code(f["contact_point"]) is None:
        raise ExportError(_("没有编码为 %(code)s 的联系点。", code=f["contact_point"]), "contact_point")
    if f["channel"] is not None and f["channel"] not in CHANNELS:
        raise ExportError(_("未知的渠道：%(value)s", value=f["channel"]), "channel")
    if f["moderation_state"] is not None and f["moderation_state"] not in MODERATION_STATES:
        raise ExportError(_("未知的审核状态：%(value)s", value=f["moderation_state"]), "moderation_state")
    if f["decision"] is not None and f["decision"] not in DECISIONS + (UNDECIDED,):
        raise ExportError(_("未知的采纳情况：%(value)s", value=f["decision"]), "decision")
    if f["date_from"] and f["date_to"] and f["date_from"] > f["date_to"]:
        raise ExportError(_("开始日期晚于结束日期。"), "date_from")
    return {k: v for k, v in f.items() if v is not None}


def contact_point_by_code(code: str) -> ContactPoint | None:
    """The contact point with this code, if any."""
    return db.session.scalar(select(ContactPoint).where(ContactPoint.code == code))


def _division_ids(division_id: int) -> list[int]:
    division = db.session.get(Division, division_id)
    rows = db.session.execute(select(Division.id, Division.parent_id).where(
        Division.version_id == division.version_id)).all()
    ids, frontier = {division_id}, {division_id}
    while frontier:
        frontier = {i for i, parent in rows if parent in frontier and i not in ids}
        ids |= frontier
    return sorted(ids)


def filter_conditions(draft, filters: Mapping) -> list:
    """SQL conditions on Comment for validated filters (the caller outer-joins nothing: subqueries only)."""
    conds = [Comment.draft_id == draft.id]
    states = (filters["moderation_state"],) if filters.get("moderation_state") else DEFAULT_STATES
    conds.append(Comment.moderation_state.in_(states))
    if "version_id" in filters:
        conds.append(Comment.version_id == filters["version_id"])
    if "division_id" in filters:
        conds.append(Comment.article_id.in_(select(Article.id).where(
            Article.division_id.in_(_division_ids(filters["division_id"])))))
    if "article_id" in filters:
        conds.append(Comment.article_id == filters["article_id"])
    if "contact_point" in filters:
        conds.append(Comment.contact_point_id.in_(select(ContactPoint.id).where(
            ContactPoint.code == filters["contact_point"])))
    if "district" in filters:
        conds.append(Comment.contact_point_id.in_(select(ContactPoint.id).where(
            ContactPoint.district == filters["district"])))
    if "channel" in filters:
        conds.append(Comment.channel == filters["channel"])
    if "category" in filters:
        conds.append(Comment.commenter_category == filters["category"])
    if "decision" in filters:
        conds.append(Comment.decision.is_(None) if filters["decision"] == UNDECIDED
                     else Comment.decision == filters["decision"])
    if "tag" in filters:
        tagged = (select(comment_tags.c.comment_id).join(Tag, Tag.id == comment_tags.c.tag_id)
                  .where(Tag.draft_id == draft.id, Tag.name == filters["tag"]))
        conds.append(Comment.id.in_(tagged))
    if "date_from" in filters:
        start = datetime.combine(filters["date_from"], time())
        conds.append(or_(Comment.submitted_on >= filters["date_from"],
                         and_(Comment.submitted_on.is_(None), Comment.created_at >= start)))
    if "date_to" in filters:
        end = datetime.combine(filters["date_to"] + timedelta(days=1), time())
        conds.append(or_(Comment.submitted_on <= filters["date_to"],
                         and_(Comment.submitted_on.is_(None), Comment.created_at < end)))
    return conds


def describe_filters(filters: Mapping, query: str = "") -> str:
    """A short Chinese description of the selection for the front matter ("" for the whole draft)."""
    parts = []
    if query:
        parts.append(f"检索“{query}”")
    if filters.get("version_id"):
        version = db.session.get(DraftVersion, filters["version_id"])
        parts.append(f"版本：{version.label}")
    if filters.get("division_id"):
        parts.append(f"章节：{db.session.get(Division, filters['division_id']).heading}")
    if filters.get("article_id"):
        parts.append(f"条文：{db.session.get(Article, filters['article_id']).label}")
    if filters.get("contact_point"):
        point = contact_point_by_code(filters["contact_point"])
        parts.append(f"联系点：{point.name if point else filters['contact_point']}")
    if filters.get("district"):
        parts.append(f"区县：{filters['district']}")
    if filters.get("channel"):
        parts.append(f"渠道：{CHANNEL_LABELS.get(filters['channel'], filters['channel'])}")
    if filters.get("category"):
        parts.append(f"类别：{filters['category']}")
    if filters.get("moderation_state"):
        parts.append(f"状态：{MODERATION_LABELS.get(filters['moderation_state'])}")
    if filters.get("decision"):
        decision = None if filters["decision"] == UNDECIDED else filters["decision"]
        parts.append(f"采纳情况：{DECISION_LABELS.get(decision)}")
    if filters.get("tag"):
        parts.append(f"标签：{filters['tag']}")
    if filters.get("date_from") or filters.get("date_to"):
        parts.append(f"日期：{filters.get('date_from') or '…'} 至 {filters.get('date_to') or '…'}")
    return "；".join(parts)
