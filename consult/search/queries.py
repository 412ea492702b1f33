"""Search reads: staff comment search grouped by article in text order, and the citizens' search.

Which comments is a `consult.comments.selection.Selection` (its `query` is the staff query text; inline
`field:value` words narrow it further). Ids come from the index, rows from the database (which also
re-checks what citizens may see). An empty staff query lists every comment of the Selection straight
from the database, so it works even while the index is being rebuilt.

Groups are the anchors the comments were made on (version and article). Asked to map to the current
version (`map_to_current`), groups are folded after the query onto the article each one became in its
draft's current version, through the article lineage (`carried_statuses`, once per draft); groups of
deleted articles keep their original anchor and come last. The index is never changed for this.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from flask_babel import gettext
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from consult.comments.models import Comment
from consult.comments.selection import INDEX_FIELDS, Selection
from consult.comments.vocabulary import ANCHOR
from consult.drafts.lineage_services import carried_statuses
from consult.drafts.models import Article, Draft, DraftVersion
from consult.errors import UserError
from consult.extensions import db
from consult.search.backend import IndexUnavailable
from consult.search.documents import decode_order, order_key, public_comment_text
from consult.search.highlight import highlight, is_whole_word_hit
from consult.search.services import current_backend, search_health
from consult.search.syntax import QueryError, parse_query, split_filters

GROUPS_PER_PAGE = 20
PUBLIC_PER_PAGE = 20
NON_ARTICLE_KINDS = ("general", "title", "new_article")


class SearchUnavailable(UserError):
    """The full-text index cannot answer (damaged, empty or behind): say so instead of returning nothing."""


@dataclass
class Hit:
    """One matching comment (or article/draft for citizens) with its highlighted snippet."""

    obj: object
    snippet: Markup
    kind: str = "comment"
    whole_word: bool = False

    @property
    def anchor_key(self) -> str:
        """The workbench address of the comment's anchor: an article key, or general/title/new_article."""
        comment = self.obj
        if comment.article is not None:
            return comment.article.key
        return comment.anchor_kind if comment.anchor_kind in NON_ARTICLE_KINDS else "general"


@dataclass
class Group:
    """All matching comments about one anchor of one version: 总体意见, 名称, one article, or 新增条款."""

    sort_key: int  # text order; private to the search package (URLs use version_id + key)
    version_id: int
    key: str  # article key (12, 12-1) or general / title / new_article
    anchor: str
    article_id: int | None
    kind: str
    count: int
    comment_ids: list[int]
    article: Article | None = None
    hits: list[Hit] = field(default_factory=list)
    # Mapped to the current version: what became of the anchor ("" unmapped, a CARRIED_STATUS code, or
    # "mixed" when groups of different fates folded into one) and the original anchors folded in.
    status: str = ""
    mapped_from: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        """The CLI/JSON shape of a group (mapped groups add `status` and `from`)."""
        out = {"anchor": self.anchor, "article_id": self.article_id, "count": self.count,
               "comment_ids": self.comment_ids}
        if self.status:
            out.update(status=self.status, **{"from": self.mapped_from})
        return out


@dataclass
class GroupedResults:
    """Staff search results: groups in text order, the current page of groups with their first hits."""

    selection: Selection
    total: int
    groups: list[Group]
    terms: list[str]
    page: int = 1
    pages: int = 1
    top: list[Hit] = field(default_factory=list)  # the most relevant comments, when asked for (`top=`)

    @property
    def query(self) -> str:
        """The query text searched for."""
        return self.selection.query

    @property
    def shown(self) -> list[Group]:
        """Groups on the current page."""
        start = (self.page - 1) * GROUPS_PER_PAGE
        return self.groups[start:start + GROUPS_PER_PAGE]

    def as_dict(self) -> dict:
        """The CLI/JSON shape: {"total": n, "groups": [...]}."""
        return {"total": self.total, "groups": [g.as_dict() for g in self.groups]}


def as_selection(selection: Selection | str, draft_id=None, filters=None) -> Selection:
    """A Selection as is, or one built strictly from query text plus filters (CLI-style arguments)."""
    if isinstance(selection, Selection):
        return selection
    return Selection.from_args({**(filters or {}), "q": selection or "", "draft_id": draft_id}, strict=True)


def _prepare(selection: Selection):
    node, inline = split_filters(parse_query(selection.query))
    if inline:
        selection = selection.replace(**inline)
    terms = node.positive_terms() if node is not None else []
    return node, selection, terms


def _backend_filters(selection: Selection) -> dict:
    """{index field: value} plus date_from/date_to, as the backend interface takes them."""
    return {INDEX_FIELDS.get(key, key): value for key, value in selection.index_filters().items()}


def _sql_grouped(selection: Selection) -> tuple[int, list[tuple[int, list[int]]]]:
    rows = db.session.execute(
        select(Comment.id, Comment.version_id, Comment.anchor_kind, Article.id, Article.position)
        .outerjoin(Article, Article.id == Comment.article_id).where(*selection.conditions()))
    groups: dict[int, list[int]] = {}
    total = 0
    for comment_id, version_id, anchor_kind, article_id, position in rows:
        if anchor_kind in NON_ARTICLE_KINDS:
            kind = anchor_kind
        else:
            kind = "article" if article_id is not None else "general"
        groups.setdefault(order_key(version_id, kind, position or 0), []).append(comment_id)
        total += 1
    return total, [(order, sorted(ids)) for order, ids in sorted(groups.items())]


def _index_grouped(node, selection: Selection, top: int = 0):
    """(total, raw groups) from the index, and with `top` the backend's best `top + 10` (kind, id, score)."""
    backend, filters = current_backend(), _backend_filters(selection)
    ranked = []
    try:
        if top:
            (total, raw), ranked = backend.grouped_ranked(node, filters, top + 10)
        else:
            total, raw = backend.grouped(node, filters)
    except IndexUnavailable:
        raise SearchUnavailable(search_health().message or gettext("全文检索暂不可用。"), "q") from None
    if selection.needs_sql_only():  # paragraph / duplicate group: no index field, checked in the database
        allowed = set(db.session.scalars(select(Comment.id).where(*selection.conditions())))
        raw = [(order, [i for i in ids if i in allowed]) for order, ids in raw]
        raw = [(order, ids) for order, ids in raw if ids]
        total = sum(len(ids) for _, ids in raw)
    return total, raw, ranked


def _label_groups(raw) -> list[Group]:
    decoded = [(order, decode_order(order), ids) for order, ids in raw]
    wanted = {(version_id, position): None for _, (version_id, kind, position), _ in decoded if kind == "article"}
    if wanted:
        versions = {v for v, _ in wanted}
        for article in db.session.scalars(select(Article).where(Article.version_id.in_(versions))):
            if (article.version_id, article.position) in wanted:
                wanted[(article.version_id, article.position)] = article
    groups = []
    for order, (version_id, kind, position), ids in decoded:
        article = wanted.get((version_id, position)) if kind == "article" else None
        if article is not None:
            key, label = article.key, article.label
        else:
            key, label = kind, (ANCHOR.label(kind) if kind != "article" else "第？条")
        groups.append(Group(order, version_id, key, label, article.id if article else None, kind, len(ids), ids,
                            article))
    return groups


def map_to_current(groups: list[Group]) -> list[Group]:
    """Fold groups onto the current version's anchors through each draft's lineage (module docstring)."""
    versions = {v.id: v for v in db.session.scalars(
        select(DraftVersion).where(DraftVersion.id.in_({g.version_id for g in groups})))}
    statuses, currents, folded = {}, {}, {}
    for group in groups:
        version = versions.get(group.version_id)
        draft = version.draft if version is not None else None
        current = draft.current_version if draft is not None else None
        if current is None:
            folded[(1, group.sort_key, group.version_id, group.key)] = group
            continue
        if draft.id not in statuses:
            statuses[draft.id], currents[draft.id] = carried_statuses(draft), current
        origin = {"version": version.label, "anchor": group.anchor}
        if group.article is not None:
            fate = statuses[draft.id].get(group.article.id)
            status = fate.status if fate is not None else "deleted"
            target = fate.article if fate is not None else None
        else:
            status, target = ("current" if version.id == current.id else "unchanged"), None
        if group.article is not None and target is None:  # deleted: its own group, after today's text
            group.status, group.mapped_from = "deleted", [origin]
            folded[(1, group.sort_key, group.version_id, group.key)] = group
            continue
        kind, position = (("article", target.position) if target is not None else (group.kind, 0))
        order = order_key(current.id, kind, position)
        into = folded.get((0, order, current.id, ""))
        if into is None:
            key, label = (target.key, target.label) if target is not None else (group.key, group.anchor)
            into = folded[(0, order, current.id, "")] = Group(
                order, current.id, key, label, target.id if target is not None else None, kind, 0, [], target,
                status=status)
        elif into.status != status:
            into.status = "mixed"
        into.comment_ids = sorted(into.comment_ids + group.comment_ids)
        into.count = len(into.comment_ids)
        if status != "current":
            into.mapped_from.append({**origin, "status": status})
    return [folded[k] for k in sorted(folded)]


def carried_for(comments) -> dict:
    """article id → where it stands in its draft's current version, for the comments' articles
    (one lineage walk per draft; comments without an article are left out)."""
    out = {}
    drafts = {c.draft_id: c.draft for c in comments if c.article_id is not None}
    for draft in drafts.values():
        out.update(carried_statuses(draft))
    return out


def _load_hits(ids: list[int], terms) -> list[Hit]:
    rows = {c.id: c for c in db.session.scalars(
        select(Comment).where(Comment.id.in_(ids)).options(selectinload(Comment.contact_point),
                                                            selectinload(Comment.article)))}
    return [Hit(rows[i], highlight(rows[i].body, terms)) for i in ids if i in rows]


def search_comments(selection: Selection | str, *, draft_id=None, filters=None, page: int = 1,
                    per_group: int = 20, to_current: bool = False, top: int = 0) -> GroupedResults:
    """Staff search: every matching comment grouped by anchor in text order (`to_current`: by the article
    each anchor became in the current version, see map_to_current); with `top`, also the `top` most
    relevant comments (`results.top`, whole-word matches first, highlighted) from the same index search.

    Raises QueryError / SelectionError for malformed input, SearchUnavailable when the index cannot answer.
    """
    node, selection, terms = _prepare(as_selection(selection, draft_id, filters))
    ranked = []
    if node is None:
        total, raw = _sql_grouped(selection)
    else:
        total, raw, ranked = _index_grouped(node, selection, top)
    groups = _label_groups(raw)
    if to_current:
        groups = map_to_current(groups)
    pages = max(1, math.ceil(len(groups) / GROUPS_PER_PAGE))
    results = GroupedResults(selection, total, groups, terms, min(max(1, page), pages), pages,
                             top=_top_hits(ranked, terms, top))
    if per_group:
        shown = results.shown
        hits = {h.obj.id: h for h in _load_hits([i for g in shown for i in g.comment_ids[:per_group]], terms)}
        for group in shown:
            group.hits = [hits[i] for i in group.comment_ids[:per_group] if i in hits]
    return results


def group_comments(selection: Selection, version_id: int, key: str, *, page: int = 1,
                   per_page: int = 50, to_current: bool = False) -> tuple[Group | None, int, int]:
    """One group of a staff search (a version's article or 总体意见 …), paged: (group, page, pages)."""
    results = search_comments(selection, per_group=0, to_current=to_current)
    group = next((g for g in results.groups if g.version_id == version_id and g.key == key), None)
    if group is None:
        return None, 1, 1
    pages = max(1, math.ceil(group.count / per_page))
    page = min(max(1, page), pages)
    group.hits = _load_hits(group.comment_ids[(page - 1) * per_page:page * per_page], results.terms)
    return group, page, pages


def matching_comment_ids(selection: Selection | str, *, draft_id=None, filters=None) -> list[int]:
    """Every matching comment id in text order (empty query: all comments of the Selection).

    With a query, refuses (SearchUnavailable) unless the index is complete: an export must never be
    silently short because the index is damaged or behind.
    """
    selection = as_selection(selection, draft_id, filters)
    if selection.query:
        health = search_health()
        if not health.ready:
            raise SearchUnavailable(health.message, "q")
    results = search_comments(selection, per_group=0)
    return [i for g in results.groups for i in g.comment_ids]


def _top_hits(ranked, terms, limit: int) -> list[Hit]:
    """Hits of the backend's ranked (kind, id, score), whole-word matches first, at most `limit`."""
    if not ranked or not limit:
        return []
    rows = {c.id: c for c in db.session.scalars(select(Comment).where(Comment.id.in_([e for _, e, _ in ranked]))
                                                .options(selectinload(Comment.contact_point),
                                                         selectinload(Comment.article)))}
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
    """Citizens' ranked search over exactly what public pages show (nothing unpublished, no hidden text)."""
    node = parse_query(query)
    if node is None:
        return PublicResults(query or "", 0, [], 1, 1)
    if _has_field(node):
        raise QueryError(gettext("公众搜索不支持字段筛选，请直接输入关键词。"))
    terms = node.positive_terms()
    drafts = {d.id: d for d in db.session.scalars(select(Draft).where(Draft.published_at.is_not(None)))}
    page = max(1, page)
    try:
        total, ranked = current_backend().ranked(node, {"draft_ids": sorted(drafts)}, page * PUBLIC_PER_PAGE,
                                                 kinds=("draft", "article", "public_comment"), public_only=True)
    except IndexUnavailable:
        raise QueryError(gettext("搜索暂时不可用，请稍后再试。")) from None
    hits = _public_hits(ranked[(page - 1) * PUBLIC_PER_PAGE:], drafts, terms)
    pages = max(1, math.ceil(total / PUBLIC_PER_PAGE))
    return PublicResults(query, total, hits, min(page, pages), pages)


def _has_field(node) -> bool:
    return node.op == "field" or any(_has_field(c) for c in node.children)


def _public_hits(ranked, drafts: dict, terms) -> list[Hit]:
    ids = {"draft": [], "article": [], "public_comment": []}
    for kind, eid, _ in ranked:
        ids[kind].append(eid)
    objects = {("draft", i): drafts[i] for i in ids["draft"] if i in drafts}
    for a in db.session.scalars(select(Article).where(Article.id.in_(ids["article"]))):
        if a.version.draft_id in drafts and a.version.is_current and not a.deleted:
            objects[("article", a.id)] = a
    for c in db.session.scalars(select(Comment).where(Comment.id.in_(ids["public_comment"]))):
        if c.draft_id in drafts and c.moderation_state == "published":
            objects[("public_comment", c.id)] = c
    text_of = {"draft": lambda o: f"{o.title}\n{o.description or ''}", "article": lambda o: o.text,
               "public_comment": lambda o: public_comment_text(o.body, o.proposed_text)}
    hits = []
    for kind, eid, _ in ranked:
        obj = objects.get((kind, eid))
        if obj is None:
            continue
        text = text_of[kind](obj)
        hits.append(Hit(obj, highlight(text, terms), "comment" if kind == "public_comment" else kind,
                        is_whole_word_hit(text, terms)))
    hits.sort(key=lambda h: not h.whole_word)
    return hits
