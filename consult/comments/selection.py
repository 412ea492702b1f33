"""`Selection`: the one description of "which comments", shared by the workbench, staff search, exports,
statistics and the CLI.

A Selection parses request args or CLI options, builds the SQL conditions on `Comment`, maps itself to
the search index's filter fields, describes itself in words for export headers, and turns back into URL
arguments. Keys (request/CLI names):

    draft_id, version_id, division_id (a part/chapter/section and everything inside it), article_id,
    article_no (12, 12-1, 第十二条), paragraph_no, contact_point (code), district, channel, category,
    moderation_state, decision ("none" = not decided yet), tag, duplicate_group_id,
    date_from, date_to (ISO dates compared with Comment.submitted_on, falling back to created_at),
    q (the full-text query; "query" is accepted too),
    carried (what became of the comment's article in the current version: changed / unchanged / deleted,
    through the draft's article lineage; comments not on an article match none of them).

Coded values (channel, moderation_state, decision, category) accept the code or any word of the
vocabulary (`渠道 座谈会` = `meeting`).
"""
from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date, datetime, time, timedelta
from typing import Mapping

from flask_babel import gettext as _
from sqlalchemy import and_, or_, select

from consult.comments.models import Comment, DuplicateGroup, Tag
from consult.comments.vocabulary import (
    CARRIED, CARRIED_STATUSES, CHANNEL, COMMENTER_CATEGORY, DECISION_OR_UNDECIDED, MODERATION, UNDECIDED)
from consult.contact_points.models import ContactPoint
from consult.drafts.lineage_services import carried_statuses
from consult.drafts.models import Article, Division, Draft, DraftVersion
from consult.errors import UserError
from consult.extensions import db
from consult.lawtext import parse_anchor

INT_KEYS = ("draft_id", "version_id", "division_id", "article_id", "paragraph_no", "duplicate_group_id")
DATE_KEYS = ("date_from", "date_to")
CODED_KEYS = {"channel": CHANNEL, "moderation_state": MODERATION, "decision": DECISION_OR_UNDECIDED,
              "category": COMMENTER_CATEGORY, "carried": CARRIED}
TEXT_KEYS = ("article_no", "contact_point", "district", "tag")
KEYS = (*INT_KEYS, *DATE_KEYS, *CODED_KEYS, *TEXT_KEYS, "query")
# Selection key → search index field (the index stores these as text; dates as yyyymmdd numbers).
INDEX_FIELDS = {
    "draft_id": "draft", "version_id": "version", "division_id": "division", "article_id": "article",
    "article_no": "artno", "contact_point": "point", "district": "district", "channel": "channel",
    "category": "category", "moderation_state": "state", "decision": "decision", "tag": "tags",
}


class SelectionError(UserError):
    """A selection value that cannot be used; `field` names the key."""


def _key_label(key: str) -> str:
    return {"draft_id": _("草案"), "version_id": _("版本"), "division_id": _("章节"), "article_id": _("条文"),
            "paragraph_no": _("款"), "duplicate_group_id": _("重复意见组")}.get(key, key)


def _typed(key: str, raw):
    """One typed value, None when empty; SelectionError when malformed."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if key in INT_KEYS:
        try:
            return int(str(raw).strip())
        except ValueError:
            raise SelectionError(_("%(name)s应为数字：%(value)s", name=_key_label(key), value=raw), key) from None
    if key in DATE_KEYS:
        if isinstance(raw, datetime):
            return raw.date()
        if isinstance(raw, date):
            return raw
        try:
            return date.fromisoformat(str(raw).strip())
        except ValueError:
            raise SelectionError(_("日期格式应为 YYYY-MM-DD：%(value)s", value=raw), key) from None
    value = str(raw).strip()
    if key in CODED_KEYS:
        code = CODED_KEYS[key].parse(value)
        if code is None:
            messages = {"channel": _("未知的渠道：%(value)s", value=value),
                        "moderation_state": _("未知的审核状态：%(value)s", value=value),
                        "decision": _("未知的采纳情况：%(value)s", value=value),
                        "category": _("未知的提出人类别：%(value)s", value=value),
                        "carried": _("未知的条文变化情况：%(value)s（可选：已变化、未变化、已删除）", value=value)}
            raise SelectionError(messages[key], key)
        return code
    if key == "article_no":
        return article_key(value)
    return value


def article_key(value: str) -> str:
    """12 / 第十二条 / 第十二条之一 → the article key used in URLs and the index (12, 12-1)."""
    value = value.strip()
    if value.replace("-", "").isdigit():
        return value
    ref = parse_anchor(value)
    number = getattr(ref, "article_number", None) if ref is not None else None
    if number:
        suffix = getattr(ref, "article_suffix", None)
        return f"{number}-{suffix}" if suffix else str(number)
    return value  # an unparsable label simply matches nothing


@dataclass(frozen=True)
class Selection:
    """Which comments: every criterion optional; an empty Selection means all comments."""

    draft_id: int | None = None
    version_id: int | None = None
    division_id: int | None = None
    article_id: int | None = None
    article_no: str | None = None
    paragraph_no: int | None = None
    contact_point: str | None = None
    district: str | None = None
    channel: str | None = None
    category: str | None = None
    moderation_state: str | None = None
    decision: str | None = None
    tag: str | None = None
    duplicate_group_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    carried: str | None = None
    query: str = ""
    errors: tuple[str, ...] = ()

    # -- building -------------------------------------------------------------------------------------
    @classmethod
    def from_args(cls, raw: Mapping | None, draft=None, strict: bool = False) -> "Selection":
        """Parse request args or CLI options. Lenient: bad values dropped, messages in `.errors`.

        Strict: unknown keys or bad values raise SelectionError, and ids must belong to `draft`.
        """
        raw = raw or {}
        values, errors = {}, []
        if strict:
            known = {*KEYS, "q"}
            unknown = sorted(k for k in raw.keys() if k not in known and raw.get(k) not in (None, ""))
            if unknown:
                raise SelectionError(_("未知的筛选条件：%(keys)s", keys="、".join(unknown)))
        for key in KEYS:
            if key == "query":
                text = raw.get("q") or raw.get("query") or ""
                values["query"] = str(text).strip()
                continue
            try:
                value = _typed(key, raw.get(key))
            except SelectionError as error:
                if strict:
                    raise
                errors.append(error.message)
                continue
            if value is not None:
                values[key] = value
        if draft is not None:
            values["draft_id"] = draft.id
        selection = cls(**values, errors=tuple(errors))
        if selection.date_from and selection.date_to and selection.date_from > selection.date_to:
            if strict:
                raise SelectionError(_("开始日期晚于结束日期。"), "date_from")
            selection = replace(selection, date_to=None, errors=(*selection.errors, _("开始日期晚于结束日期。")))
        if draft is not None:
            selection = selection._checked_against(draft, strict)
        return selection

    def replace(self, **changes) -> "Selection":
        """A copy with some criteria changed (None clears one)."""
        return replace(self, **changes)

    def _checked_against(self, draft, strict: bool) -> "Selection":
        """Ids of versions, divisions, articles and groups must belong to `draft`; the point must exist."""
        owners = {
            "version_id": (DraftVersion, lambda v: v.draft_id, _("该草案没有这个版本。")),
            "division_id": (Division, lambda d: d.version.draft_id, _("该草案没有这个章节。")),
            "article_id": (Article, lambda a: a.version.draft_id, _("该草案没有这一条。")),
            "duplicate_group_id": (DuplicateGroup, lambda g: g.draft_id, _("该草案没有这个重复意见组。")),
        }
        cleared, errors = {}, list(self.errors)
        for key, (model, draft_of, message) in owners.items():
            value = getattr(self, key)
            if value is not None:
                row = db.session.get(model, value)
                if row is None or draft_of(row) != draft.id:
                    if strict:
                        raise SelectionError(message, key)
                    cleared[key] = None
                    errors.append(message)
        if self.contact_point and self._point() is None:
            message = _("没有编码为 %(code)s 的联系点。", code=self.contact_point)
            if strict:
                raise SelectionError(message, "contact_point")
            cleared["contact_point"] = None
            errors.append(message)
        return replace(self, **cleared, errors=tuple(errors)) if cleared else self

    # -- reading --------------------------------------------------------------------------------------
    def __bool__(self) -> bool:
        """True when any criterion besides the draft is set."""
        return any(getattr(self, f.name) not in (None, "") for f in fields(self)
                   if f.name not in ("draft_id", "errors"))

    def criteria(self) -> dict:
        """The set criteria as typed values (no query, no errors)."""
        return {f.name: getattr(self, f.name) for f in fields(self)
                if f.name not in ("query", "errors") and getattr(self, f.name) not in (None, "")}

    def to_args(self) -> dict[str, str]:
        """URL arguments that give this Selection back through `from_args`."""
        args = {key: (value.isoformat() if isinstance(value, date) else str(value))
                for key, value in self.criteria().items()}
        if self.query:
            args["q"] = self.query
        return args

    def index_filters(self) -> dict[str, str]:
        """{selection key: text value} for the search index (keys of INDEX_FIELDS plus date_from/date_to)."""
        out = {key: str(value) for key, value in self.criteria().items() if key in INDEX_FIELDS}
        for key in DATE_KEYS:
            if getattr(self, key) is not None:
                out[key] = getattr(self, key).isoformat()
        return out

    def needs_sql_only(self) -> bool:
        """True when a criterion has no index field (paragraph, duplicate group): search must check in SQL."""
        return self.paragraph_no is not None or self.duplicate_group_id is not None or self.carried is not None

    def conditions(self, default_states: tuple[str, ...] | None = None) -> list:
        """SQL conditions on Comment; `default_states` applies when no moderation_state is given."""
        conds = []
        if self.moderation_state:
            conds.append(Comment.moderation_state == self.moderation_state)
        elif default_states is not None:
            conds.append(Comment.moderation_state.in_(default_states))
        for key, column in (("draft_id", Comment.draft_id), ("version_id", Comment.version_id),
                            ("article_id", Comment.article_id), ("channel", Comment.channel),
                            ("category", Comment.commenter_category), ("paragraph_no", Comment.paragraph_no),
                            ("duplicate_group_id", Comment.duplicate_group_id)):
            if getattr(self, key) is not None:
                conds.append(column == getattr(self, key))
        if self.division_id is not None:
            conds.append(Comment.article_id.in_(select(Article.id).where(
                Article.division_id.in_(division_and_descendants(self.division_id)))))
        if self.article_no:
            number, _sep, suffix = self.article_no.partition("-")
            if number.isdigit():
                cond = Article.number == int(number)
                cond = and_(cond, Article.suffix == int(suffix) if suffix.isdigit() else Article.suffix.is_(None))
                conds.append(Comment.article_id.in_(select(Article.id).where(cond)))
            else:
                conds.append(Comment.id.is_(None))
        for key, column in (("contact_point", ContactPoint.code), ("district", ContactPoint.district)):
            if getattr(self, key):
                conds.append(Comment.contact_point_id.in_(
                    select(ContactPoint.id).where(column == getattr(self, key))))
        if self.decision:
            conds.append(Comment.decision.is_(None) if self.decision == UNDECIDED
                         else Comment.decision == self.decision)
        if self.tag:
            conds.append(Comment.tags.any(Tag.name == self.tag))
        if self.carried:
            conds.append(Comment.article_id.in_(carried_article_ids(self.draft_id, self.carried)))
        if self.date_from is not None:
            start = self.date_from
            conds.append(or_(Comment.submitted_on >= start, and_(
                Comment.submitted_on.is_(None), Comment.created_at >= datetime.combine(start, time()))))
        if self.date_to is not None:
            end = self.date_to
            conds.append(or_(Comment.submitted_on <= end, and_(
                Comment.submitted_on.is_(None),
                Comment.created_at < datetime.combine(end + timedelta(days=1), time()))))
        return conds

    def describe(self) -> str:
        """The selection in Chinese words for an export's front matter ("" for the whole draft)."""
        parts = []
        if self.query:
            parts.append(f"检索“{self.query}”")
        if self.version_id is not None and (version := db.session.get(DraftVersion, self.version_id)):
            parts.append(f"版本：{version.label}")
        if self.division_id is not None and (division := db.session.get(Division, self.division_id)):
            parts.append(f"章节：{division.heading}")
        if self.article_id is not None and (article := db.session.get(Article, self.article_id)):
            parts.append(f"条文：{article.label}")
        if self.article_no:
            parts.append(f"条文：第{self.article_no}条")
        if self.paragraph_no is not None:
            parts.append(f"第{self.paragraph_no}款")
        if self.contact_point:
            point = self._point()
            parts.append(f"联系点：{point.name if point else self.contact_point}")
        if self.district:
            parts.append(f"区县：{self.district}")
        for key, name in (("channel", "渠道"), ("category", "类别"), ("moderation_state", "状态"),
                          ("decision", "采纳情况"), ("carried", "条文变化")):
            if getattr(self, key):
                parts.append(f"{name}：{CODED_KEYS[key].formal(getattr(self, key))}")
        if self.tag:
            parts.append(f"标签：{self.tag}")
        if self.duplicate_group_id is not None:
            parts.append(f"重复意见组：{self.duplicate_group_id}")
        if self.date_from or self.date_to:
            parts.append(f"日期：{self.date_from or '…'} 至 {self.date_to or '…'}")
        return "；".join(parts)

    def _point(self):
        return db.session.scalar(select(ContactPoint).where(ContactPoint.code == self.contact_point))


def carried_article_ids(draft_id: int | None, criterion: str) -> list[int]:
    """Ids of the articles (of every version) whose fate in the current version fits `criterion`
    (changed / unchanged / deleted, see CARRIED_STATUSES); one draft, or every draft with comments."""
    if draft_id is not None:
        drafts = [d for d in [db.session.get(Draft, draft_id)] if d is not None]
    else:
        drafts = list(db.session.scalars(select(Draft).where(Draft.id.in_(select(Comment.draft_id).distinct()))))
    wanted = CARRIED_STATUSES[criterion]
    return [article_id for draft in drafts for article_id, carried in carried_statuses(draft).items()
            if carried.status in wanted]


def division_and_descendants(division_id: int) -> list[int]:
    """A division's id and the ids of every division nested inside it."""
    ids, frontier = [division_id], [division_id]
    while frontier:
        frontier = list(db.session.scalars(select(Division.id).where(Division.parent_id.in_(frontier))))
        ids.extend(frontier)
    return ids
