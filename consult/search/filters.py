"""Comment filters shared by search, the workbench and exports: one vocabulary, two translations.

Keys: version_id, division_id, article_id, contact_point (code), district, channel, category,
moderation_state, decision ("none" = not decided yet), tag, date_from, date_to (ISO dates, compared with
`Comment.submitted_on`, falling back to `created_at`). Search also accepts article_no (12, 12-1, 第十二条).
"""
from __future__ import annotations

from datetime import date

from flask_babel import gettext
from sqlalchemy import and_, func, or_, select

from consult.comments.models import Comment, ContactPoint, Tag, comment_tags

FILTER_KEYS = ("version_id", "division_id", "article_id", "contact_point", "district", "channel", "category",
               "moderation_state", "decision", "tag", "date_from", "date_to")
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
    from consult.drafts.models import Article, Division

    conds = []
    if draft_id is not None:
        conds.append(Comment.draft_id == int(draft_id))
    f = filters
    if "version_id" in f:
        conds.append(Comment.version_id == int(f["version_id"]))
    if "article_id" in f:
        conds.append(Comment.article_id == int(f["article_id"]))
    if "division_id" in f:
        division_id = int(f["division_id"])
        level1 = select(Division.id).where(or_(Division.id == division_id, Division.parent_id == division_id))
        level2 = select(Division.id).where(Division.parent_id.in_(level1))
        conds.append(Comment.article_id.in_(select(Article.id).where(
            or_(Article.division_id.in_(level1), Article.division_id.in_(level2)))))
    if "article_no" in f:
        number, _, suffix = f["article_no"].partition("-")
        if number.isdigit():
            cond = Article.number == int(number)
            cond = and_(cond, Article.suffix == int(suffix) if suffix.isdigit() else Article.suffix.is_(None))
            conds.append(Comment.article_id.in_(select(Article.id).where(cond)))
        else:
            conds.append(Comment.id.is_(None))
    if "contact_point" in f:
        conds.append(Comment.contact_point_id.in_(select(ContactPoint.id).where(ContactPoint.code == f["contact_point"])))
    if "district" in f:
        conds.append(Comment.contact_point_id.in_(select(ContactPoint.id).where(ContactPoint.district == f["district"])))
    for key, column in (("channel", Comment.channel), ("category", Comment.commenter_category),
                        ("moderation_state", Comment.moderation_state)):
        if key in f:
            conds.append(column == f[key])
    if "decision" in f:
        conds.append(Comment.decision.is_(None) if f["decision"] == "none" else Comment.decision == f["decision"])
    if "tag" in f:
        conds.append(Comment.id.in_(select(comment_tags.c.comment_id).join(Tag, Tag.id == comment_tags.c.tag_id)
                                    .where(Tag.name == f["tag"])))
    day = func.coalesce(Comment.submitted_on, func.date(Comment.created_at))
    if "date_from" in f:
        conds.append(day >= date.fromisoformat(f["date_from"]))
    if "date_to" in f:
        conds.append(day <= date.fromisoformat(f["date_to"]))
    return conds
