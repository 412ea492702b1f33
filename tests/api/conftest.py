"""Fixtures for the API tests: an open draft, tokens made through the token service, JSON helpers."""
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
def admin(make_user):
    """An administrator (creates tokens)."""
    return make_user("admin")


@pytest.fixture
def staff(make_user):
    """A legislative staff member (decides, publishes)."""
    return make_user("staff")


@pytest.fixture
def make_token(db, admin):
    """make_token(scopes, contact_point=None) → (token, secret), through the token service."""
    from consult.api.services import create_token

    def factory(scopes=(), contact_point=None, name="测试系统"):
        token, secret = create_token(name, list(scopes), contact_point=contact_point, actor=admin)
        db.session.commit()
        return token, secret

    return factory


@pytest.fixture
def bearer():
    """bearer(secret) → the Authorization header."""
    return lambda secret: {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def count(db):
    """count(Model, *where) → rows now."""
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
