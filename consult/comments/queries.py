"""Reads about comments: receipt look-up and the published comments of an article."""
from __future__ import annotations

import hmac

from sqlalchemy import func, select

from consult.comments.models import Comment
from consult.comments.privacy import mask_name, scrub_personal_data
from consult.comments.rules import normalise_receipt_code
from consult.extensions import db



def comment_by_receipt(code: str | None) -> Comment | None:
    """The comment with this receipt code (case, spaces and a missing dash forgiven), or None.

    The code is the only secret between a commenter and their comment (see `rules.RECEIPT_ALPHABET` for
    the size of the code space); the row is found through the unique index and the code is then compared
    in constant time, so the answer's timing does not tell how much of a guess was right. The pages that
    call this are rate-limited per address (RECEIPT_RATE_LIMIT).
    """
    normalised = normalise_receipt_code(code)
    if normalised is None:
        return None
    comment = db.session.scalar(select(Comment).where(Comment.receipt_code == normalised))
    if comment is None or not hmac.compare_digest(comment.receipt_code.encode(), normalised.encode()):
        return None
    return comment


def published_comments(article) -> list[Comment]:
    """Comments on this article that staff published, in text order (paragraph, item), then oldest first."""
    return list(db.session.scalars(
        select(Comment)
        .where(Comment.article_id == article.id, Comment.moderation_state == "published")
        .order_by(Comment.paragraph_no.is_not(None), Comment.paragraph_no, Comment.item_no.is_not(None),
                  Comment.item_no, Comment.created_at, Comment.id)))


def article_comment_counts(draft) -> dict[int, int]:
    """Comments per article id of a draft (published and recorded ones), for the public draft pages."""
    rows = db.session.execute(
        select(Comment.article_id, func.count(Comment.id))
        .where(Comment.draft_id == draft.id, Comment.article_id.is_not(None),
               Comment.moderation_state.in_(("published", "internal")))
        .group_by(Comment.article_id))
    return {article_id: n for article_id, n in rows}


def public_name(comment: Comment) -> str:
    """The commenter as public pages show it: full only with consent (or an organisation), else 张*."""
    if comment.consent_publish_name and comment.commenter_name:
        return scrub_personal_data(comment.commenter_name)  # consent covers the name, not a phone typed in it
    return mask_name(comment.commenter_name, comment.is_organisation or None)

def point_draft_counts(point_ids) -> dict[tuple[int, int], int]:
    """Number of comments per (contact point id, draft id), for these contact points."""
    ids = list(point_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(Comment.contact_point_id, Comment.draft_id, func.count(Comment.id))
        .where(Comment.contact_point_id.in_(ids)).group_by(Comment.contact_point_id, Comment.draft_id))
    return {(point_id, draft_id): n for point_id, draft_id, n in rows}


def meeting_comments(meeting) -> list[Comment]:
    """The comments recorded at a meeting, newest first."""
    return list(db.session.scalars(
        select(Comment).where(Comment.meeting_id == meeting.id).order_by(Comment.id.desc())))


def point_comments_page(contact_point, draft, page: int = 1, per_page: int = 100):
    """One page (in SQL) of the comments a contact point submitted on a draft, in the order entered."""
    query = (select(Comment).where(Comment.contact_point_id == contact_point.id, Comment.draft_id == draft.id)
             .order_by(Comment.id))
    return db.paginate(query, page=page, per_page=per_page, max_per_page=per_page, error_out=False)
