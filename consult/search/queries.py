"""Search reads: staff comment search grouped by article in text order, and the citizens' search.

Ids come from the index, rows from the database (which also re-checks what citizens may see).
An empty staff query lists every comment matching the filters straight from the database.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from consult.comments.models import Comment
from consult.comments.privacy import scrub_personal_data
from consult.drafts.models import Article, Draft
from consult.extensions import db
from consult.search.documents import KIND_RANK, ORDER_SCALE, RANK_SCALE, order_key
from consult.search.filters import clean_filters, sql_conditions
from consult.search.highlight import highlight, is_whole_word_hit
from consult.search.services import current_backend
from consult.search.syntax import QueryError, parse_query, split_filters

GROUPS_PER_PAGE = 20
PUBLIC_PER_PAGE = 20
GROUP_LABELS = {0: _l("总体意见"), 1: _l("名称"), 3: _l("新增条款")}


@dataclass
class Hit:
    """One matching comment (or article/draft for citizens) with its highlighted snippet."""

    obj: object
    snippet: Markup
    kind: str = "comment"
    whole_word: bool = False


@dataclass
class Group:
    """All matching comments about one anchor: 总体意见, 名称, one article, or 新增条款."""

    order: int
    anchor: str
    article_id: int | None
    kind: str
    count: int
    comment_ids: list[int]
    article: Article | None = None
    hits: list[Hit] = field(default_factory=list)

    def as_dict(self) -> dict:
        """The CLI/JSON shape of a group."""
        return {"anchor": self.anchor, "article_id": self.article_id, "count": self.count,
                "comment_ids": self.comment_ids}


@dataclass
class GroupedResults:
    """Staff search results: groups in text order, the current page of groups with their first hits."""

    query: str
    total: int
    groups: list[Group]
    terms: list[str]
    page: int = 1
    pages: int = 1
    filters: dict = field(default_factory=dict)

    @property
    def shown(self) -> list[Group]:
        """Groups on the current page."""
        start = (self.page - 1) * GROUPS_PER_PAGE
        return self.groups[start:start + GROUPS_PER_PAGE]

    def as_dict(self) -> dict:
        """The CLI/JSON shape: {"total": n, "groups": [...]}."""
        return {"total": self.total, "groups": [g.as_dict() for g in self.groups]}


def _prepare(query: str, draft_id, filters):
    node, inline = split_filters(parse_query(query))
    cleaned = clean_filters({**(filters or {}), **inline})
    if draft_id is not None:
        cleaned["draft_id"] = str(int(draft_id))
    terms = node.positive_terms() if node is not None else []
    return node, cleaned, terms


def _sql_grouped(filters: dict) -> tuple[int, list[tuple[int, list[int]]]]:
    conds = sql_conditions({k: v for k, v in filters.items() if k != "draft_id"}, filters.get("draft_id"))
    rows = db.session.execute(
        select(Comment.id, Comment.version_id, Comment.anchor_kind, Article.id, Article.position)
        .outerjoin(Article, Article.id == Comment.article_id).where(*conds))
    groups: dict[int, list[int]] = {}
    total = 0
    for comment_id, version_id, anchor_kind, article_id, position in rows:
        if anchor_kind in ("general", "title", "new_article"):
            kind = anchor_kind
        else:
            kind = "article" if article_id is not None else "general"
        groups.setdefault(order_key(version_id, kind, position or 0), []).append(comment_id)
        total += 1
    return total, [(order, sorted(ids)) for order, ids in sorted(groups.items())]


def _label_groups(raw) -> list[Group]:
    wanted = {}
    for order, _ in raw:
        version_id, rest = divmod(order, ORDER_SCALE)
        rank, position = divmod(rest, RANK_SCALE)
        if rank == KIND_RANK["article"]:
            wanted[(version_id, position)] = None
    if wanted:
        versions = {v for v, _ in wanted}
        for article in db.session.scalars(select(Article).where(Article.version_id.in_(versions))):
            if (article.version_id, article.position) in wanted:
                wanted[(article.version_id, article.position)] = article
    groups = []
    for order, ids in raw:
        version_id, rest = divmod(order, ORDER_SCALE)
        rank, position = divmod(rest, RANK_SCALE)
        article = wanted.get((version_id, position)) if rank == 2 else None
        kind = {0: "general", 1: "title", 2: "article", 3: "new_article"}[rank]
        label = article.label if article is not None else str(GROUP_LABELS.get(rank, "第？条"))
        groups.append(Group(order, label, article.id if article else None, kind, len(ids), ids, article))
    return groups


def _load_hits(ids: list[int], terms) -> list[Hit]:
    rows = {c.id: c for c in db.session.scalars(
        select(Comment).where(Comment.id.in_(ids)).options(selectinload(Comment.contact_point)))}
    return [Hit(rows[i], highlight(rows[i].body, terms)) for i in ids if i in rows]


def search_comments(query: str, *, draft_id=None, filters=None, page: int = 1, per_group: int = 20) -> GroupedResults:
    """Staff search: every matching comment grouped by anchor in text order; QueryError/FilterError if malformed."""
    node, cleaned, terms = _prepare(query, draft_id, filters)
    total, raw = _sql_grouped(cleaned) if node is None else current_backend().grouped(node, cleaned)
    groups = _label_groups(raw)
    pages = max(1, math.ceil(len(groups) / GROUPS_PER_PAGE))
    results = GroupedResults(query or "", total, groups, terms, min(max(1, page), pages), pages, cleaned)
    if per_group:
        shown = results.shown
        hits = {h.obj.id: h for h in _load_hits([i for g in shown for i in g.comment_ids[:per_group]], terms)}
        for group in shown:
            group.hits = [hits[i] for i in group.comment_ids[:per_group] if i in hits]
    return results


def group_comments(query: str, order: int, *, draft_id=None, filters=None, page: int = 1,
                   per_page: int = 50) -> tuple[Group | None, int, int]:
    """One group of a staff search, paged: (group with this page's hits, page, pages)."""
    results = search_comments(query, draft_id=draft_id, filters=filters, per_group=0)
    group = next((g for g in results.groups if g.order == order), None)
    if group is None:
        return None, 1, 1
    pages = max(1, math.ceil(group.count / per_page))
    page = min(max(1, page), pages)
    group.hits = _load_hits(group.comment_ids[(page - 1) * per_page:page * per_page], results.terms)
    return group, page, pages


def matching_comment_ids(query: str, *, draft_id, filters=None) -> list[int]:
    """Every matching comment id in text order (empty query: all comments matching the filters)."""
    results = search_comments(query, draft_id=draft_id, filters=filters, per_group=0)
    return [i for g in results.groups for i in g.comment_ids]


def top_comments(query: str, *, draft_id=None, filters=None, limit: int = 20) -> list[Hit]:
    """The most relevant matching comments, whole-word matches first, highlighted."""
    node, cleaned, terms = _prepare(query, draft_id, filters)
    if node is None:
        return []
    _, ranked = current_backend().ranked(node, cleaned, limit + 10)
    rows = {c.id: c for c in db.session.scalars(select(Comment).where(Comment.id.in_([e for _, e, _ in ranked]))
                                                .options(selectinload(Comment.contact_point)))}
    candidates = [(rows[eid], is_whole_word_hit(rows[eid].body, terms)) for _, eid, _ in ranked if eid in rows]
    candidates.sort(key=lambda pair: not pair[1])  # stable: BM25 order inside each class
    return [Hit(c, highlight(c.body, terms), whole_word=w) for c, w in candidates[:limit]]


@dataclass
class PublicResults:
    """Citizens' search results: published drafts, articles and published comments."""

    query: str
    total: int
    hits: list[Hit]
    page: int
    pages: int


def search_public(query: str, page: int = 1) -> PublicResults:
    """Citizens' ranked search; no personal data, nothing unpublished (re-checked in the database)."""
    node = parse_query(query)
    if node is None:
        return PublicResults(query or "", 0, [], 1, 1)
    if _has_field(node):
        raise QueryError(gettext("公众搜索不支持字段筛选，请直接输入关键词。"))
    terms = node.positive_terms()
    drafts = {d.id: d for d in db.session.scalars(select(Draft).where(Draft.published_at.is_not(None)))}
    page = max(1, page)
    total, ranked = current_backend().ranked(node, {"draft_ids": sorted(drafts)}, page * PUBLIC_PER_PAGE,
                                             kinds=("draft", "article", "comment"), public_only=True, count=True)
    hits = _public_hits(ranked[(page - 1) * PUBLIC_PER_PAGE:], drafts, terms)
    pages = max(1, math.ceil(total / PUBLIC_PER_PAGE))
    return PublicResults(query, total, hits, min(page, pages), pages)


def _has_field(node) -> bool:
    return node.op == "field" or any(_has_field(c) for c in node.children)


def _public_hits(ranked, drafts: dict, terms) -> list[Hit]:
    ids = {"draft": [], "article": [], "comment": []}
    for kind, eid, _ in ranked:
        ids[kind].append(eid)
    objects = {("draft", i): drafts[i] for i in ids["draft"] if i in drafts}
    for a in db.session.scalars(select(Article).where(Article.id.in_(ids["article"]))):
        if a.version.draft_id in drafts and a.version.is_current and not a.deleted:
            objects[("article", a.id)] = a
    for c in db.session.scalars(select(Comment).where(Comment.id.in_(ids["comment"]))):
        if c.draft_id in drafts and c.moderation_state == "published":
            objects[("comment", c.id)] = c
    hits = []
    for kind, eid, _ in ranked:
        obj = objects.get((kind, eid))
        if obj is None:
            continue
        text = {"draft": lambda o: f"{o.title}\n{o.description or ''}", "article": lambda o: o.text,
                "comment": lambda o: scrub_personal_data(o.body)}[kind](obj)  # citizens: no typed phone/ID
        hits.append(Hit(obj, highlight(text, terms), kind, is_whole_word_hit(text, terms)))
    hits.sort(key=lambda h: not h.whole_word)
    return hits
