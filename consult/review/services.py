"""Staff verbs on comments: moderation, decisions (采纳情况), tags, notes, assignment, locks, bulk actions.

Every verb checks its input before changing anything, then changes the comment, records an audit event
and queues the comment for the search index. Services flush, never commit.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from flask_babel import gettext as _
from sqlalchemy import select

from consult.accounts.permissions import can_decide, can_moderate, is_staff
from consult.audit.services import record
from consult.comments.models import Comment, Tag
from consult.comments.vocabulary import DECISION, DECISIONS_NEEDING_REASON, SELF_SUBMITTED_CHANNELS
from consult.database import utcnow
from consult.extensions import db
from consult.comments.duplicates import (  # noqa: F401  (group verbs, part of this module's contract)
    confirm_group, find_duplicate_groups, join_group, refresh_duplicates, split_from_group)
from consult.review.errors import ReviewError  # noqa: F401  (raised by every verb here)
from consult.outbox import enqueue

MAX_TAG_LENGTH = 50
MODERATABLE = ("pending", "published")  # online comments a moderator may still publish or reject
MAX_REASON_LENGTH = 2000
MAX_MODERATION_REASON_LENGTH = 500
MAX_NOTE_LENGTH = 2000
BULK_ACTIONS = ("tag", "decide", "assign", "lock", "publish", "reject")


# --- checks (no side effects) -------------------------------------------------------------------


def _require(predicate, actor, comment=None) -> None:
    """Refuse when a signed-in actor lacks the permission (actor None = a command run by the operator)."""
    if actor is None:
        return
    allowed = predicate(actor, comment) if predicate is can_decide else predicate(actor)
    if not allowed:
        raise ReviewError(_("您没有权限执行此操作。"))


def _check_moderatable(comment: Comment, actor) -> None:
    _require(can_moderate, actor)
    if comment.channel not in SELF_SUBMITTED_CHANNELS or comment.moderation_state not in MODERATABLE:
        raise ReviewError(_("只有待审核或已公开的网上意见可以审核（意见 %(code)s）。", code=comment.receipt_code))


def _check_publish(comment: Comment, actor) -> None:
    _check_moderatable(comment, actor)
    if comment.moderation_state == "published":
        raise ReviewError(_("意见 %(code)s 已经公开。", code=comment.receipt_code))


def _clean_moderation_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ReviewError(_("不予公开时必须填写理由。"), "reason")
    if len(reason) > MAX_MODERATION_REASON_LENGTH:
        raise ReviewError(_("理由不能超过 %(n)s 个字。", n=MAX_MODERATION_REASON_LENGTH), "reason")
    return reason


def _clean_decision(comment: Comment, decision: str | None, reason: str | None,
                    actor) -> tuple[str | None, str]:
    _require(can_decide, actor, comment)
    decision = (decision or "").strip() or None
    reason = (reason or "").strip()
    if decision is not None and decision not in DECISION:
        raise ReviewError(_("未知的采纳情况：%(d)s。", d=decision), "decision")
    if decision in DECISIONS_NEEDING_REASON and not reason:
        raise ReviewError(_("选择“%(d)s”时必须说明理由。", d=DECISION.label(decision)), "reason")
    if len(reason) > MAX_REASON_LENGTH:
        raise ReviewError(_("说明不能超过 %(n)s 个字。", n=MAX_REASON_LENGTH), "reason")
    if comment.moderation_state == "rejected":
        raise ReviewError(_("不予公开的意见 %(code)s 不作采纳处理。", code=comment.receipt_code))
    return decision, reason


def clean_tag_names(names) -> list[str]:
    """Trimmed, de-duplicated tag names from a list or a comma-separated string; refuses names > 50 chars."""
    if isinstance(names, str):
        names = re.split(r"[,，、;；\n]", names)
    cleaned: list[str] = []
    for name in names or ():
        name = re.sub(r"\s+", " ", str(name)).strip()
        if not name:
            continue
        if len(name) > MAX_TAG_LENGTH:
            raise ReviewError(_("标签不能超过 %(n)s 个字：%(name)s", n=MAX_TAG_LENGTH, name=name[:20] + "…"), "tags")
        if name not in cleaned:
            cleaned.append(name)
    return cleaned


def _check_assignee(user) -> None:
    if user is not None and (not is_staff(user) or not user.active):
        raise ReviewError(_("只能分配给法工委工作人员。"), "assignee")


def _clean_note(text: str | None) -> str:
    text = (text or "").strip()
    if not text:
        raise ReviewError(_("备注不能为空。"), "note")
    if len(text) > MAX_NOTE_LENGTH:
        raise ReviewError(_("备注不能超过 %(n)s 个字。", n=MAX_NOTE_LENGTH), "note")
    return text


# --- changes ------------------------------------------------------------------------------------


def _touch(comment: Comment, actor, action: str, **details) -> None:
    record(actor, action, comment, **details)
    enqueue("comment", comment.id)


def _apply_publish(comment: Comment, actor) -> None:
    before = comment.moderation_state
    comment.moderation_state = "published"
    comment.moderation_reason = ""
    _touch(comment, actor, "comment.publish", before=before)


def _apply_reject(comment: Comment, reason: str, actor) -> None:
    before = comment.moderation_state
    comment.moderation_state = "rejected"
    comment.moderation_reason = reason
    _touch(comment, actor, "comment.reject", before=before, reason=reason)


def _apply_decision(comment: Comment, decision: str | None, reason: str, actor) -> None:
    before = comment.decision
    comment.decision = decision
    comment.decision_reason = reason if decision else ""
    comment.decided_by_id = getattr(actor, "id", None) if decision else None
    comment.decided_at = utcnow() if decision else None
    _touch(comment, actor, "comment.decide", before=before, decision=decision, reason=comment.decision_reason)


def _tags_for(draft_id: int, names: list[str]) -> list[Tag]:
    existing = {t.name: t for t in db.session.scalars(
        select(Tag).where(Tag.draft_id == draft_id, Tag.name.in_(names)))} if names else {}
    tags = []
    for name in names:
        tag = existing.get(name)
        if tag is None:
            tag = Tag(draft_id=draft_id, name=name)
            db.session.add(tag)
            existing[name] = tag
        tags.append(tag)
    return tags


def _apply_tags(comment: Comment, names: list[str], actor, *, replace: bool) -> None:
    before = [t.name for t in comment.tags]
    wanted = names if replace else before + [n for n in names if n not in before]
    comment.tags = _tags_for(comment.draft_id, wanted)
    _touch(comment, actor, "comment.tags", before=before, after=wanted)


def _apply_assign(comment: Comment, user, actor) -> None:
    before = comment.assigned_to_id
    comment.assigned_to = user
    comment.assigned_to_id = getattr(user, "id", None)
    _touch(comment, actor, "comment.assign", before=before, after=comment.assigned_to_id)


def _apply_lock(comment: Comment, locked: bool, actor) -> None:
    comment.locked = bool(locked)
    _touch(comment, actor, "comment.lock" if locked else "comment.unlock")


# --- public verbs -------------------------------------------------------------------------------


def publish_comment(comment: Comment, *, actor) -> Comment:
    """Publish a pending online comment so it shows under its article (names masked)."""
    _check_publish(comment, actor)
    _apply_publish(comment, actor)
    db.session.flush()
    return comment


def reject_comment(comment: Comment, reason: str, *, actor) -> Comment:
    """Reject a pending or published online comment with a reason the commenter can read."""
    _check_moderatable(comment, actor)
    reason = _clean_moderation_reason(reason)
    _apply_reject(comment, reason, actor)
    db.session.flush()
    return comment


def decide_comment(comment: Comment, decision: str | None, reason: str, *, actor) -> Comment:
    """Set the adoption decision (采纳情况) with its reason; None clears it.

    The representative of a confirmed duplicate group decides for the whole group: every member takes
    the same decision and reason (all or none).
    """
    targets = decision_followers(comment)
    cleaned = [_clean_decision(c, decision, reason, actor) for c in targets]
    for target, (clean_decision, clean_reason) in zip(targets, cleaned):
        _apply_decision(target, clean_decision, clean_reason, actor)
    db.session.flush()
    return comment


def group_representative(group) -> Comment | None:
    """The comment a duplicate group is compared with and decided through (its first one by default)."""
    members = list(group.comments)
    chosen = next((c for c in members if c.id == group.representative_id), None)
    return chosen or (members[0] if members else None)


def decision_followers(comment: Comment) -> list[Comment]:
    """Comments a decision on `comment` applies to: itself, plus its confirmed group when it represents it.

    Comments not published (不予公开) never take a group's decision."""
    group = comment.duplicate_group
    if group is None or not group.confirmed or group_representative(group) is not comment:
        return [comment]
    return [comment] + [c for c in group.comments if c is not comment and c.moderation_state != "rejected"]


def set_tags(comment: Comment, names, *, actor) -> Comment:
    """Replace the comment's tags by `names` (tags are per draft, created on first use)."""
    _require(can_decide, actor, comment)
    cleaned = clean_tag_names(names)
    _apply_tags(comment, cleaned, actor, replace=True)
    db.session.flush()
    return comment


def assign_comment(comment: Comment, user_or_none, *, actor) -> Comment:
    """Assign the comment to a staff member (None removes the assignment)."""
    _require(can_decide, actor, comment)
    _check_assignee(user_or_none)
    _apply_assign(comment, user_or_none, actor)
    db.session.flush()
    return comment


def set_locked(comment: Comment, locked: bool, *, actor) -> Comment:
    """Lock (facilitators can no longer correct it) or unlock a comment."""
    _require(can_decide, actor, comment)
    _apply_lock(comment, locked, actor)
    db.session.flush()
    return comment


def add_note(comment: Comment, text: str, *, actor) -> Comment:
    """Append an internal note, signed with its author and time (UTC), to the comment."""
    _require(can_decide, actor, comment)
    text = _clean_note(text)
    author = getattr(actor, "name", None) or _("系统")
    stamp = utcnow().strftime("%Y-%m-%d %H:%M")
    entry = f"[{stamp} UTC · {author}] {text}"
    comment.internal_notes = f"{comment.internal_notes}\n\n{entry}" if comment.internal_notes else entry
    _touch(comment, actor, "comment.note", text=text)
    db.session.flush()
    return comment


def bulk_apply(comments: Iterable[Comment], action: str, *, actor, **params) -> int:
    """Apply one action to every selected comment, or to none if any of them refuses; returns the count.

    Actions and their parameters: tag (names, replace=False), decide (decision, reason),
    assign (user), lock (locked=True), publish, reject (reason).
    """
    comments = list(comments)
    if action not in BULK_ACTIONS:
        raise ReviewError(_("未知的批量操作：%(a)s。", a=action), "action")
    if not comments:
        raise ReviewError(_("请先勾选意见。"), "comment_ids")
    if action == "tag":
        _require(can_decide, actor)
        names = clean_tag_names(params.get("names"))
        if not names:
            raise ReviewError(_("请填写标签。"), "tags")
        for comment in comments:
            _apply_tags(comment, names, actor, replace=bool(params.get("replace")))
    elif action == "decide":
        cleaned = [_clean_decision(c, params.get("decision"), params.get("reason"), actor) for c in comments]
        for comment, (decision, reason) in zip(comments, cleaned):
            _apply_decision(comment, decision, reason, actor)
    elif action == "assign":
        _require(can_decide, actor)
        _check_assignee(params.get("user"))
        for comment in comments:
            _apply_assign(comment, params.get("user"), actor)
    elif action == "lock":
        _require(can_decide, actor)
        for comment in comments:
            _apply_lock(comment, params.get("locked", True), actor)
    elif action == "publish":
        for comment in comments:
            _check_publish(comment, actor)
        for comment in comments:
            _apply_publish(comment, actor)
    else:  # reject
        for comment in comments:
            _check_moderatable(comment, actor)
        reason = _clean_moderation_reason(params.get("reason"))
        for comment in comments:
            _apply_reject(comment, reason, actor)
    db.session.flush()
    return len(comments)


# --- decisions over near-duplicate groups (membership lives in consult.comments.duplicates) -----------


def decide_group(group, decision: str | None, reason: str, *, actor) -> int:
    """Decide once for every comment of a confirmed group (all or none); returns how many were decided."""
    if not group.confirmed:
        raise ReviewError(_("请先确认该组意见确属重复，再统一处理。"))
    members = [c for c in group.comments if c.moderation_state != "rejected"]
    count = bulk_apply(members, "decide", actor=actor, decision=decision, reason=reason)
    record(actor, "duplicates.decide", group, decision=decision, reason=(reason or "").strip(),
           comments=[c.id for c in members])
    db.session.flush()
    return count


def mark_duplicate(comment: Comment, other: Comment | None, *, actor) -> Comment:
    """Mark by hand that `comment` says the same as `other`: it joins other's group (confirmed) and takes
    the decision of the group's representative, if it has one."""
    _require(can_decide, actor, comment)
    if other is None:
        raise ReviewError(_("找不到这个回执编号的意见。"), "other")
    group = join_group(comment, other, actor=actor)
    representative = group_representative(group)
    if representative is not None and representative is not comment and representative.decision:
        decision, reason = _clean_decision(comment, representative.decision, representative.decision_reason,
                                           actor)
        _apply_decision(comment, decision, reason, actor)
    db.session.flush()
    return comment
