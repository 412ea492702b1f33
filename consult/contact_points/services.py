"""Contact point verbs and rules: who may enter for a point, which meeting goes with which point and draft,
recording and correcting meetings, binding facilitators. Flush, never commit.

These rules live here once; the intake and admin pages, the comment services and the spreadsheet import
all call them.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from consult.accounts.permissions import can_enter_comments, is_staff
from consult.audit.services import record
from consult.contact_points.models import MEETING_KIND, Meeting
from consult.contact_points.queries import contact_points_by_codes
from consult.errors import UserError
from consult.extensions import db
from consult.outbox import enqueue

# Contact points work in local time: "today" is the date in China, not in UTC.
LOCAL_TZ = ZoneInfo("Asia/Shanghai")
EARLIEST_MEETING = date(2000, 1, 1)
MAX_ATTENDANCE = 100_000
MEETING_FIELDS = ("held_on", "kind", "place", "attendance", "deputies_present", "notes")
_LIMITS = {"place": 200, "deputies_present": 300, "notes": 10_000}


class IntakeError(UserError):
    """Why recording at a contact point (a meeting, a comment, a binding) was refused."""


def local_today() -> date:
    """Today's date at the contact points (Asia/Shanghai)."""
    return datetime.now(LOCAL_TZ).date()


# --- the rules ----------------------------------------------------------------------------------------

def check_can_enter(actor, contact_point, *, field: str = "contact_point") -> None:
    """Refuse unless `actor` may record comments and meetings for `contact_point` (None: staff only)."""
    if actor is None or not can_enter_comments(actor, contact_point):
        raise IntakeError(_("您没有为该联系点录入意见的权限。"), field)
    if contact_point is None and not is_staff(actor):
        raise IntakeError(_("请选择联系点。"), field)


def check_meeting(meeting, draft, contact_point, *, field: str = "meeting") -> None:
    """Refuse unless `meeting` (when given) was held about `draft` at `contact_point`."""
    if meeting is None:
        return
    if meeting.draft_id != draft.id:
        raise IntakeError(_("该会议不是关于这部草案的。"), field)
    if contact_point is None or meeting.contact_point_id != contact_point.id:
        raise IntakeError(_("该会议不属于所选联系点。"), field)


def check_entry(actor, draft, contact_point, meeting=None) -> None:
    """Both rules at once: `actor` may enter for the point, and the meeting goes with point and draft."""
    check_can_enter(actor, contact_point)
    check_meeting(meeting, draft, contact_point)


# --- facilitator binding ------------------------------------------------------------------------------

def split_codes(text: str | None) -> list[str]:
    """Contact point codes typed as a list separated by commas, spaces, 、 or new lines."""
    return [code for code in re.split(r"[\s,，、;；]+", text or "") if code]


def points_from_codes(text: str | None, *, field: str = "contact_points") -> list:
    """The contact points typed as codes (for binding a facilitator); refuses unknown codes, naming them."""
    points, missing = contact_points_by_codes(split_codes(text))
    if missing:
        raise IntakeError(_("没有这些联系点编码：%(codes)s", codes="、".join(missing)), field)
    return points


# --- meetings -----------------------------------------------------------------------------------------

def create_meeting(draft, contact_point, *, held_on, kind, place="", attendance=0, deputies_present="",
                   notes="", actor) -> Meeting:
    """Record a meeting held at `contact_point` about `draft`."""
    if contact_point is None:
        raise IntakeError(_("请选择联系点。"), "contact_point_id")
    if not can_enter_comments(actor, contact_point):
        raise IntakeError(_("您无权为该联系点录入会议。"), "contact_point_id")
    if draft is None or not draft.is_published:
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
    cleaned = {"held_on": _held_on(values["held_on"], draft)}
    kind = values["kind"]
    if kind not in MEETING_KIND:
        raise IntakeError(_("未知的会议形式：%(kind)s。", kind=kind), "kind")
    cleaned["kind"] = kind
    try:
        attendance = int(values["attendance"] or 0)
    except (TypeError, ValueError):
        raise IntakeError(_("参加人数必须是整数。"), "attendance") from None
    if attendance < 0:
        raise IntakeError(_("参加人数不能为负数。"), "attendance")
    if attendance > MAX_ATTENDANCE:
        raise IntakeError(_("参加人数不能超过 %(n)d。", n=MAX_ATTENDANCE), "attendance")
    cleaned["attendance"] = attendance
    for name, limit in _LIMITS.items():
        text = (values.get(name) or "").strip()
        if len(text) > limit:
            raise IntakeError(_("内容过长（最多 %(n)d 个字）。", n=limit), name)
        cleaned[name] = text
    return cleaned


def _held_on(held_on, draft) -> date:
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
    return held_on
