"""Fixtures for the hostile-input suite: a snapshot of every table's row count, the usual actors."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select


@pytest.fixture
def snapshot(db):
    """snapshot() → {table: row count} over every table of the schema (audit log included)."""
    def take() -> dict[str, int]:
        db.session.rollback()  # read what is committed, not what a refused request left in the session
        return {table.name: db.session.scalar(select(func.count()).select_from(table))
                for table in db.metadata.sorted_tables}

    return take


@pytest.fixture
def draft(make_draft):
    """The small five-article draft of tests/conftest.py, published and open."""
    return make_draft()


@pytest.fixture
def point(make_contact_point):
    """A contact point (QJ-T-01)."""
    return make_contact_point()


@pytest.fixture
def facilitator(make_user, point):
    """A facilitator bound to `point`."""
    return make_user("facilitator", [point])


@pytest.fixture
def staff(make_user):
    """A legislative staff member."""
    return make_user("staff")


@pytest.fixture
def admin(make_user):
    """An administrator."""
    return make_user("admin")
