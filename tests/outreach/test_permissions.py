"""Who may print what: a point's facilitator and staff download its posters and its meetings' kits;
another point's facilitator, a citizen and anonymous visitors cannot (and nothing is made for them)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from consult.outreach.models import ShortLink


def _urls(draft, point, meeting) -> list[str]:
    return [f"/outreach/points/{point.id}", f"/outreach/points/{point.id}/drafts/{draft.id}/poster.docx",
            f"/outreach/meetings/{meeting.id}/kit", f"/outreach/meetings/{meeting.id}/kit.docx"]


def test_the_points_facilitator_and_staff_may_download(client, auth, facilitator, staff, draft, point, meeting):
    for user in (facilitator, staff):
        auth.login(user)
        assert [client.get(url).status_code for url in _urls(draft, point, meeting)] == [200] * 4
        auth.logout()


def test_another_points_facilitator_cannot(client, auth, db, other_facilitator, draft, point, meeting):
    auth.login(other_facilitator)
    assert [client.get(url).status_code for url in _urls(draft, point, meeting)] == [403] * 4
    before = meeting.attendance
    assert client.post(f"/outreach/meetings/{meeting.id}/sign-in", data={"count": "99"}).status_code == 403
    db.session.refresh(meeting)
    assert meeting.attendance == before
    assert db.session.scalar(select(func.count(ShortLink.id))) == 0


@pytest.mark.parametrize("role", ["anonymous", "citizen"])
def test_residents_cannot(client, auth, make_user, draft, point, meeting, role):
    if role == "citizen":
        auth.login(make_user("citizen"))
    codes = [client.get(url).status_code for url in _urls(draft, point, meeting)]
    assert codes == ([302] * 4 if role == "anonymous" else [403] * 4)
    assert client.get(f"/outreach/drafts/{draft.id}").status_code == (302 if role == "anonymous" else 403)


def test_the_facilitator_finds_posters_and_kits_by_links(client, auth, facilitator, draft, point, meeting):
    auth.login(facilitator)
    home = client.get("/intake/").get_data(as_text=True)
    assert f"/outreach/points/{point.id}" in home and f"/outreach/meetings/{meeting.id}/kit" in home
    assert f"/outreach/drafts/{draft.id}" in home
    posters = client.get(f"/outreach/points/{point.id}").get_data(as_text=True)
    assert f'action="/outreach/points/{point.id}/drafts/{draft.id}/poster.pdf"' in posters
    codes = client.get(f"/outreach/drafts/{draft.id}").get_data(as_text=True)
    assert f"/outreach/points/{point.id}/drafts/{draft.id}/poster.docx" in codes
    assert "/outreach/points/" + str(point.id + 1) not in codes  # only the facilitator's own points
    edit = client.get(f"/intake/meetings/{meeting.id}/edit").get_data(as_text=True)
    assert f"/outreach/meetings/{meeting.id}/kit" in edit


def test_staff_find_posters_from_the_workbench_and_admin(client, auth, make_user, staff, draft, point):
    auth.login(staff)
    assert f"/outreach/drafts/{draft.id}" in client.get(f"/review/drafts/{draft.id}").get_data(as_text=True)
    auth.logout()
    auth.login(make_user("admin"))
    assert f"/outreach/points/{point.id}" in client.get("/admin/contact-points").get_data(as_text=True)
