"""Meeting services: who may record them, which drafts, which dates, and the audit trail."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from consult.audit.models import AuditEvent
from consult.contact_points.models import Meeting
from consult.contact_points.services import IntakeError, create_meeting, local_today, update_meeting


def _count(db):
    return db.session.scalar(select(func.count(Meeting.id)))


def test_create_meeting_records_fields_and_audit(db, draft, point, facilitator):
    meeting = create_meeting(draft, point, held_on=local_today(), kind="residents_meeting", place=" 会议室 ",
                             attendance=30, deputies_present="王代表、李代表", notes="第一次", actor=facilitator)
    db.session.commit()
    assert (meeting.kind, meeting.place, meeting.attendance) == ("residents_meeting", "会议室", 30)
    assert meeting.contact_point_id == point.id and meeting.draft_id == draft.id
    assert meeting.created_by_id == facilitator.id
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "meeting.create"))
    assert event.target_id == meeting.id and event.actor_id == facilitator.id


def test_staff_may_record_for_any_point(db, draft, other_point, make_user):
    staff = make_user("staff")
    meeting = create_meeting(draft, other_point, held_on=local_today(), kind="visit", actor=staff)
    assert meeting.id is not None


@pytest.mark.parametrize("role", ["citizen", "facilitator-other"])
def test_refuses_people_without_rights(db, draft, point, other_point, make_user, role):
    user = make_user("facilitator", [other_point]) if role == "facilitator-other" else make_user("citizen")
    with pytest.raises(IntakeError):
        create_meeting(draft, point, held_on=local_today(), kind="symposium", actor=user)
    assert _count(db) == 0


def test_refuses_unpublished_draft(db, make_draft, point, facilitator):
    unpublished = make_draft(published=False)
    with pytest.raises(IntakeError) as info:
        create_meeting(unpublished, point, held_on=local_today(), kind="symposium", actor=facilitator)
    assert "尚未发布" in info.value.message
    assert _count(db) == 0


@pytest.mark.parametrize("fields, field, words", [
    ({"held_on": "tomorrow"}, "held_on", "不能晚于今天"),
    ({"held_on": "long ago"}, "held_on", "过早"),
    ({"held_on": "2026-13-40"}, "held_on", "格式"),
    ({"held_on": None}, "held_on", "日期"),
    ({"attendance": -1}, "attendance", "负数"),
    ({"attendance": "many"}, "attendance", "整数"),
    ({"kind": "party"}, "kind", "会议形式"),
    ({"place": "地" * 201}, "place", "过长"),
])
def test_rejects_bad_fields(db, draft, point, facilitator, fields, field, words):
    values = {"held_on": local_today(), "kind": "symposium", "attendance": 5}
    values.update(fields)
    if values["held_on"] == "tomorrow":
        values["held_on"] = local_today() + timedelta(days=1)
    elif values["held_on"] == "long ago":
        values["held_on"] = local_today() - timedelta(days=3 * 365)
    with pytest.raises(IntakeError) as info:
        create_meeting(draft, point, actor=facilitator, **values)
    assert info.value.field == field
    assert words in info.value.message
    assert _count(db) == 0


def test_update_meeting_changes_fields_and_moves_comment_dates(db, meeting, facilitator):
    from consult.comments.services import enter_comment

    comment = enter_comment(meeting.draft, contact_point=meeting.contact_point, anchor="3", body="好",
                            meeting=meeting, actor=facilitator)
    db.session.commit()
    new_date = meeting.held_on - timedelta(days=2)
    update_meeting(meeting, actor=facilitator, held_on=new_date, attendance=40, kind="discussion")
    db.session.commit()
    assert (meeting.held_on, meeting.attendance, meeting.kind) == (new_date, 40, "discussion")
    assert comment.submitted_on == new_date
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "meeting.update"))
    assert set(event.details) == {"held_on", "attendance", "kind"}


def test_update_meeting_bad_value_changes_nothing(db, meeting, facilitator):
    before = (meeting.held_on, meeting.attendance)
    with pytest.raises(IntakeError):
        update_meeting(meeting, actor=facilitator, attendance=5, held_on=local_today() + timedelta(days=3))
    db.session.rollback()
    assert (meeting.held_on, meeting.attendance) == before


def test_update_meeting_refuses_unknown_field_and_other_facilitator(db, meeting, make_user, other_point):
    owner = meeting.contact_point.facilitators[0]
    with pytest.raises(IntakeError):
        update_meeting(meeting, actor=owner, draft_id=99)
    stranger = make_user("facilitator", [other_point])
    with pytest.raises(IntakeError):
        update_meeting(meeting, actor=stranger, attendance=1)


def test_update_without_changes_records_nothing(db, meeting, facilitator):
    update_meeting(meeting, actor=facilitator, attendance=meeting.attendance)
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "meeting.update")) == 0
