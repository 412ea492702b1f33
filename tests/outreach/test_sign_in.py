"""After the meeting the facilitator enters the sign-in count (签到人数): it becomes the meeting's attendance;
a bad count gets a message beside the field and changes nothing."""
from __future__ import annotations

from consult.audit.models import AuditEvent
from sqlalchemy import select


def test_the_sign_in_count_becomes_the_attendance(client, auth, db, facilitator, meeting):
    auth.login(facilitator)
    answer = client.post(f"/outreach/meetings/{meeting.id}/sign-in", data={"count": "23"})
    assert answer.status_code == 302
    db.session.refresh(meeting)
    assert meeting.attendance == 23
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "已记录签到人数：23 人" in page
    events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "meeting.update")))
    assert events and events[-1].details["attendance"] == [12, 23]


def test_a_bad_count_is_refused_and_changes_nothing(client, auth, db, facilitator, meeting):
    auth.login(facilitator)
    for bad, message in (("-3", "签到人数不能为负数。"), ("", "请填写签到人数。"), ("100001", "参加人数不能超过")):
        answer = client.post(f"/outreach/meetings/{meeting.id}/sign-in", data={"count": bad})
        assert answer.status_code == 422, bad
        assert message in answer.get_data(as_text=True)
        db.session.refresh(meeting)
        assert meeting.attendance == 12
