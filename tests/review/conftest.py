"""Fixtures for the workbench: an open draft, two contact points, users of every role, comment factories."""
from __future__ import annotations

from datetime import date

import pytest

from consult.comments.services import enter_comment, submit_online_comment


@pytest.fixture
def draft(make_draft):
    """The small five-article draft (chapters 总则 / 游客与经营者 / 附则), published and open."""
    return make_draft()


@pytest.fixture
def point(make_contact_point):
    """A contact point in 东湖区."""
    return make_contact_point("QJ-A-01", "东湖街道基层立法联系点", "东湖区")


@pytest.fixture
def other_point(make_contact_point):
    """A contact point in 西山区."""
    return make_contact_point("QJ-B-02", "西山镇基层立法联系点", "西山区")


@pytest.fixture
def staff(make_user):
    """A legislative staff member (法工委)."""
    return make_user("staff")


@pytest.fixture
def facilitator(make_user, point):
    """A facilitator bound to `point`."""
    return make_user("facilitator", [point])


@pytest.fixture
def citizen(make_user):
    """A registered citizen."""
    return make_user("citizen")


@pytest.fixture
def online(db, draft):
    """Factory: an online comment through the public service (moderation pending)."""
    def factory(body="建议景区公布实时客流量。", anchor="3", **fields):
        comment = submit_online_comment(draft, anchor=anchor, body=body, **fields)
        db.session.commit()
        return comment

    return factory


@pytest.fixture
def entered(db, draft, point, staff):
    """Factory: a comment recorded for a contact point (moderation internal)."""
    def factory(body="民宿登记手续应当简化。", anchor="4", contact_point=None, submitted_on=None, **fields):
        comment = enter_comment(draft, contact_point=contact_point or point, anchor=anchor, body=body,
                                submitted_on=submitted_on or date(2026, 11, 18), actor=staff, **fields)
        db.session.commit()
        return comment

    return factory


@pytest.fixture
def signed_in(auth, staff):
    """The staff member, signed in."""
    auth.login(staff)
    return staff
