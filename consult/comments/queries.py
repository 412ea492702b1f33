"""Reads about comments: receipt look-up and the published comments of an article."""
from __future__ import annotations

from sqlalchemy import select

from consult.comments.models import Comment
from consult.comments.privacy import mask_name
from consult.comments.rules import normalise_receipt_code
from consult.extensions import db



def comment_by_receipt(code: str | None) -> Comment | None:
    """The comment with this receipt code (case, spaces and a missing dash forgiven), or None."""
    normalised = normalise_receipt_code(code)
    if normalised is None:
        return None
    return db.session.scalar(select(Comment).where(Comment.receipt_code == normalised))


def published_comments(article) -> list[Comment]:
    """Comments on this article that staff published, in text order (paragraph, item), then oldest first."""
    return list(db.session.scalars(
        select(Comment)
        .where(Comment.article_id == article.id, Comment.moderation_state == "published")
        .order_by(Comment.paragraph_no.is_not(None), Comment.paragraph_no, Comment.item_no.is_not(None),
                  Comment.item_no, Comment.created_at, Comment.id)))


def public_name(comment: Comment) -> str:
    """The commenter as public pages show it: full only with consent (or an organisation), else 张*."""
    if comment.consent_publish_name and comment.commenter_name:
        return comment.commenter_name
    return mask_name(comment.commenter_name, comment.is_organisation or None)
