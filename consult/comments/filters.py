"""The shared comment filter keys, used by the workbench, search and exports alike.

Keys: version_id, division_id (a part/chapter/section and everything inside it), article_id,
contact_point (code), district, channel, category, moderation_state, decision ("none" = not decided yet),
tag, date_from, date_to (ISO dates compared with Comment.submitted_on, falling back to created_at).
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Mapping

from flask_babel import gettext as _
from sqlalchemy import and_, or_, select

from consult.comments.models import CHANNELS, DECISIONS, MODERATION_STATES, Comment, Tag
from consult.contact_points.models import ContactPoint
from consult.drafts.models import Article, Division, DraftVersion
from consult.extensions import db

FILTER_KEYS = ("version_id", "division_id", "article_id", "contact_point", "district", "channel", "category",
               "moderation_state", "decision", "tag", "date_from", "date_to")
UNDECIDED = "none"
_INT_KEYS = ("version_id", "division_id", "article_id")
_DATE_KEYS = ("date_from", "date_to")
_CHOICES = {"channel": CHANNELS, "moderation_state": MODERATION_STATES, "decision": DECISIONS + (UNDECIDED,)}


class FilterError(ValueError):
    """A filter value that cannot be used; `field` names the filter."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def _value(key: str, raw):
    """One typed filter value, None when empty; FilterError when malformed."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if key in _INT_KEYS:
        try:
            return int(str(raw).strip())
        except ValueError:
            raise FilterError(_("筛选条件 %(key)s 应为数字。", key=key), key) from None
    if key in _DATE_KEYS:
        if isinstance(raw, date):
            return raw
        try:
            return date.fromisoformat(str(raw).strip())
        except ValueError:
            raise FilterError(_("日期格式应为 YYYY-MM-DD：%(value)s", value=raw), key) from None
    value = str(raw).strip()
    if key in _CHOICES and value not in _CHOICES[key]:
        messages = {"channel": _("未知的渠道：%(value)s", value=value),
                    "moderation_state": _("未知的审核状态：%(value)s", value=value),
                    "decision": _("未知的采纳情况：%(value)s", value=value)}
        raise FilterError(messages[key], key)
    return value


def collect_filters(raw: Mapping) -> tuple[dict, list[str]]:
    """Typed filters from request-like args, dropping each bad value with a message (pages keep working)."""
    filters, errors = {}, []
    for key in FILTER_KEYS:
        try:
            value = _value(key, raw.get(key))
        except FilterError as exc:
            errors.append(exc.message)
            continue
        if value is not None:
            filters[key] = value
    return filters, errors


def parse_filters(raw: Mapping | None, draft=None) -> dict:
    """Typed filters, strictly: unknown keys or bad values raise FilterError; ids must belong to `draft`."""
    raw = dict(raw or {})
    unknown = set(raw) - set(FILTER_KEYS)
    if unknown:
        raise FilterError(_("未知的筛选条件：%(keys)s", keys="、".join(sorted(unknown))))
    filters = {key: value for key in FILTER_KEYS if (value := _value(key, raw.get(key))) is not None}
    if draft is not None:
        _check_belongs(filters, draft)
    if filters.get("date_from") and filters.get("date_to") and filters["date_from"] > filters["date_to"]:
        raise FilterError(_("开始日期晚于结束日期。"), "date_from")
    return filters


def _check_belongs(filters: dict, draft) -> None:
    owners = {
        "version_id": (DraftVersion, lambda v: v.draft_id, _("该草案没有这个版本。")),
        "division_id": (Division, lambda d: d.version.draft_id, _("该草案没有这个章节。")),
        "article_id": (Article, lambda a: a.version.draft_id, _("该草案没有这一条。")),
    }
    for key, (model, draft_of, message) in owners.items():
        if key in filters:
            row = db.session.get(model, filters[key])
            if row is None or draft_of(row) != draft.id:
                raise FilterError(message, key)
    code = filters.get("contact_point")
    if code and db.session.scalar(select(ContactPoint.id).where(ContactPoint.code == code)) is None:
        raise FilterError(_("没有编码为 %(code)s 的联系点。", code=code), "contact_point")


def division_and_descendants(division_id: int) -> list[int]:
    """A division's id and the ids of every division nested inside it."""
    ids, frontier = [division_id], [division_id]
    while frontier:
        frontier = list(db.session.scalars(select(Division.id).where(Division.parent_id.in_(frontier))))
        ids.extend(frontier)
    return ids


def comment_conditions(filters: Mapping, *, draft_id: int | None = None,
                       default_states: tuple[str, ...] | None = None) -> list:
    """SQL conditions on Comment for typed filters; `default_states` applies when no moderation_state is given."""
    conds = [] if draft_id is None else [Comment.draft_id == draft_id]
    if filters.get("moderation_state"):
        conds.append(Comment.moderation_state == filters["moderation_state"])
    elif default_states is not None:
        conds.append(Comment.moderation_state.in_(default_states))
    for key, column in (("version_id", Comment.version_id), ("article_id", Comment.article_id),
                        ("channel", Comment.channel), ("category", Comment.commenter_category)):
        if key in filters:
            conds.append(column == filters[key])
    if "division_id" in filters:
        conds.append(Comment.article_id.in_(select(Article.id).where(
            Article.division_id.in_(division_and_descendants(filters["division_id"])))))
    for key, column in (("contact_point", ContactPoint.code), ("district", ContactPoint.district)):
        if key in filters:
            conds.append(Comment.contact_point_id.in_(select(ContactPoint.id).where(column == filters[key])))
    if "decision" in filters:
        conds.append(Comment.decision.is_(None) if filters["decision"] == UNDECIDED
                     else Comment.decision == filters["decision"])
    if "tag" in filters:
        conds.append(Comment.tags.any(Tag.name == filters["tag"]))
    if "date_from" in filters:
        start = filters["date_from"]
        conds.append(or_(Comment.submitted_on >= start, and_(
            Comment.submitted_on.is_(None), Comment.created_at >= datetime.combine(start, time()))))
    if "date_to" in filters:
        end = filters["date_to"]
        conds.append(or_(Comment.submitted_on <= end, and_(
            Comment.submitted_on.is_(None), Comment.created_at < datetime.combine(end + timedelta(days=1), time()))))
    return conds
