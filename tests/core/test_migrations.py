"""Migrations build exactly the schema the models describe, on SQLite and (when set) PostgreSQL."""
import os
import warnings

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from consult import create_app
from consult.config import PROJECT_ROOT
from consult.extensions import db

MIGRATIONS = str(PROJECT_ROOT / "migrations")




@pytest.fixture(params=["sqlite", "postgresql"])
def migration_app(request, tmp_path):
    url = f"sqlite:///{tmp_path}/migrate.db"
    if request.param == "postgresql":
        url = os.environ.get("TEST_DATABASE_URL", "")
        if not url.startswith("postgres"):
            pytest.skip("TEST_DATABASE_URL is not PostgreSQL (CI runs this case against PostgreSQL)")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True,
                      "SEARCH_INDEX_DIR": str(tmp_path / "index")})
    with app.app_context():
        db.drop_all()
        db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
        yield app
        db.session.remove()
        db.drop_all()
        db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
        db.engine.dispose()


def test_upgrade_matches_models_and_downgrades(migration_app):
    upgrade(directory=MIGRATIONS, revision="heads")
    with db.engine.connect() as connection, warnings.catch_warnings():
        # The search token index exists on PostgreSQL only (an expression index, `ddl_if`); SQLite's
        # reflection cannot compare expression indexes and says so.
        warnings.filterwarnings("ignore", message=".*expression-based index 'ix_search_documents_tokens'")
        diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert diff == []
    tables = set(inspect(db.engine).get_table_names())
    assert {"drafts", "draft_versions", "divisions", "articles", "comments", "contact_points", "meetings",
            "users", "audit_events", "search_outbox", "tags", "duplicate_groups", "export_jobs"} <= tables
    downgrade(directory=MIGRATIONS, revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
