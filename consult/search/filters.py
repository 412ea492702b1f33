"""Comment filters shared by search, the workbench and exports: one vocabulary, two translations.

Keys: version_id, division_id, article_id, contact_point (code), district, channel, category,
moderation_state, decision ("none" = not decided yet), tag, date_from, date_to (ISO dates, compared with
`Comment.submitted_on`, falling back to `created_at`). Search also accepts article_no (12, 12-1, 第十二条).
"""
from __future__ import annotations

from datetime import date

from flask_babel import gettext
from sqlalchemy import and_, select

from consult.comments.filters import FILTER_KEYS, collect_filters, comment_conditions
from consult.comments.models import Comment

SEARCH_ONLY_KEYS = ("article_no",)
# filter key → index field
INDEX_FIELDS = {
    "draft_id": "draft", "version_id": "version", "division_id": "division", "article_id": "article",
    "article_no": "artno", "contact_point": "point", "district": "district", "channel": "channel",
    "category": "category", "moderation_state": "state", "decision": "decision", "tag": "tags",
}


class FilterError(ValueError):
    """A filter value of the wrong shape (e.g. a date that is not a date)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def clean_filters(filters: dict | None) -> dict:
    """Keep known, non-empty filter values as strings; dates must be ISO dates."""
    cleaned = {}
    for key, value in (filters or {}).items():
        if key not in FILTER_KEYS + SEARCH_ONLY_KEYS or value is None:
            continue
        value = str(value).strip()
        if not value:
            continue
        if key in ("date_from", "date_to"):
            try:
                date.fromisoformat(value)
            except ValueError:
                raise FilterError(gettext("日期格式不对：%(value)s（应为 2026-12-01）。", value=value)) from None
        if key in ("version_id", "division_id", "article_id") and not value.isdigit():
            raise FilterError(gettext("筛选条件 %(key)s 应为数字。", key=key))
        if key == "article_no":
            value = article_key(value)
        cleaned[key] = value
    return cleaned


def article_key(value: str) -> str:
    """12 / 第十二条 / 第十二条之一 → the article key used in URLs and the index (12, 12-1)."""
    value = value.strip()
    if value.replace("-", "").isdigit():
        return value
    try:
        from consult.lawtext import parse_anchor

        ref = parse_anchor(value)
        if ref is not None and getattr(ref, "article_number", None):
            suffix = getattr(ref, "article_suffix", None)
            return f"{ref.article_number}-{suffix}" if suffix else str(ref.article_number)
    except Exception:  # noqa: BLE001 - an unparsable label simply matches nothing
        pass
    return value


def date_number(value: str) -> int:
    """2026-12-01 → 20261201 (the index stores days as numbers)."""
    return int(value.replace("-", ""))


def sql_conditions(filters: dict, draft_id: int | None = None) -> list:
    """SQLAlchemy conditions on Comment for cleaned filters (the database twin of the index filters)."""
    from consult.drafts.models import Article

    typed, _errors = collect_filters(filters)  # cleaned filters are valid; this only types them
    conds = comment_conditions(typed, draft_id=None if draft_id is None else int(draft_id))
    if "article_no" in filters:
        number, _, suffix = filters["article_no"].partition("-")
        if number.isdigit():
            cond = Article.number == int(number)
            cond = and_(cond, Article.suffix == int(suffix) if suffix.isdigit() else Article.suffix.is_(None))
            conds.append(Comment.article_id.in_(select(Article.id).where(cond)))
        else:
            conds.append(Comment.id.is_(None))
    return conds
