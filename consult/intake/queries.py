"""Reads for the intake pages: a facilitator's contact points, their meetings, drafts and comments."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from consult.accounts.permissions import is_staff
from consult.comments.anchors import comment_anchor_label
from consult.comments.models import Comment, ContactPoint, Meeting
from consult.drafts.models import Draft
from consult.extensions import db
from consult.lawtext import split_items

MEETING_KIND_LABELS = {
    "symposium": _l("座谈会"), "residents_meeting": _l("民情沟通会"), "discussion": _l("恳谈会"),
    "visit": _l("走访"), "online": _l("线上"), "other": _l("其他"),
}


def contact_points_for(user) -> list[ContactPoint]:
    """The contact points this user records comments for (staff: every active point)."""
    if is_staff(user):
        return list(db.session.scalars(
            select(ContactPoint).where(ContactPoint.active.is_(True)).order_by(ContactPoint.code)))
    return [cp for cp in user.contact_points if cp.active]


def intake_drafts() -> list[Draft]:
    """Published drafts, open ones first then the most recent."""
    drafts = list(db.session.scalars(
        select(Draft).where(Draft.published_at.is_not(None)).order_by(Draft.published_at.desc())))
    return sorted(drafts, key=lambda d: not d.is_open())


def meetings_for(points) -> list[Meeting]:
    """Meetings of these contact points, newest first."""
    ids = [cp.id for cp in points]
    if not ids:
        return []
    return list(db.session.scalars(
        select(Meeting).where(Meeting.contact_point_id.in_(ids))
        .order_by(Meeting.held_on.desc(), Meeting.id.desc())))


def meeting_comment_counts(meetings) -> dict[int, int]:
    """Number of comments recorded per meeting id."""
    ids = [m.id for m in meetings]
    if not ids:
        return {}
    rows = db.session.execute(select(Comment.meeting_id, func.count(Comment.id))
                              .where(Comment.meeting_id.in_(ids)).group_by(Comment.meeting_id))
    return dict(rows.all())


def point_draft_counts(points) -> dict[tuple[int, int], int]:
    """Number of comments per (contact point id, draft id)."""
    ids = [cp.id for cp in points]
    if not ids:
        return {}
    rows = db.session.execute(
        select(Comment.contact_point_id, Comment.draft_id, func.count(Comment.id))
        .where(Comment.contact_point_id.in_(ids)).group_by(Comment.contact_point_id, Comment.draft_id))
    return {(cp_id, draft_id): n for cp_id, draft_id, n in rows}


def meeting_comments(meeting: Meeting) -> list[Comment]:
    """The comments recorded at a meeting, newest first."""
    return list(db.session.scalars(
        select(Comment).where(Comment.meeting_id == meeting.id).order_by(Comment.id.desc())))


def point_comments(contact_point: ContactPoint, draft: Draft) -> list[Comment]:
    """Every comment a contact point submitted on a draft, in the order they were entered."""
    return list(db.session.scalars(
        select(Comment).where(Comment.contact_point_id == contact_point.id, Comment.draft_id == draft.id)
        .order_by(Comment.id)))


def anchor_label(comment: Comment) -> str:
    """How the comment's place in the text is cited: 第十二条第二款第（三）项, 总体意见 …"""
    return comment_anchor_label(comment) or _("（条文已不存在）")


def anchor_input(comment: Comment) -> str:
    """What a facilitator would type to point at the comment's anchor again (12.2.3, 总体 …)."""
    if comment.anchor_kind in ("general", "title", "new_article"):
        return {"general": "总体", "title": "名称", "new_article": "新增"}[comment.anchor_kind]
    article = comment.article
    if article is None:
        return ""
    text = article.key
    if comment.paragraph_no:
        text += f".{comment.paragraph_no}"
        if comment.item_no:
            text += f".{comment.item_no}"
    return text


def anchor_text(comment: Comment) -> str:
    """The text of the article, paragraph or item a comment is about ("" for the whole draft or a new article)."""
    article = comment.article
    if comment.anchor_kind == "title":
        return comment.version.title if comment.version else ""
    if article is None or comment.anchor_kind in ("general", "new_article"):
        return ""
    paragraphs = article.paragraphs or []
    if not comment.paragraph_no or comment.paragraph_no > len(paragraphs):
        return article.text
    paragraph = paragraphs[comment.paragraph_no - 1]
    if not comment.item_no:
        return paragraph
    _lead, items = split_items(paragraph)
    return items[comment.item_no - 1] if comment.item_no <= len(items) else paragraph
