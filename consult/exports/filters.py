"""The shared filter keys (search, workbench, exports) turned into validated values and SQL conditions.

Keys: version_id, division_id, article_id, contact_point (code), district, channel, category,
moderation_state, decision, tag, date_from, date_to (ISO dates compared with Comment.submitted_on,
falling back to created_at). Without a moderation_state filter an export covers the comments that
count as received: published online comments and internally recorded ones (not pending, not rejected).
"""
from __future__ import annotations

from typing import Mapping

from sqlalchemy import select

from consult.comments import filters as shared_filters
from consult.comments.filters import UNDECIDED
from consult.comments.models import ContactPoint
from consult.drafts.models import Article, Division, DraftVersion
from consult.exports.records import CHANNEL_LABELS, DECISION_LABELS, MODERATION_LABELS
from consult.extensions import db

DEFAULT_STATES = ("published", "internal")


class ExportError(ValueError):
    """A user-facing reason why an export cannot be made; nothing was written."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def parse_filters(raw: Mapping | None, draft) -> dict:
    """Validate the filter mapping for `draft`; unknown values raise ExportError, empty ones are dropped."""
    try:
        return shared_filters.parse_filters(raw, draft)
    except shared_filters.FilterError as exc:
        raise ExportError(exc.message, exc.field) from None


def contact_point_by_code(code: str) -> ContactPoint | None:
    """The contact point with this code, if any."""
    return db.session.scalar(select(ContactPoint).where(ContactPoint.code == code))


def filter_conditions(draft, filters: Mapping) -> list:
    """SQL conditions on Comment for validated filters (received comments unless a state is asked for)."""
    return shared_filters.comment_conditions(filters, draft_id=draft.id, default_states=DEFAULT_STATES)


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
