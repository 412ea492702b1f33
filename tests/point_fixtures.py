"""Fixtures shared by the intake pages and the contact-point services: a facilitator bound to a point,
an open draft, a meeting (imported by tests/intake/conftest.py and tests/contact_points/conftest.py)."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from consult.contact_points.services import create_meeting, local_today


@pytest.fixture
def point(make_contact_point):
    """The facilitator's contact point."""
    return make_contact_point("QJ-A-01", "东湖街道基层立法联系点", "东湖区")


@pytest.fixture
def other_point(make_contact_point):
    """Another contact point, not the facilitator's."""
    return make_contact_point("QJ-B-02", "西山镇基层立法联系点", "西山区")


@pytest.fixture
def facilitator(make_user, point):
    """A facilitator bound to `point`."""
    return make_user("facilitator", [point])


@pytest.fixture
def draft(make_draft):
    """The small five-article draft, published and open."""
    return make_draft()


@pytest.fixture
def meeting(db, draft, point, facilitator):
    """A symposium held yesterday at `point`."""
    m = create_meeting(draft, point, held_on=local_today() - timedelta(days=1), kind="symposium",
                       place="社区会议室", attendance=12, actor=facilitator)
    db.session.commit()
    return m


def yesterday() -> date:
    """The day before today, in local time."""
    return local_today() - timedelta(days=1)
