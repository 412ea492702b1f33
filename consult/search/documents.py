"""What goes into the index: the schema and the documents built from database rows.

Three kinds of documents share one index: comments (staff search; citizens see published ones), articles
and drafts (citizen search). No personal data is indexed. Every document carries a fingerprint of its
indexed values so that `verify` can tell a stale document from a fresh one.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload
from whoosh import columns, fields

from consult.search.analysis import BigramAnalyzer, normalize

# Group order inside a version: 总体意见, 名称, articles by position, 新增条款.
KIND_RANK = {"general": 0, "title": 1, "article": 2, "paragraph": 2, "item": 2, "new_article": 3}
ORDER_SCALE = 10_000_000
RANK_SCALE = 1_000_000
# Bump whenever the schema or the analysis changes: a live index of another version is replaced by an empty
# one of this version (search finds nothing and `verify` reports everything missing until `rebuild`).
SCHEMA_VERSION = 2


def make_schema() -> fields.Schema:
    """The index schema (pickled into the index; analyzers live in `consult.search.analysis`).

    `eid`, `order`, `blen` (body length, for ranking) and `ntext` (the normalised body, to confirm that the
    tokens of a multi-token query are consecutive) are columns only: read as arrays per segment, never
    searched, so they cost no terms. `body` keeps frequencies but no positions (cheaper to write).
    """
    return fields.Schema(
        key=fields.ID(unique=True, stored=True),
        kind=fields.ID(),
        eid=fields.COLUMN(columns.NumericColumn("q")),
        draft=fields.ID(),
        version=fields.ID(),
        article=fields.ID(),
        artno=fields.ID(),
        division=fields.KEYWORD(),
        point=fields.ID(),
        district=fields.ID(),
        channel=fields.ID(),
        category=fields.ID(),
        state=fields.ID(),
        decision=fields.ID(),
        tags=fields.KEYWORD(commas=True),
        date=fields.NUMERIC(int, bits=32),
        order=fields.COLUMN(columns.NumericColumn("q")),
        blen=fields.COLUMN(columns.NumericColumn("i")),
        public=fields.ID(),
        fp=fields.STORED(),
        body=fields.TEXT(analyzer=BigramAnalyzer(), phrase=False),
        ntext=fields.COLUMN(columns.VarBytesColumn()),
    )


@dataclass
class ArticleInfo:
    """What a comment document needs from its article, cached per rebuild or batch."""

    position: int
    number_key: str
    division_ids: str


def order_key(version_id: int, kind: str, position: int = 0) -> int:
    """Sort key of a comment group in text order (version, then general/title/articles/new)."""
    rank = KIND_RANK.get(kind, 2)
    return version_id * ORDER_SCALE + rank * RANK_SCALE + (position if rank == 2 else 0)


def article_infos(session, article_ids) -> dict[int, ArticleInfo]:
    """Position, key and division chain of the given articles."""
    from consult.drafts.models import Article, Division

    ids = {i for i in article_ids if i}
    if not ids:
        return {}
    articles = list(session.scalars(select(Article).where(Article.id.in_(ids))))
    version_ids = {a.version_id for a in articles}
    divisions = {d.id: d for d in session.scalars(select(Division).where(Division.version_id.in_(version_ids)))}
    infos = {}
    for a in articles:
        chain, division_id = [], a.division_id
        while division_id and division_id in divisions and len(chain) < 10:
            chain.append(str(division_id))
            division_id = divisions[division_id].parent_id
        infos[a.id] = ArticleInfo(a.position, a.key, " ".join(chain))
    return infos


FP_FIELDS = ("key", "kind", "eid", "draft", "version", "article", "artno", "division", "point", "district",
             "channel", "category", "state", "decision", "tags", "date", "order", "public", "body")


def _fingerprint(doc: dict) -> str:
    payload = repr(tuple(doc.get(k) for k in FP_FIELDS))
    return hashlib.md5(payload.encode("utf-8")).hexdigest()[:16]


def _finish(doc: dict) -> dict:
    doc["fp"] = _fingerprint(doc)
    body = doc.get("body") or ""
    doc["ntext"] = normalize(body).encode("utf-8")  # memoised: the body analyzer reuses it in-process
    doc["blen"] = len(body)
    return doc


def comment_document(comment, info: ArticleInfo | None) -> dict:
    """The index document of a comment (no personal data: no name, no contact)."""
    point = comment.contact_point
    return comment_fields(
        comment.id, comment.draft_id, comment.version_id, comment.article_id, comment.anchor_kind, comment.body,
        comment.reason, comment.proposed_text, comment.channel, comment.commenter_category,
        comment.moderation_state, comment.decision, comment.submitted_on, comment.created_at,
        point.code if point else None, point.district if point else None, [t.name for t in comment.tags], info)


def comment_fields(comment_id, draft_id, version_id, article_id, anchor_kind, body, reason, proposed_text, channel,
                   category, state, decision, submitted_on, created_at, point_code, district, tag_names,
                   info: ArticleInfo | None) -> dict:
    """The index document of a comment from plain values (shared by the ORM and the bulk rebuild path)."""
    day = submitted_on or (created_at.date() if created_at else None)
    if isinstance(day, str):  # raw SQLite rows in the bulk path
        day = date.fromisoformat(day[:10])
    kind = anchor_kind if anchor_kind in ("general", "title", "new_article") else (
        "article" if info is not None else "general")
    return _finish({
        "key": f"comment:{comment_id}", "kind": "comment", "eid": comment_id,
        "draft": str(draft_id), "version": str(version_id),
        "article": str(article_id or ""), "artno": info.number_key if info else "",
        "division": info.division_ids if info else "",
        "point": point_code or "", "district": district or "",
        "channel": channel or "", "category": category or "",
        "state": state or "", "decision": decision or "none",
        "tags": ",".join(sorted(tag_names)),
        "date": int(day.strftime("%Y%m%d")) if day else 0,
        "order": order_key(version_id, kind, info.position if info else 0),
        "public": "1" if state == "published" else "0",
        "body": "\n".join(part for part in (body, reason, proposed_text) if part),
    })


def article_document(article, draft) -> dict:
    """The index document of an article (public while its draft is published and it is current)."""
    version = article.version
    public = draft.is_published and version.is_current and not article.deleted
    return _finish({
        "key": f"article:{article.id}", "kind": "article", "eid": article.id,
        "draft": str(draft.id), "version": str(version.id), "article": str(article.id), "artno": article.key,
        "order": order_key(version.id, "article", article.position), "public": "1" if public else "0",
        "body": "\n".join([f"{article.label} {article.caption or ''}".strip(), *(article.paragraphs or [])]),
    })


def draft_document(draft) -> dict:
    """The index document of a draft (title and description)."""
    return _finish({
        "key": f"draft:{draft.id}", "kind": "draft", "eid": draft.id, "draft": str(draft.id),
        "public": "1" if draft.is_published else "0",
        "body": "\n".join(part for part in (draft.title, draft.description) if part),
    })


def comment_query(session):
    """Comments with what their documents need, loaded in few queries."""
    from consult.comments.models import Comment

    return select(Comment).options(selectinload(Comment.tags), selectinload(Comment.contact_point))


def load_documents(session, entity: str, ids) -> dict[int, dict]:
    """Documents of the given entity ids that still exist (missing ids were deleted)."""
    from consult.comments.models import Comment
    from consult.drafts.models import Article, Draft

    ids = sorted(set(ids))
    out: dict[int, dict] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        if entity == "comment":
            comments = list(session.scalars(comment_query(session).where(Comment.id.in_(chunk))))
            infos = article_infos(session, [c.article_id for c in comments])
            for c in comments:
                out[c.id] = comment_document(c, infos.get(c.article_id))
        elif entity == "article":
            for a in session.scalars(select(Article).where(Article.id.in_(chunk))):
                out[a.id] = article_document(a, a.version.draft)
        elif entity == "draft":
            for d in session.scalars(select(Draft).where(Draft.id.in_(chunk))):
                out[d.id] = draft_document(d)
    return out


def iter_all_documents(session, batch: int = 1000, comments: bool = True):
    """Every document the database implies, drafts and articles first, then comments by id."""
    from consult.drafts.models import Draft

    for draft in session.scalars(select(Draft)):
        yield draft_document(draft)
        for version in draft.versions:
            for article in version.articles:
                yield article_document(article, draft)
    if comments:
        yield from iter_comment_documents(session, all_article_infos(session), batch=batch)


def all_article_infos(session) -> dict[int, ArticleInfo]:
    """`ArticleInfo` of every article (what comment documents need)."""
    from consult.drafts.models import Article

    return article_infos(session, session.scalars(select(Article.id)).all())


def comment_id_ranges(session, parts: int) -> list[tuple[int, int | None]]:
    """Split the comment ids into `parts` contiguous (first, last) ranges of about equal counts."""
    from sqlalchemy import func

    from consult.comments.models import Comment

    total = session.scalar(select(func.count()).select_from(Comment)) or 0
    if not total:
        return []
    bounds = [session.scalar(select(Comment.id).order_by(Comment.id).offset(total * i // parts).limit(1))
              for i in range(parts)]
    bounds = sorted(set(bounds))
    # the last range is open: comments committed meanwhile are written too (their outbox rows re-index them)
    return [(lo, (bounds[i + 1] - 1) if i + 1 < len(bounds) else None) for i, lo in enumerate(bounds)]


def iter_comment_documents(session, infos: dict, first: int = 0, last: int | None = None, batch: int = 1000):
    """Comment documents with first ≤ id ≤ last (all by default), straight from SQL rows."""
    yield from _bulk_comment_documents(session, infos, batch, first, last)


def _bulk_comment_documents(session, infos: dict, batch: int, first: int = 0, last_id: int | None = None):
    """Comment documents straight from SQL rows (no ORM objects): the rebuild's hot path."""
    from consult.comments.models import Comment, ContactPoint, Tag, comment_tags

    columns = (Comment.id, Comment.draft_id, Comment.version_id, Comment.article_id, Comment.anchor_kind,
               Comment.body, Comment.reason, Comment.proposed_text, Comment.channel, Comment.commenter_category,
               Comment.moderation_state, Comment.decision, Comment.submitted_on, Comment.created_at,
               ContactPoint.code, ContactPoint.district)
    last = first - 1
    while True:
        stmt = (select(*columns).outerjoin(ContactPoint, ContactPoint.id == Comment.contact_point_id)
                .where(Comment.id > last).order_by(Comment.id).limit(batch))
        if last_id is not None:
            stmt = stmt.where(Comment.id <= last_id)
        rows = session.execute(stmt).all()
        if not rows:
            return
        tags: dict[int, list[str]] = {}
        for comment_id, name in session.execute(
                select(comment_tags.c.comment_id, Tag.name).join(Tag, Tag.id == comment_tags.c.tag_id)
                .where(comment_tags.c.comment_id.between(rows[0][0], rows[-1][0]))):
            tags.setdefault(comment_id, []).append(name)
        for row in rows:
            yield comment_fields(*row, tags.get(row[0], []), infos.get(row[3]))
        last = rows[-1][0]


def count_all_documents(session) -> int:
    """How many documents a rebuild will write."""
    from sqlalchemy import func

    from consult.comments.models import Comment
    from consult.drafts.models import Article, Draft

    return sum(session.scalar(select(func.count()).select_from(model)) or 0 for model in (Draft, Article, Comment))
