"""Who gets a feedback letter (意见反馈函) and what it lists: per contact point, per commenter who asked.

A letter is only fit to send once every comment it lists is decided. Until then it is refused with the
number of undecided comments, unless staff explicitly ask for a draft letter (征求意见稿), which says so
in its title and prints 尚未答复 for the open comments (`decision_public`, never an internal word).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Iterator

from flask_babel import gettext as _
from sqlalchemy import func, select

from consult.comments.models import Comment
from consult.contact_points.models import ContactPoint
from consult.exports.errors import ExportError
from consult.exports.records import DRAFT_MARK, FeedbackLetter
from consult.exports.selection import DEFAULT_STATES, ExportOptions, iter_rows, select_comments
from consult.exports.wording import addressee_text, cn_date, consultation_period, titled
from consult.extensions import db


@dataclass(frozen=True)
class Letterhead:
    """How letters are signed: the issuing body (config ISSUING_BODY), the 文号, draft or final."""

    issuing_body: str = "市人大常委会法制工作委员会"
    doc_number: str = ""  # "{n}" is replaced by the letter's number in a batch
    as_draft: bool = False  # 征求意见稿: allowed while comments are undecided


def contact_point_by_code(code: str) -> ContactPoint | None:
    """The contact point with this code, if any."""
    return db.session.scalar(select(ContactPoint).where(ContactPoint.code == code))


def _letter(draft, addressee: str, kind: str, rows, reference: str, head: Letterhead, number: int = 1
            ) -> FeedbackLetter:
    return FeedbackLetter(draft_title=titled(draft.title, draft.current_version.label), addressee=addressee,
                          kind=kind, comments=rows, period=consultation_period(draft),
                          sender=head.issuing_body,
                          date=cn_date(datetime.now(timezone.utc).replace(tzinfo=None)), reference=reference,
                          doc_number=head.doc_number.replace("{n}", str(number)), is_draft=head.as_draft)


def _received(draft) -> list:
    return [Comment.draft_id == draft.id, Comment.moderation_state.in_(DEFAULT_STATES)]


def _undecided(draft, *conditions) -> int:
    return db.session.scalar(select(func.count(Comment.id)).where(
        *_received(draft), Comment.decision.is_(None), *conditions)) or 0


def _refuse_undecided(count: int, whom: str) -> None:
    raise ExportError(_("%(whom)s还有 %(count)s 条意见尚未作出采纳决定，不能生成正式反馈函。请先作出决定，"
                        "或勾选“生成%(mark)s”先发送%(mark)s。", whom=whom, count=count, mark=DRAFT_MARK),
                      "as_draft")


def contact_point_letter(draft, contact_point: ContactPoint | str, options: ExportOptions | None = None, *,
                         head: Letterhead = Letterhead(), number: int = 1) -> FeedbackLetter:
    """The letter to one contact point listing each of its comments on the draft with decision and reason."""
    point = contact_point_by_code(contact_point) if isinstance(contact_point, str) else contact_point
    if point is None:
        raise ExportError(_("没有编码为 %(code)s 的联系点。", code=contact_point), "contact_point")
    if not head.as_draft and (open_ := _undecided(draft, Comment.contact_point_id == point.id)):
        _refuse_undecided(open_, point.name)
    rows = list(iter_rows(select_comments(draft, {"contact_point": point.code}, options=options)))
    if not rows:
        raise ExportError(_("%(name)s没有关于本草案的意见。", name=point.name), "contact_point")
    return _letter(draft, point.name, "contact_point", rows, point.code, head, number)


def points_with_comments(draft) -> list[ContactPoint]:
    """Contact points that submitted comments on the draft, by code."""
    return list(db.session.scalars(select(ContactPoint).where(ContactPoint.id.in_(
        select(Comment.contact_point_id).where(*_received(draft)))).order_by(ContactPoint.code)))


def contact_point_letters(draft, options: ExportOptions | None = None, *, head: Letterhead = Letterhead()
                          ) -> Iterator[FeedbackLetter]:
    """One letter per contact point that commented, lazily (refused first if any comment is undecided)."""
    if not head.as_draft:
        check_ready(draft, all_contact_points=True)
    for number, point in enumerate(points_with_comments(draft), start=1):
        yield contact_point_letter(draft, point, options, head=head, number=number)


def _person_conditions(comment: Comment) -> list:
    if comment.commenter_contact:
        return [Comment.commenter_contact == comment.commenter_contact,
                Comment.commenter_name == comment.commenter_name]
    return [Comment.id == comment.id]


def _comment_by_receipt(draft, receipt_code: str) -> Comment:
    code = (receipt_code or "").strip().upper()
    comment = db.session.scalar(select(Comment).where(Comment.receipt_code == code,
                                                      Comment.draft_id == draft.id))
    if comment is None:
        raise ExportError(_("本草案没有回执编号为 %(code)s 的意见。", code=receipt_code), "receipt_code")
    if comment.moderation_state not in DEFAULT_STATES:
        raise ExportError(_("该意见尚未审核或未通过审核，不能生成反馈函。"), "receipt_code")
    return comment


def commenter_letter(draft, receipt_code: str, options: ExportOptions | None = None, *,
                     head: Letterhead = Letterhead(), number: int = 1) -> FeedbackLetter:
    """The letter to the commenter behind a receipt code: all their comments (same name + contact).

    It is their own letter: they are addressed by the name they gave, and their name is not masked.
    """
    comment = _comment_by_receipt(draft, receipt_code)
    person = _person_conditions(comment)
    if not head.as_draft and (open_ := _undecided(draft, *person)):
        _refuse_undecided(open_, _("该提出人"))
    options = replace(options or ExportOptions(), with_names=True)
    rows = list(iter_rows(select_comments(draft, None, options=options, extra=person)))
    addressee = addressee_text(comment.commenter_name, comment.commenter_is_minor)
    return _letter(draft, addressee, "commenter", rows, "、".join(r.receipt_code for r in rows), head, number)


def _people(draft) -> dict[tuple, str]:
    """Commenters who asked for feedback, grouped by name + contact → one of their receipt codes."""
    columns = (Comment.receipt_code, Comment.commenter_name, Comment.commenter_contact)
    rows = db.session.execute(select(*columns).where(*_received(draft), Comment.wants_feedback.is_(True))
                              .order_by(Comment.id))
    people: dict[tuple, str] = {}
    for code, name, contact in rows:
        people.setdefault((name, contact) if contact else (code,), code)
    return people


def commenter_letters(draft, options: ExportOptions | None = None, *, head: Letterhead = Letterhead()
                      ) -> Iterator[FeedbackLetter]:
    """One letter per commenter who asked for feedback (grouped by name + contact), lazily."""
    if not head.as_draft:
        check_ready(draft, all_commenters=True)
    for number, code in enumerate(_people(draft).values(), start=1):
        yield commenter_letter(draft, code, options, head=head, number=number)


def check_ready(draft, *, contact_point: str | None = None, receipt_code: str | None = None,
                all_contact_points: bool = False, all_commenters: bool = False) -> None:
    """Refuse (ExportError with the count) when the letters would list undecided comments."""
    if contact_point:
        point = contact_point_by_code(contact_point)
        if point is None:
            raise ExportError(_("没有编码为 %(code)s 的联系点。", code=contact_point), "contact_point")
        if count := _undecided(draft, Comment.contact_point_id == point.id):
            _refuse_undecided(count, point.name)
    elif receipt_code:
        if count := _undecided(draft, *_person_conditions(_comment_by_receipt(draft, receipt_code))):
            _refuse_undecided(count, _("该提出人"))
    elif all_contact_points:
        if count := _undecided(draft, Comment.contact_point_id.is_not(None)):
            _refuse_undecided(count, _("各联系点"))
    elif all_commenters:
        count = 0
        for code in _people(draft).values():
            count += _undecided(draft, *_person_conditions(_comment_by_receipt(draft, code)))
        if count:
            _refuse_undecided(count, _("希望得到反馈的提出人"))


def letter_counts(draft) -> dict:
    """How many letters each mode would produce (for the export page)."""
    wanted = defaultdict(int)
    for name, contact, code in db.session.execute(select(
            Comment.commenter_name, Comment.commenter_contact, Comment.receipt_code).where(
            *_received(draft), Comment.wants_feedback.is_(True))):
        wanted[(name, contact) if contact else (code,)] += 1
    return {"contact_points": len(points_with_comments(draft)), "commenters": len(wanted),
            "undecided": _undecided(draft)}
