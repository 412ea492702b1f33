"""Intake verbs: record the meetings (座谈会, 民情沟通会 …) where facilitators collect comments. Flush, never commit."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from consult.accounts.permissions import can_enter_comments
from consult.audit.services import record
from consult.comments.models import MEETING_KINDS, Meeting
from consult.extensions import db
from consult.search.outbox import enqueue

# Contact points work in local time: "today" is the date in China, not in UTC.
LOCAL_TZ = ZoneInfo("Asia/Shanghai")
EARLIEST_MEETING = date(2000, 1, 1)
MAX_ATTENDANCE = 100_000
MEETING_FIELDS = ("held_on", "kind", "place", "attendance", "deputies_present", "notes")
_LIMITS = {"place": 200, "deputies_present": 300, "notes": 10_000}


class IntakeError(ValueError):
    """A user-facing reason why an intake action was refused; `field` names the form field at fault."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def local_today() -> date:
    """Today's date at the contact points (Asia/Shanghai)."""
    return datetime.now(LOCAL_TZ).date()


def create_meeting(draft, contact_point, *, held_on, kind, place="", attendance=0, deputies_present="",
                   notes="", actor) -> Meeting:
    """Record a meeting held at `contact_point` about `draft`."""
    if not can_enter_comments(actor, contact_point):
        raise IntakeError(_("您无权为该联系点录入会议。"))
    if not draft.is_published:
        raise IntakeError(_("草案尚未发布，不能登记会议。"), "draft_id")
    values = _clean({"held_on": held_on, "kind": kind, "place": place, "attendance": attendance,
                     "deputies_present": deputies_present, "notes": notes}, draft)
    meeting = Meeting(draft=draft, contact_point=contact_point, created_by_id=getattr(actor, "id", None), **values)
    db.session.add(meeting)
    db.session.flush()
    record(actor, "meeting.create", meeting, draft_id=draft.id, contact_point=contact_point.code,
           held_on=values["held_on"], kind=values["kind"])
    return meeting


def update_meeting(meeting: Meeting, *, actor, **fields) -> Meeting:
    """Correct a meeting's date, kind, place, attendance, deputies or notes."""
    if not can_enter_comments(actor, meeting.contact_point):
        raise IntakeError(_("您无权修改该联系点的会议。"))
    unknown = sorted(set(fields) - set(MEETING_FIELDS))
    if unknown:
        raise IntakeError(_("不能修改的字段：%(fields)s。", fields=", ".join(unknown)))
    current = {name: getattr(meeting, name) for name in MEETING_FIELDS}
    values = _clean({**current, **fields}, meeting.draft)
    changes = {name: [current[name], values[name]] for name in MEETING_FIELDS if values[name] != current[name]}
    if not changes:
        return meeting
    old_date = meeting.held_on
    for name, (_old, new) in changes.items():
        setattr(meeting, name, new)
    if "held_on" in changes:
        # Comments recorded at the meeting were said on its date: keep them in step.
        for comment in meeting.comments:
            if comment.submitted_on in (None, old_date):
                comment.submitted_on = meeting.held_on
                enqueue("comment", comment.id)
    db.session.flush()
    record(actor, "meeting.update", meeting, **changes)
    return meeting


def _clean(values: dict, draft) -> dict:
    """Check and normalise meeting fields; raise IntakeError naming the first bad field."""
    held_on = values["held_on"]
    if isinstance(held_on, datetime):
        held_on = held_on.date()
    if isinstance(held_on, str):
        try:
            held_on = date.fromisoformat(held_on.strip())
        except ValueError:
            raise IntakeError(_("会议日期格式不正确（应为 年-月-日）。"), "held_on") from None
    if not isinstance(held_on, date):
        raise IntakeError(_("请填写会议日期。"), "held_on")
    if held_on > local_today():
        raise IntakeError(_("会议日期不能晚于今天。"), "held_on")
    earliest = max(EARLIEST_MEETING, (draft.created_at or datetime(2000, 1, 1)).date() - timedelta(days=365))
    if held_on < earliest:
        raise IntakeError(_("会议日期过早（不能早于 %(date)s），请检查。", date=earliest.isoformat()), "held_on")
    kind = values["kind"]
    if kind not in MEETING_KINDS:
        raise IntakeError(_("未知的会议形式：%(kind)s。", kind=kind), "kind")
    try:
        attendance = int(values["attendance"] or 0)
    except (TypeError, ValueError):
        raise IntakeError(_("参加人数必须是整数。"), "attendance") from None
    if attendance < 0:
        raise IntakeError(_("参加人数不能为负数。"), "attendance")
    if attendance > MAX_ATTENDANCE:
        raise IntakeError(_("参加人数不能超过 %(n)d。", n=MAX_ATTENDANCE), "attendance")
    cleaned = {"held_on": held_on, "kind": kind, "attendance": attendance}
    for name, limit in _LIMITS.items():
        text = (values.get(name) or "").strip()
        if len(text) > limit:
            raise IntakeError(_("内容过长（最多 %(n)d 个字）。", n=limit), name)
        cleaned[name] = text
    return cleaned
