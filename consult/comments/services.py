"""Comment verbs: submit online, enter for a contact point, correct, delete, purge contacts.

Services flush, never commit.

Every verb applies the same rules (consult.comments.rules): the comment window for every channel, lengths,
personal information (PIPL), receipt codes; records an audit event and queues the comment for the search
index in the caller's transaction.
"""
from __future__ import annotations

import re
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from consult.accounts.permissions import can_edit_comment, is_staff
from consult.audit.services import record
from consult.comments.anchors import (  # noqa: F401 (part of this module's contract)
    AnchorResolver, ResolvedAnchor, anchor_options, comment_anchor_label, resolve_anchor)
from consult.comments.models import CHANNELS, Comment
from consult.comments.privacy import is_organisation_category
from consult.comments.vocabulary import SELF_SUBMITTED_CHANNELS
from consult.comments.rules import (  # noqa: F401 (CommentError is part of this module's contract)
    BODY_MAX, TEXT_MAX, CommentError, apply_privacy_rules, check_window, clean_category, clean_text,
    new_receipt_codes)
from consult.contact_points.services import check_entry
from consult.database import utcnow
from consult.extensions import db
from consult.outbox import enqueue, enqueue_many


def clean_content(body, reason="", proposed_text="") -> tuple[str, str, str]:
    """Body 1–5000 characters, reason and proposed wording at most 5000 each."""
    return (clean_text(body, field="body", label=_("意见"), maximum=BODY_MAX, required=True),
            clean_text(reason, field="reason", label=_("理由"), maximum=TEXT_MAX),
            clean_text(proposed_text, field="proposed_text", label=_("建议修改为"), maximum=TEXT_MAX))


def build_comment(draft, anchor: ResolvedAnchor, **fields) -> Comment:
    """An unsaved Comment on the draft's current version with every content and privacy rule applied."""
    return Comment(**comment_values(draft, anchor, **fields))


def comment_values(draft, anchor: ResolvedAnchor, *, body, reason="", proposed_text="", commenter_name="",
                   commenter_category="", contact="", wants_feedback=False, consent_personal_info=False,
                   consent_publish_name=False, is_minor=False, receipt_code=None, actor=None,
                   **provenance) -> dict:
    """The column values of a new comment after every content and privacy rule (bulk imports insert these)."""
    body, reason, proposed_text = clean_content(body, reason, proposed_text)
    identity = apply_privacy_rules(name=commenter_name, contact=contact, wants_feedback=wants_feedback,
                                   consent_personal_info=consent_personal_info,
                                   consent_publish_name=consent_publish_name, is_minor=is_minor)
    category = clean_category(commenter_category)
    return dict(
        draft_id=draft.id, version_id=draft.current_version.id,
        article_id=anchor.article.id if anchor.article is not None else None,
        anchor_kind=anchor.kind, paragraph_no=anchor.paragraph_no, item_no=anchor.item_no,
        body=body, reason=reason, proposed_text=proposed_text,
        commenter_name=identity.name, commenter_category=category,
        commenter_contact=identity.contact, commenter_is_minor=identity.is_minor,
        is_organisation=bool(identity.name) and is_organisation_category(category),
        wants_feedback=identity.wants_feedback,
        consent_personal_info=identity.consent_personal_info,
        consent_publish_name=identity.consent_publish_name,
        receipt_code=receipt_code or new_receipt_codes(1)[0], created_by_id=getattr(actor, "id", None),
        **provenance)


# An idempotency key: what a sender (offline entry's per-entry UUID, an API client) names one submission by.
IDEMPOTENCY_KEY_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,63}")


class IdempotencyConflict(CommentError):
    """The idempotency key was already used for a different comment (nothing is stored)."""


def clean_idempotency_key(key) -> str | None:
    """None for no key; else the key (8–64 letters, digits, . _ : -) or a refusal."""
    if key is None or key == "":
        return None
    if not isinstance(key, str) or not IDEMPOTENCY_KEY_RE.fullmatch(key):
        raise CommentError(_("录入编号无效（应为 8–64 位字母、数字或 - . _ :）。"), "idempotency_key")
    return key


def replayed_comment(key: str | None, draft, *, body, reason="", proposed_text="",
                     **provenance) -> Comment | None:
    """The comment already stored under `key` when this is a repeat of the same submission, else None.

    A repeat (a retry after a lost answer) must carry the same draft, provenance and text; a key used for
    something else is refused with IdempotencyConflict. The returned comment has `replayed = True`.
    """
    if key is None:
        return None
    existing = db.session.scalar(select(Comment).where(Comment.idempotency_key == key))
    if existing is None:
        return None
    try:
        content = clean_content(body, reason, proposed_text)
    except CommentError:
        content = None
    same = (existing.draft_id == getattr(draft, "id", None)
            and content == (existing.body, existing.reason, existing.proposed_text)
            and all(getattr(existing, name) == value for name, value in provenance.items()))
    if not same:
        raise _key_taken(existing)
    existing.replayed = True
    return existing


def _key_taken(existing: Comment) -> IdempotencyConflict:
    return IdempotencyConflict(_("录入编号 %(key)s 已用于另一条意见（%(receipt)s），本条未保存。请作为新意见重新保存。",
                                 key=existing.idempotency_key, receipt=existing.receipt_code),
                               "idempotency_key")


_SAME_SUBMISSION = ("draft_id", "body", "reason", "proposed_text", "channel", "contact_point_id", "meeting_id")


def _save(comment: Comment, action: str, actor, **details) -> Comment:
    if comment.idempotency_key is not None:
        try:
            with db.session.begin_nested():  # a concurrent repeat of the same key: return the first one
                db.session.add(comment)
                db.session.flush()
        except IntegrityError:
            existing = db.session.scalar(
                select(Comment).where(Comment.idempotency_key == comment.idempotency_key))
            if existing is None:
                raise
            if any(getattr(existing, name) != getattr(comment, name) for name in _SAME_SUBMISSION):
                raise _key_taken(existing) from None
            existing.replayed = True
            return existing
    db.session.add(comment)
    db.session.flush()
    enqueue("comment", comment.id)
    record(actor, action, comment, receipt_code=comment.receipt_code, anchor_kind=comment.anchor_kind,
           article_id=comment.article_id, channel=comment.channel, minor=comment.commenter_is_minor,
           **details)
    return comment


def submit_online_comment(draft, *, anchor: str, body, reason="", proposed_text="", commenter_name="",
                          commenter_category="", contact="", wants_feedback=False,
                          consent_personal_info=False, consent_publish_name=False, is_minor=False,
                          actor=None, idempotency_key=None, owner=None, channel="online",
                          contact_point=None) -> Comment:
    """A citizen's own comment (public form, poster QR code, another system through the API): awaiting
    moderation, with a receipt code. `channel`: one of SELF_SUBMITTED_CHANNELS (online, qr);
    `contact_point`: the point it came through (a poster, a point's own system), its provenance.

    `owner`: the citizen account the comment belongs to (my comments); by default the actor when the
    actor is a citizen, None for anyone else.

    With `idempotency_key`, a repeat of the same submission returns the comment stored the first time
    (`comment.replayed` is True) instead of storing it twice, even after the window closed.
    """
    if owner is None and getattr(actor, "role", None) == "citizen":
        owner = actor
    idempotency_key = clean_idempotency_key(idempotency_key)
    if channel not in SELF_SUBMITTED_CHANNELS:
        raise ValueError(f"not a self-submitted channel: {channel!r}")
    point_id = contact_point.id if contact_point is not None else None
    replay = replayed_comment(idempotency_key, draft, body=body, reason=reason, proposed_text=proposed_text,
                              channel=channel, contact_point_id=point_id)
    if replay is not None:
        return replay
    check_window(draft)
    resolved = resolve_anchor(draft.current_version, anchor)
    comment = build_comment(
        draft, resolved, body=body, reason=reason, proposed_text=proposed_text, commenter_name=commenter_name,
        commenter_category=commenter_category, contact=contact, wants_feedback=wants_feedback,
        consent_personal_info=consent_personal_info, consent_publish_name=consent_publish_name,
        is_minor=is_minor, actor=actor, channel=channel, moderation_state="pending",
        contact_point_id=point_id, submitted_on=utcnow().date(), idempotency_key=idempotency_key,
        owner_id=owner.id if owner is not None else None)
    details = {"contact_point_id": point_id} if point_id is not None else {}
    return _save(comment, "comment.submit", actor, **details)


def check_contact_wanted(contact, wants_feedback, is_minor) -> None:
    """A contact someone wrote down is kept for feedback or refused, never dropped without a word.

    (Children under 14 are the exception: nothing of theirs is stored, whatever was typed.)
    """
    if (contact or "").strip() and not wants_feedback and not is_minor:
        raise CommentError(_("联系方式只在希望收到反馈时保存：请勾选“希望收到反馈”并确认本人同意，或删除联系方式。"),
                           "contact")


def enter_comment(draft, *, contact_point, anchor: str, body, meeting=None, channel="meeting", reason="",
                  proposed_text="", commenter_name="", commenter_category="", contact="",
                  wants_feedback=False, submitted_on=None, actor, is_minor=False,
                  consent_personal_info=True, idempotency_key=None) -> Comment:
    """A resident's comment recorded by a facilitator (or staff) for a contact point; moderation "internal".

    The facilitator collects consent when writing down a contact for feedback, so consent defaults to yes;
    the PIPL rules still apply (contact kept only for feedback, nothing kept for children under 14).
    With `idempotency_key` (offline entry sends one per entry), a repeat of the same entry returns the
    comment stored the first time (`comment.replayed` is True), even if the window closed meanwhile.
    """
    idempotency_key = clean_idempotency_key(idempotency_key)
    check_entry(actor, draft, contact_point, meeting)
    replay = replayed_comment(idempotency_key, draft, body=body, reason=reason, proposed_text=proposed_text,
                              contact_point_id=getattr(contact_point, "id", None),
                              meeting_id=getattr(meeting, "id", None))
    if replay is not None:
        return replay
    check_window(draft)
    if channel not in CHANNELS:
        raise CommentError(_("未知的渠道：%(channel)s。", channel=channel), "channel")
    if submitted_on is not None and not isinstance(submitted_on, date):
        raise CommentError(_("日期无效。"), "submitted_on")
    resolved = resolve_anchor(draft.current_version, anchor)
    check_contact_wanted(contact, wants_feedback, is_minor)
    comment = build_comment(
        draft, resolved, body=body, reason=reason, proposed_text=proposed_text, commenter_name=commenter_name,
        commenter_category=commenter_category, contact=contact, wants_feedback=wants_feedback,
        consent_personal_info=consent_personal_info, is_minor=is_minor, actor=actor, channel=channel,
        moderation_state="internal", contact_point_id=contact_point.id if contact_point is not None else None,
        meeting_id=meeting.id if meeting is not None else None, idempotency_key=idempotency_key,
        submitted_on=submitted_on or (meeting.held_on if meeting is not None else utcnow().date()))
    return _save(comment, "comment.enter", actor, contact_point_id=comment.contact_point_id,
                 meeting_id=comment.meeting_id)


_CONTENT_FIELDS = ("body", "reason", "proposed_text")
_IDENTITY_FIELDS = ("commenter_name", "contact", "wants_feedback", "consent_personal_info",
                    "consent_publish_name", "is_minor")
_OTHER_FIELDS = ("anchor", "commenter_category", "channel", "meeting", "submitted_on")
EDITABLE_FIELDS = _CONTENT_FIELDS + _IDENTITY_FIELDS + _OTHER_FIELDS


def check_edit_rights(comment: Comment, actor) -> None:
    """Staff may always correct; a facilitator only its point's comments, while open and not locked."""
    if actor is not None and is_staff(actor):
        return
    if comment.locked:
        raise CommentError(_("该意见已被工作人员锁定，不能再修改。"))
    if actor is None or not can_edit_comment(actor, comment):
        raise CommentError(_("您没有修改该意见的权限。"))
    check_window(comment.draft)


def update_comment(comment: Comment, *, actor, **fields) -> Comment:
    """Correct a comment's text, anchor, commenter or provenance; audits field names, not personal data."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"update_comment() got unexpected fields: {', '.join(sorted(unknown))}")
    check_edit_rights(comment, actor)
    changed: list[str] = []
    current = {"body": comment.body, "reason": comment.reason, "proposed_text": comment.proposed_text}
    current.update({k: fields[k] for k in _CONTENT_FIELDS if k in fields})
    values = dict(zip(_CONTENT_FIELDS,
                      clean_content(current["body"], current["reason"], current["proposed_text"])))
    if "anchor" in fields:
        resolved = resolve_anchor(comment.version, fields["anchor"])
        values.update(article_id=resolved.article.id if resolved.article else None, anchor_kind=resolved.kind,
                      paragraph_no=resolved.paragraph_no, item_no=resolved.item_no)
    if any(k in fields for k in _IDENTITY_FIELDS):
        old_minor = comment.commenter_is_minor
        if "contact" in fields:
            check_contact_wanted(fields["contact"], fields.get("wants_feedback", comment.wants_feedback),
                                 fields.get("is_minor", old_minor))
        identity = apply_privacy_rules(
            name=fields.get("commenter_name", comment.commenter_name),
            contact=fields.get("contact", comment.commenter_contact),
            wants_feedback=fields.get("wants_feedback", comment.wants_feedback),
            consent_personal_info=fields.get("consent_personal_info", comment.consent_personal_info),
            consent_publish_name=fields.get("consent_publish_name", comment.consent_publish_name),
            is_minor=fields.get("is_minor", old_minor))
        values.update(commenter_name=identity.name, commenter_contact=identity.contact,
                      wants_feedback=identity.wants_feedback,
                      consent_personal_info=identity.consent_personal_info,
                      consent_publish_name=identity.consent_publish_name,
                      commenter_is_minor=identity.is_minor)
    if "commenter_category" in fields:
        values["commenter_category"] = clean_category(fields["commenter_category"])
    name = values.get("commenter_name", comment.commenter_name)
    values["is_organisation"] = bool(name) and is_organisation_category(
        values.get("commenter_category", comment.commenter_category))
    if "channel" in fields:
        if fields["channel"] not in CHANNELS:
            raise CommentError(_("未知的渠道：%(channel)s。", channel=fields["channel"]), "channel")
        values["channel"] = fields["channel"]
    if "meeting" in fields:
        meeting = fields["meeting"]
        if meeting is not None:
            check_entry(actor, comment.draft, comment.contact_point, meeting)
        values["meeting_id"] = meeting.id if meeting is not None else None
    if "submitted_on" in fields:
        if fields["submitted_on"] is not None and not isinstance(fields["submitted_on"], date):
            raise CommentError(_("日期无效。"), "submitted_on")
        values["submitted_on"] = fields["submitted_on"]
    for name, value in values.items():
        if getattr(comment, name) != value:
            setattr(comment, name, value)
            changed.append(name)
    db.session.flush()
    if changed:
        enqueue("comment", comment.id)
        record(actor, "comment.update", comment, fields=sorted(changed))
    return comment


def delete_comment(comment: Comment, *, actor) -> None:
    """Remove a comment (a wrong entry); the search index is told to forget it."""
    check_edit_rights(comment, actor)
    comment_id = comment.id
    record(actor, "comment.delete", comment, receipt_code=comment.receipt_code, draft_id=comment.draft_id,
           contact_point_id=comment.contact_point_id)
    enqueue("comment", comment_id, op="delete")
    db.session.delete(comment)
    db.session.flush()


def purge_contact_details(draft, *, actor) -> int:
    """After the window closed: erase the draft's commenters' contacts, keep text and decision (PIPL 第十九条)."""
    if draft.comment_closes_at is None or draft.is_open() or utcnow() < draft.comment_closes_at:
        raise CommentError(_("征求意见尚未截止，不能清除联系方式（反馈需要用到）。请在截止后再清除。"))
    with_contact = Comment.draft_id == draft.id, Comment.commenter_contact != ""
    ids = list(db.session.scalars(select(Comment.id).where(*with_contact)))
    now = utcnow()
    fetch = {"synchronize_session": "fetch"}
    db.session.execute(update(Comment).where(*with_contact)
                       .values(commenter_contact="", contact_purged_at=now).execution_options(**fetch))
    db.session.execute(update(Comment)
                       .where(Comment.draft_id == draft.id, Comment.contact_purged_at.is_(None))
                       .values(contact_purged_at=now).execution_options(**fetch))
    db.session.flush()
    enqueue_many("comment", ids)
    record(actor, "privacy.purge_contacts", draft, purged=len(ids))
    return len(ids)
