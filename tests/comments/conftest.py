"""Fixtures for the comments tests: an open draft, a contact point and its facilitator, row counters."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from consult.database import utcnow


@pytest.fixture
def draft(make_draft):
    """The small 5-article draft of tests/conftest.py, published and open."""
    return make_draft()


@pytest.fixture
def point(make_contact_point):
    """A contact point (QJ-T-01)."""
    return make_contact_point()


@pytest.fixture
def other_point(make_contact_point):
    """A second contact point (QJ-T-02)."""
    return make_contact_point(code="QJ-T-02", name="另一个联系点")


@pytest.fixture
def facilitator(make_user, point):
    """A facilitator bound to `point` only."""
    return make_user("facilitator", [point])


@pytest.fixture
def staff(make_user):
    """A legislative staff member."""
    return make_user("staff")


@pytest.fixture
def count(db):
    """count(Model) → rows in its table now."""
    def counter(model, *where):
        return db.session.scalar(select(func.count()).select_from(model).where(*where))

    return counter


@pytest.fixture
def close_window(db):
    """close_window(draft) ends the draft's comment window one minute ago."""
    def close(draft):
        draft.comment_closes_at = utcnow() - timedelta(minutes=1)
        db.session.commit()

    return close


@pytest.fixture
def meeting(db, draft, point, facilitator):
    """A symposium at `point` about `draft`, recorded through the intake service."""
    from consult.contact_points.services import create_meeting, local_today

    m = create_meeting(draft, point, held_on=local_today() - timedelta(days=1), kind="symposium",
                       place="社区会议室", attendance=12, actor=facilitator)
    db.session.commit()
    return m
