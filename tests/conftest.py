"""Fixture chain: app → db → client/runner → factories (which go through the services)."""
from __future__ import annotations

import os
from datetime import timedelta

import pytest
from sqlalchemy import inspect, text

from consult import create_app, queue
from consult.config import TestConfig
from consult.database import utcnow
from consult.extensions import db as _db

SMALL_DRAFT = """清江市文明旅游促进条例（草案）

第一章　总则
第一条　为了促进文明旅游，根据有关法律、行政法规，结合本市实际，制定本条例。
第二条　本市行政区域内的旅游活动，适用本条例。
第二章　游客与经营者
第三条　游客应当遵守下列规定：
（一）爱护旅游资源；
（二）遵守景区秩序；
（三）尊重当地风俗。
游客违反前款规定的，由景区劝阻。
第四条　旅游经营者应当诚信经营。
民宿经营者应当向所在地公安机关登记。
第三章　附则
第五条　本条例自2027年1月1日起施行。
"""


@pytest.fixture
def app_config(tmp_path) -> dict:
    """Per-test configuration; override in a module to change it."""
    return {"SEARCH_INDEX_DIR": str(tmp_path / "index"), "EXPORT_DIR": str(tmp_path / "exports")}


@pytest.fixture
def app(app_config):
    """A fresh app and a fresh schema for each test (SQLite in memory, or TEST_DATABASE_URL)."""
    class Config(TestConfig):
        pass

    for key, value in app_config.items():
        setattr(Config, key, value)
    application = create_app(Config)
    with application.app_context():
        reset_schema(_db)
        yield application
        queue.wait_all("", 60)  # background jobs a test started end before its schema goes
        _db.session.remove()
        if _db.engine.dialect.name != "postgresql":
            _db.drop_all()
        _db.engine.dispose()


_schema_built_in_this_process = False


def reset_schema(db) -> None:
    """An empty schema for the next test: rebuilt on SQLite; on PostgreSQL built once, then truncated."""
    global _schema_built_in_this_process
    if db.engine.dialect.name != "postgresql":
        db.drop_all()
        db.create_all()
        return
    tables = [table.name for table in db.metadata.sorted_tables]
    if not _schema_built_in_this_process or not set(tables) <= set(inspect(db.engine).get_table_names()):
        db.drop_all()
        db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
        db.create_all()
        _schema_built_in_this_process = True
        return
    for table in reversed(db.metadata.sorted_tables):  # DELETE beats TRUNCATE on tiny tables
        db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture
def db(app):
    """The database handle, inside the app context."""
    return _db


@pytest.fixture
def client(app):
    """A test client for the app."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner for the app's commands."""
    return app.test_cli_runner()


@pytest.fixture
def make_user(db):
    """Create a user through the accounts service: make_user("staff") or make_user("facilitator", [cp])."""
    from consult.accounts.services import create_user

    counter = {"n": 0}

    def factory(role="citizen", contact_points=(), username=None, password="password123"):
        counter["n"] += 1
        user = create_user(username or f"{role}{counter['n']}", password, role, contact_points=contact_points)
        db.session.commit()
        return user

    return factory


@pytest.fixture
def make_contact_point(db):
    """Create a contact point through the CSV import service."""
    from sqlalchemy import select

    from consult.contact_points.imports import import_contact_points
    from consult.contact_points.models import ContactPoint

    def factory(code="QJ-T-01", name="测试街道基层立法联系点", district="测试区"):
        import_contact_points(f"code,name,district\n{code},{name},{district}\n")
        db.session.commit()
        return db.session.scalar(select(ContactPoint).where(ContactPoint.code == code))

    return factory


@pytest.fixture
def make_draft(db):
    """Import a text through the drafts service; published and open unless told otherwise."""
    from consult.drafts.services import import_draft, publish_draft

    def factory(text: str = SMALL_DRAFT, filename="draft.txt", published=True, open_days=30, **kwargs):
        version = import_draft(text.encode("utf-8"), filename, **kwargs)
        if published:
            now = utcnow()
            publish_draft(version.draft, now - timedelta(days=1), now + timedelta(days=open_days))
        db.session.commit()
        return version.draft

    return factory


class AuthActions:
    """Sign in and out through the real login form."""

    def __init__(self, client):
        self._client = client

    def login(self, user_or_name, password="password123"):
        username = getattr(user_or_name, "username", user_or_name)
        return self._client.post("/accounts/login", data={"username": username, "password": password})

    def logout(self):
        return self._client.post("/accounts/logout")


@pytest.fixture
def auth(client):
    """Login helper bound to the test client."""
    return AuthActions(client)


def postgres_url() -> str | None:
    """The PostgreSQL URL the suite runs against, if any."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    return url if url.startswith("postgresql") else None
