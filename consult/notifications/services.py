"""Plan and send a release's notifications. Planning and the opt-out flush, never commit; `send_due` and
the job commit per message (a message sent is recorded before the next one goes).

At most once: a message row is claimed (pending → sending) in its own committed UPDATE before the SMTP
conversation, and marked sent right after. A failure puts it back to pending with `next_attempt_at`
(NOTIFY_RETRY_SECONDS × 2^(attempts−1)), and to failed after NOTIFY_MAX_ATTEMPTS. A row left "sending"
by a killed process is reported failed, not resent (it may have gone out).
"""
from __future__ import annotations

import io
import logging
import re
from collections import defaultdict
from datetime import timedelta

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import select, update

from consult import mail
from consult.accounts.models import User
from consult.comments.anchors import comment_anchor_label
from consult.comments.models import Comment
from consult.comments.privacy import mask_contact, scrub_personal_data
from consult.comments.vocabulary import decision_public
from consult.contact_points.models import ContactPoint
from consult.database import utcnow
from consult.drafts.models import Draft
from consult.errors import UserError
from consult.extensions import db
from consult.notifications.models import MailOptOut, Notification, NotificationBatch
from consult.notifications.tokens import address_digest, unsubscribe_digest, unsubscribe_token
from consult.report.models import ReleasedDecision

log = logging.getLogger(__name__)
EMAIL_RE = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
STALE_SENDING = timedelta(minutes=30)


def is_email(value: str | None) -> bool:
    """True for something shaped like an e-mail address (commenter_contact may be a phone number)."""
    return bool(EMAIL_RE.match((value or "").strip()))


def add_batch(draft: Draft, revision: int, changed_since: int) -> NotificationBatch:
    """Record that this release's notifications are to be sent (the release's transaction commits it)."""
    batch = db.session.scalar(select(NotificationBatch).where(NotificationBatch.draft_id == draft.id,
                                                              NotificationBatch.revision == revision))
    if batch is None:
        batch = NotificationBatch(draft_id=draft.id, revision=revision, changed_since=changed_since)
        db.session.add(batch)
        db.session.flush()
    return batch


def plan(batch: NotificationBatch) -> int:
    """Add one pending message per recipient of the batch (existing keys are kept); the number added."""
    rows = db.session.execute(
        select(Comment.id, Comment.commenter_contact, Comment.wants_feedback, Comment.contact_point_id,
               Comment.owner_id)
        .join(ReleasedDecision, ReleasedDecision.comment_id == Comment.id)
        .where(ReleasedDecision.draft_id == batch.draft_id, ReleasedDecision.changed_in > batch.changed_since)
        .order_by(Comment.id)).all()
    owners = {user.id: user for user in db.session.scalars(select(User).where(
        User.id.in_({row.owner_id for row in rows if row.owner_id}), User.email_verified_at.is_not(None)))}
    by_address: dict[str, list[int]] = defaultdict(list)
    points: set[int] = set()
    for row in rows:
        addresses = set()
        if row.wants_feedback and is_email(row.commenter_contact):
            addresses.add(row.commenter_contact.strip().lower())
        owner = owners.get(row.owner_id)
        if owner is not None and is_email(owner.email):
            addresses.add(owner.email.strip().lower())
        for address in addresses:
            by_address[address].append(row.id)
        if row.contact_point_id:
            points.add(row.contact_point_id)
    # Keys name addresses by their keyed digest: the unique index holds no address.
    wanted = {f"{batch.draft_id}:{batch.revision}:commenter:{address_digest(address)}":
              ("commenter", address, None, ids) for address, ids in by_address.items()}
    for point in db.session.scalars(select(ContactPoint).where(ContactPoint.id.in_(points))):
        for facilitator in point.facilitators:
            if facilitator.active and is_email(facilitator.email):
                address = facilitator.email.strip().lower()
                wanted[f"{batch.draft_id}:{batch.revision}:point{point.id}:{address_digest(address)}"] = (
                    "facilitator", address, point.id, [])
    existing = set(db.session.scalars(select(Notification.key).where(Notification.batch_id == batch.id)))
    added = 0
    for key, (kind, address, point_id, ids) in wanted.items():
        if key in existing:
            continue
        db.session.add(Notification(batch_id=batch.id, key=key, kind=kind, recipient=address,
                                    contact_point_id=point_id, comment_ids=ids, status="pending"))
        added += 1
    batch.status, batch.planned_at = "planned", utcnow()
    db.session.flush()
    return added


def opted_out(address: str) -> bool:
    """True when this address unsubscribed."""
    return digest_opted_out(address_digest(address))


def digest_opted_out(digest: str) -> bool:
    return db.session.get(MailOptOut, digest) is not None


def unsubscribe(token: str) -> str:
    """Record the opt-out of the token's address (again is fine); its digest. UserError for a bad token."""
    digest = unsubscribe_digest(token)
    if digest is None:
        raise UserError(_("退订链接无效：请使用邮件中的完整链接。"))
    if db.session.get(MailOptOut, digest) is None:
        db.session.add(MailOptOut(email_hash=digest))
        db.session.flush()
    return digest


def _delay(attempts: int) -> timedelta:
    base = int(current_app.config.get("NOTIFY_RETRY_SECONDS") or 60)
    return timedelta(seconds=base * 2 ** max(0, attempts - 1))


def _base_url() -> str:
    return (current_app.config.get("PUBLIC_BASE_URL") or "http://localhost").rstrip("/")


def is_due(now):
    """The condition of a pending message whose time has come (first attempt, or its retry is due)."""
    return (Notification.status == "pending") & (
        Notification.next_attempt_at.is_(None) | (Notification.next_attempt_at <= now))


def send_due(now=None) -> dict:
    """Send every pending message whose time has come; counts by outcome. Commits per message."""
    now = now or utcnow()
    counts = {"sent": 0, "failed": 0, "retry": 0, "skipped": 0}
    if not mail.enabled():
        log.info("mail disabled (MAIL_SERVER empty): notifications stay pending")
        return counts
    stale = now - STALE_SENDING
    db.session.execute(update(Notification).where(Notification.status == "sending",
                                                  Notification.next_attempt_at < stale)
                       .values(status="failed", last_error="interrupted while sending (not resent)"))
    db.session.commit()
    ids = list(db.session.scalars(select(Notification.id).where(is_due(now)).order_by(Notification.id)))
    with current_app.test_request_context(base_url=_base_url()):
        for notification_id in ids:
            counts[_send_one(notification_id, now)] += 1
    return counts


def _send_one(notification_id: int, now) -> str:
    claimed = db.session.execute(update(Notification).where(
        Notification.id == notification_id, Notification.status == "pending")
        .values(status="sending", next_attempt_at=now, attempts=Notification.attempts + 1))
    db.session.commit()
    if claimed.rowcount != 1:  # another sender took it
        return "skipped"
    notification = db.session.get(Notification, notification_id)
    db.session.refresh(notification)
    if opted_out(notification.recipient):
        notification.status, notification.last_error = "skipped", "unsubscribed"
        notification.recipient = mask_contact(notification.recipient)
        db.session.commit()
        return "skipped"
    try:
        message = build(notification)
        delivered = mail.send(message)
        if not delivered:
            raise mail.MailError("mail disabled (MAIL_SERVER empty)")
    except mail.MailError as error:
        notification.last_error = str(error)[:500]
        if notification.attempts >= int(current_app.config.get("NOTIFY_MAX_ATTEMPTS") or 6):
            log.warning("notification %s to %s failed for good: %s", notification.id, notification.recipient, error)
            notification.status, notification.recipient = "failed", mask_contact(notification.recipient)
            outcome = "failed"
        else:
            notification.status, notification.next_attempt_at = "pending", now + _delay(notification.attempts)
            outcome = "retry"
        db.session.commit()
        log.warning("notification %s to %s: %s", notification.id, notification.recipient, error)
        return outcome
    except Exception as error:  # noqa: BLE001 - a broken message is failed with its reason, not retried
        db.session.rollback()
        notification = db.session.get(Notification, notification_id)
        notification.status, notification.last_error = "failed", f"{type(error).__name__}: {error}"[:500]
        db.session.commit()
        log.exception("notification %s could not be built", notification_id)
        return "failed"
    notification.status, notification.sent_at, notification.last_error = "sent", utcnow(), ""
    notification.recipient = mask_contact(notification.recipient)  # kept no longer than needed (PIPL 第十九条)
    db.session.commit()
    return "sent"


def _unsubscribe_url(address: str) -> str:
    return url_for("notifications.unsubscribe", token=unsubscribe_token(address), _external=True)


def build(notification: Notification):
    """The e-mail of one notification (commenter: their decisions; facilitator: the point's letter)."""
    batch = db.session.get(NotificationBatch, notification.batch_id)
    draft = db.session.get(Draft, batch.draft_id)
    unsubscribe = _unsubscribe_url(notification.recipient)
    report = url_for("report.show", draft_id=draft.id, _external=True)
    headers = {"List-Unsubscribe": f"<{unsubscribe}>"}
    if notification.kind == "facilitator":
        return _facilitator_message(notification, draft, report, unsubscribe, headers)
    released = {row.comment_id: row for row in db.session.scalars(select(ReleasedDecision).where(
        ReleasedDecision.comment_id.in_(notification.comment_ids or [])))}
    comments = db.session.scalars(select(Comment).where(Comment.id.in_(list(released))).order_by(Comment.id))
    lines = [_("您好："), "",
             _("您对《%(title)s》提出的意见，处理情况已经公布，现告知如下：", title=draft.title), ""]
    for number, comment in enumerate(comments, start=1):
        decision = released[comment.id]
        excerpt = scrub_personal_data(comment.body)
        excerpt = excerpt if len(excerpt) <= 120 else excerpt[:120] + "…"
        lines.append(f"{number}. {comment_anchor_label(comment)}（{_('回执编号')} {comment.receipt_code}）")
        lines.append(f"   {_('意见')}：{excerpt}")
        lines.append(f"   {_('处理情况')}：{decision_public(decision.decision)}")
        if decision.decision and decision.reason:
            lines.append(f"   {_('理由或说明')}：{scrub_personal_data(decision.reason)}")
        lines.append("")
    lines += [_("完整的意见处理情况报告：%(url)s", url=report), "",
              _("不想再收到此类邮件？退订：%(url)s", url=unsubscribe)]
    subject = _("《%(title)s》意见处理情况", title=draft.title)
    return mail.build_message(notification.recipient, subject, "\n".join(lines), headers=headers)


def _facilitator_message(notification, draft, report, unsubscribe, headers):
    from consult.exports.feedback import build_feedback_letter, letter_filename
    from consult.exports.errors import ExportError
    from consult.exports.recipients import Letterhead, contact_point_letter

    point = db.session.get(ContactPoint, notification.contact_point_id)
    body_name = current_app.config.get("ISSUING_BODY") or Letterhead.issuing_body
    try:  # the formal letter once every comment of the point is decided, else the 征求意见稿
        letter = contact_point_letter(draft, point, head=Letterhead(issuing_body=body_name))
    except ExportError:
        letter = contact_point_letter(draft, point, head=Letterhead(issuing_body=body_name, as_draft=True))
    out = io.BytesIO()
    build_feedback_letter(letter, out)
    body = "\n".join([
        _("您好："), "",
        _("《%(title)s》的意见处理情况已经公布。附件是%(point)s的意见反馈函，请转告提出意见的居民。",
          title=draft.title, point=point.name), "",
        _("完整的意见处理情况报告：%(url)s", url=report), "",
        _("不想再收到此类邮件？退订：%(url)s", url=unsubscribe)])
    subject = _("《%(title)s》意见反馈函：%(point)s", title=draft.title, point=point.name)
    docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return mail.build_message(notification.recipient, subject, body, headers=headers,
                              attachments=[(letter_filename(letter), out.getvalue(), docx)])


def status_counts(batch: NotificationBatch) -> dict[str, int]:
    """Messages of a batch by status."""
    counts = {status: 0 for status in ("pending", "sending", "sent", "failed", "skipped")}
    for (status,) in db.session.execute(select(Notification.status).where(Notification.batch_id == batch.id)):
        counts[status] = counts.get(status, 0) + 1
    return counts
