"""Who gets a feedback letter (意见反馈函) and what it lists: per contact point, per commenter who asked."""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timezone
from typing import Iterator

from flask_babel import gettext as _
from sqlalchemy import select

from consult.comments.models import Comment, ContactPoint
from consult.exports.filters import DEFAULT_STATES, ExportError, contact_point_by_code
from consult.exports.records import FeedbackLetter
from consult.exports.selection import ExportOptions, iter_rows, select_comments
from consult.exports.wording import cn_date, commenter_text, consultation_period, titled
from consult.extensions import db


def _letter(draft, addressee: str, kind: str, rows, reference: str, sender: str) -> FeedbackLetter:
    return FeedbackLetter(draft_title=titled(draft.title, draft.current_version.label), addressee=addressee,
                          kind=kind, comments=rows, period=consultation_period(draft), sender=sender,
                          date=cn_date(datetime.now(timezone.utc).replace(tzinfo=None)), reference=reference)


def contact_point_letter(draft, contact_point: ContactPoint | str, options: ExportOptions | None = None, *,
                         sender: str = "市人大常委会法制工作委员会") -> FeedbackLetter:
    """The letter to one contact point listing each of its comments on the draft with decision and reason."""
    point = contact_point_by_code(contact_point) if isinstance(contact_point, str) else contact_point
    if point is None:
        raise ExportError(_("没有编码为 %(code)s 的联系点。", code=contact_point), "contact_point")
    sel = select_comments(draft, {"contact_point": point.code}, options=options)
    rows = list(iter_rows(sel))
    if not rows:
        raise ExportError(_("%(name)s没有关于本草案的意见。", name=point.name), "contact_point")
    return _letter(draft, point.name, "contact_point", rows, point.code, sender)


def points_with_comments(draft) -> list[ContactPoint]:
    """Contact points that submitted comments on the draft, by code."""
    return list(db.session.scalars(select(ContactPoint).where(ContactPoint.id.in_(
        select(Comment.contact_point_id).where(Comment.draft_id == draft.id,
                                               Comment.moderation_state.in_(DEFAULT_STATES))))
        .order_by(ContactPoint.code)))


def contact_point_letters(draft, options: ExportOptions | None = None, **kwargs) -> Iterator[FeedbackLetter]:
    """One letter per contact point that commented, lazily."""
    for point in points_with_comments(draft):
        yield contact_point_letter(draft, point, options, **kwargs)


def _person_conditions(comment: Comment) -> list:
    if comment.commenter_contact:
        return [Comment.commenter_contact == comment.commenter_contact,
                Comment.commenter_name == comment.commenter_name]
    return [Comment.id == comment.id]


def commenter_letter(draft, receipt_code: str, options: ExportOptions | None = None, *,
                     sender: str = "市人大常委会法制工作委员会") -> FeedbackLetter:
    """The letter to the commenter behind a receipt code: all their comments (same name + contact)."""
    code = (receipt_code or "").strip().upper()
    comment = db.session.scalar(select(Comment).where(Comment.receipt_code == code,
                                                      Comment.draft_id == draft.id))
    if comment is None:
        raise ExportError(_("本草案没有回执编号为 %(code)s 的意见。", code=receipt_code), "receipt_code")
    if comment.moderation_state not in DEFAULT_STATES:
        raise ExportError(_("该意见尚未审核或未通过审核，不能生成反馈函。"), "receipt_code")
    options = options or ExportOptions()
    rows = list(iter_rows(select_comments(draft, None, options=options, extra=_person_conditions(comment))))
    addressee = commenter_text(comment.commenter_name, comment.is_organisation, comment.commenter_is_minor,
                               options.with_names)
    return _letter(draft, addressee, "commenter", rows, "、".join(r.receipt_code for r in rows), sender)


def commenter_letters(draft, options: ExportOptions | None = None, **kwargs) -> Iterator[FeedbackLetter]:
    """One letter per commenter who asked for feedback (grouped by name + contact), lazily."""
    columns = (Comment.receipt_code, Comment.commenter_name, Comment.commenter_contact)
    rows = db.session.execute(select(*columns).where(
        Comment.draft_id == draft.id, Comment.wants_feedback.is_(True),
        Comment.moderation_state.in_(DEFAULT_STATES)).order_by(Comment.id)).all()
    people: dict[tuple, str] = {}
    for code, name, contact in rows:
        key = (name, contact) if contact else (code,)
        people.setdefault(key, code)
    for code in people.values():
        yield commenter_letter(draft, code, options, **kwargs)


def letter_counts(draft) -> dict:
    """How many letters each mode would produce (for the export page)."""
    wanted = defaultdict(int)
    for name, contact, code in db.session.execute(select(
            Comment.commenter_name, Comment.commenter_contact, Comment.receipt_code).where(
            Comment.draft_id == draft.id, Comment.wants_feedback.is_(True),
            Comment.moderation_state.in_(DEFAULT_STATES))):
        wanted[(name, contact) if contact else (code,)] += 1
    return {"contact_points": len(points_with_comments(draft)), "commenters": len(wanted)}
