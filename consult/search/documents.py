"""What goes into the index: documents built from database rows (backend-neutral dicts).

Four kinds of documents share one index:
* `comment` (staff search): the full text — body, the commenter's reason and proposed wording;
* `public_comment` (citizens' search), only while the comment is published: exactly the text the public
  article page shows — body and proposed wording with typed phone/ID/e-mail masked, no reason, no name
  (so a search can never confirm a guess about something the page hides);
* `article` and `draft` (citizens' search).
No contact data is indexed. Every document carries a fingerprint of its indexed values so that `verify`
can tell a stale document from a fresh one.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from consult.comments.privacy import scrub_personal_data
from consult.search.analysis import normalize

# Group order inside a version: 总体意见, 名称, articles by position, 新增条款.
KIND_RANK = {"general": 0, "title": 1, "article": 2, "paragraph": 2, "item": 2, "new_article": 3}
ORDER_SCALE = 10_000_000
RANK_SCALE = 1_000_000  # group sort keys are private to the search package: URLs name version + anchor key


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


def decode_order(order: int) -> tuple[int, str, int]:
    """(version id, anchor kind general/title/article/new_article, article position) of a group sort key."""
    version_id, rest = divmod(order, ORDER_SCALE)
    rank, position = divmod(rest, RANK_SCALE)
    kind = {0: "general", 1: "title", 2: "article", 3: "new_article"}.get(rank, "article")
    return version_id, kind, position


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


def comment_documents(comment, info: ArticleInfo | None) -> list[dict]:
    """The index documents of a comment: the staff one, and the citizens' one while it is published."""
    point = comment.contact_point
    return comment_fields(
        comment.id, comment.draft_id, comment.version_id, comment.article_id, comment.anchor_kind, comment.body,
        comment.reason, comment.proposed_text, comment.channel, comment.commenter_category,
        comment.moderation_state, comment.decision, comment.submitted_on, comment.created_at,
        point.code if point else None, point.district if point else None, [t.name for t in comment.tags], info)


def comment_fields(comment_id, draft_id, version_id, article_id, anchor_kind, body, reason, proposed_text, channel,
                   category, state, decision, submitted_on, created_at, point_code, district, tag_names,
                   info: ArticleInfo | None) -> list[dict]:
    """The index documents of a comment from plain values (shared by the ORM and the bulk rebuild path)."""
    day = submitted_on or (created_at.date() if created_at else None)
    if isinstance(day, str):  # raw SQLite rows in the bulk path
        day = date.fromisoformat(day[:10])
    kind = anchor_kind if anchor_kind in ("general", "title", "new_article") else (
        "article" if info is not None else "general")
    place = {"draft": str(draft_id), "version": str(version_id), "article": str(article_id or ""),
             "artno": info.number_key if info else "",
             "order": order_key(version_id, kind, info.position if info else 0)}
    docs = [_finish({
        "key": f"comment:{comment_id}", "kind": "comment", "eid": comment_id, **place,
        "division": info.division_ids if info else "",
        "point": point_code or "", "district": district or "",
        "channel": channel or "", "category": category or "",
        "state": state or "", "decision": decision or "none",
        "tags": ",".join(sorted(tag_names)),
        "date": int(day.strftime("%Y%m%d")) if day else 0,
        "public": "0",
        "body": "\n".join(part for part in (body, reason, proposed_text) if part),
    })]
    if state == "published":
        docs.append(_finish({
            "key": f"public_comment:{comment_id}", "kind": "public_comment", "eid": comment_id, **place,
            "public": "1", "body": public_comment_text(body, proposed_text),
        }))
    return docs


def public_comment_text(body: str | None, proposed_text: str | None) -> str:
    """What the public article page shows of a comment's text (templates/comments/_article_comments.html)."""
    return "\n".join(scrub_personal_data(part) for part in (body, proposed_text) if part)


def document_keys(entity: str, entity_id: int) -> list[str]:
    """Every key an entity's documents may have (what to delete when the entity or its public face goes)."""
    if entity == "comment":
        return [f"comment:{entity_id}", f"public_comment:{entity_id}"]
    return [f"{entity}:{entity_id}"]


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


def load_documents(session, entity: str, ids) -> list[dict]:
    """Documents of the given entity ids that still exist (keys absent from the result are to be deleted)."""
    from consult.comments.models import Comment
    from consult.drafts.models import Article, Draft

    ids = sorted(set(ids))
    out: list[dict] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        if entity == "comment":
            comments = list(session.scalars(select(Comment).where(Comment.id.in_(chunk)).options(
                selectinload(Comment.tags), selectinload(Comment.contact_point))))
            infos = article_infos(session, [c.article_id for c in comments])
            for c in comments:
                out.extend(comment_documents(c, infos.get(c.article_id)))
        elif entity == "article":
            for a in session.scalars(select(Article).where(Article.id.in_(chunk))):
                out.append(article_document(a, a.version.draft))
        elif entity == "draft":
            for d in session.scalars(select(Draft).where(Draft.id.in_(chunk))):
                out.append(draft_document(d))
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
    from consult.comments.models import Comment, Tag, comment_tags
    from consult.contact_points.models import ContactPoint

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
            yield from comment_fields(*row, tags.get(row[0], []), infos.get(row[3]))
        last = rows[-1][0]


def count_all_documents(session) -> int:
    """How many documents a rebuild will write."""
    from sqlalchemy import func

    from consult.comments.models import Comment
    from consult.drafts.models import Article, Draft

    published = select(func.count()).select_from(Comment).where(Comment.moderation_state == "published")
    return (sum(session.scalar(select(func.count()).select_from(model)) or 0 for model in (Draft, Article, Comment))
            + (session.scalar(published) or 0))
