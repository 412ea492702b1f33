"""Comments carried across readings on the workbench (issue 10 §3).

Every comment keeps the version and article it was made on; the workbench shows it under the article it
now concerns in the current version, found through the draft's article lineage
(`consult.drafts.lineage_services.carried_statuses`, computed once per page for the whole draft). Comments
whose article was deleted gather under the pseudo-anchor "deleted" (已删除条文的意见).
"""
from __future__ import annotations

from sqlalchemy import select

from consult.drafts.lineage_services import CarriedArticle, carried_statuses
from consult.drafts.models import Article, ArticleLink, Draft
from consult.extensions import db

DELETED_ANCHOR = "deleted"  # the workbench key of "comments whose article no longer exists"

__all__ = ["DELETED_ANCHOR", "carried_statuses", "carried_into", "deleted_article_ids", "workbench_place",
           "remap_counts"]


def carried_into(draft: Draft, article: Article, statuses: dict[int, CarriedArticle] | None = None) -> list[int]:
    """Ids of earlier versions' articles whose comments now concern `article` (of the current version):
    what the lineage carries to it, and for a split every part the last step links it to."""
    statuses = carried_statuses(draft) if statuses is None else statuses
    ids = {aid for aid, fate in statuses.items()
           if fate.article is not None and fate.article.id == article.id and aid != article.id}
    ids |= set(db.session.scalars(
        select(ArticleLink.old_article_id).where(ArticleLink.new_article_id == article.id)))
    return sorted(ids)


def deleted_article_ids(draft: Draft, statuses: dict[int, CarriedArticle] | None = None) -> list[int]:
    """Ids of the articles (of earlier versions) that no article of the current version continues."""
    statuses = carried_statuses(draft) if statuses is None else statuses
    return sorted(aid for aid, fate in statuses.items() if fate.status == "deleted")


def workbench_place(comment, statuses: dict[int, CarriedArticle] | None = None
                    ) -> tuple[Article | None, str | None, list[int]]:
    """Where a comment shows on the workbench: (current article or None, anchor kind, carried article ids).

    A comment on an article of the current version shows on it; one on an earlier version's article on the
    article it became; one whose article was deleted under DELETED_ANCHOR; others under their anchor kind.
    """
    article = comment.article
    if article is None:
        return None, comment.anchor_kind, []
    draft = comment.draft
    current = draft.current_version
    if current is None or article.version_id == current.id:
        return article, None, carried_into(draft, article, statuses)
    statuses = carried_statuses(draft) if statuses is None else statuses
    fate = statuses.get(article.id)
    if fate is not None and fate.article is not None:
        return fate.article, None, carried_into(draft, fate.article, statuses)
    return None, DELETED_ANCHOR, deleted_article_ids(draft, statuses)


def remap_counts(draft: Draft, counts: dict, statuses: dict[int, CarriedArticle] | None = None) -> dict:
    """Per-article comment counts with earlier versions' articles counted on the article they became
    (deleted ones under DELETED_ANCHOR); non-article anchors stay as they are."""
    statuses = carried_statuses(draft) if statuses is None else statuses
    current = draft.current_version
    current_ids = {a.id for a in current.articles} if current is not None else set()
    out: dict = {}
    for key, count in counts.items():
        if isinstance(key, int) and key not in current_ids:
            fate = statuses.get(key)
            key = fate.article.id if fate is not None and fate.article is not None else DELETED_ANCHOR
        out[key] = out.get(key, 0) + count
    return out
