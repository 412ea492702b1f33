"""`consult backup` / `consult restore`: a restore on a fresh machine gives the same comments, decisions,
export files and search results; a restore never lands on top of data unless told to."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from consult import create_app
from consult.comments.models import Comment
from consult.comments.selection import Selection
from consult.comments.services import submit_online_comment
from consult.config import TestConfig
from consult.extensions import db as _db
from consult.review.services import decide_comment, publish_comment
from consult.search.queries import matching_comment_ids

COLUMNS = ("id", "receipt_code", "body", "reason", "commenter_name", "commenter_contact", "moderation_state",
           "decision", "decision_reason", "created_at", "submitted_on")


def comment_rows() -> list[tuple]:
    return [tuple(getattr(c, name) for name in COLUMNS)
            for c in _db.session.scalars(select(Comment).order_by(Comment.id))]


def staff_query(draft_id: int) -> list[int]:
    return sorted(matching_comment_ids(Selection.from_args({"q": "停车"}), draft_id=draft_id))


@pytest.fixture
def filled(app, db, draft, staff):
    """Two decided or pending comments (one with a contact) and one stored export file."""
    first = submit_online_comment(draft, anchor="3", body="建议增加停车位。", reason="节假日车多。",
                                  commenter_name="张三", contact="13811114444", wants_feedback=True,
                                  consent_personal_info=True)
    publish_comment(first, actor=staff)
    decide_comment(first, "adopted", "已在第三条增加停车规定。", actor=staff)
    submit_online_comment(draft, anchor="4", body="民宿登记要简化，停车也要规范。")
    db.session.commit()
    export = Path(app.config["EXPORT_DIR"]) / "7" / "意见汇总.docx"
    export.parent.mkdir(parents=True, exist_ok=True)
    export.write_bytes(b"PK\x03\x04 summary bytes")
    return draft


def fresh_app(tmp_path: Path):
    """Another machine: its own SQLite file, index folder and export folder."""
    class Fresh(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'fresh.db'}"
        SEARCH_INDEX_DIR = str(tmp_path / "fresh-index")
        EXPORT_DIR = str(tmp_path / "fresh-exports")

    return create_app(Fresh)


def test_restore_on_a_fresh_machine_gives_the_same_data_and_search(app, runner, filled, tmp_path):
    before, search_before = comment_rows(), staff_query(filled.id)
    assert len(before) == 2 and search_before
    archive = tmp_path / "consult-backup.zip"
    result = runner.invoke(args=["backup", str(archive)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(archive) as zf:
        assert {"manifest.json", "tables/comments.jsonl", "exports/7/意见汇总.docx"} <= set(zf.namelist())

    fresh = fresh_app(tmp_path)
    with fresh.app_context():
        _db.create_all()
        cli = fresh.test_cli_runner()
        result = cli.invoke(args=["restore", str(archive)])
        assert result.exit_code == 0, result.output
        assert comment_rows() == before
        assert (Path(fresh.config["EXPORT_DIR"]) / "7" / "意见汇总.docx").read_bytes() == b"PK\x03\x04 summary bytes"
        assert cli.invoke(args=["search", "rebuild"]).exit_code == 0
        assert staff_query(filled.id) == search_before
        client = fresh.test_client()  # the staff account came back with its password
        client.post("/accounts/login", data={"username": "staff1", "password": "password123"})
        page = client.get("/search/comments", query_string={"q": "停车"})
        assert page.status_code == 200 and "停车" in page.get_data(as_text=True)
        # New rows get new ids after a restore (sequences moved past the restored ones).
        draft = _db.session.get(type(filled), filled.id)
        added = submit_online_comment(draft, anchor="2", body="新意见")
        _db.session.commit()
        assert added.id > max(row[0] for row in before)
        _db.session.remove()
        _db.drop_all()


def test_restore_into_a_database_with_rows_is_refused(runner, filled, tmp_path, snapshot):
    archive = tmp_path / "b.zip"
    assert runner.invoke(args=["backup", str(archive)]).exit_code == 0
    before = snapshot()
    result = runner.invoke(args=["restore", str(archive)])
    assert result.exit_code != 0 and "not empty" in result.output and "--force" in result.output
    assert snapshot() == before


def test_restore_with_force_replaces_everything(runner, db, filled, tmp_path):
    archive = tmp_path / "b.zip"
    before = comment_rows()
    assert runner.invoke(args=["backup", str(archive)]).exit_code == 0
    submit_online_comment(filled, anchor="2", body="备份之后的意见")
    db.session.commit()
    result = runner.invoke(args=["restore", str(archive), "--force"])
    assert result.exit_code == 0, result.output
    assert comment_rows() == before


def test_backup_never_overwrites(runner, db, tmp_path):
    archive = tmp_path / "b.zip"
    archive.write_bytes(b"keep me")
    result = runner.invoke(args=["backup", str(archive)])
    assert result.exit_code != 0 and "already exists" in result.output
    assert archive.read_bytes() == b"keep me"


def _zip(entries: dict) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, body in entries.items():
            zf.writestr(name, body)
    return out.getvalue()


MANIFEST = '{"format": "consult-backup", "version": 1, "tables": ["users"], "rows": {}}'


@pytest.mark.parametrize("content, words", [
    (b"not a zip", "not a consult backup"),
    (_zip({"hello.txt": "hi"}), "not a consult backup"),
    (_zip({"manifest.json": '{"format": "other"}'}), "not a consult backup"),
    (_zip({"manifest.json": MANIFEST.replace('"users"', '"secrets"')}), "does not know"),
    (_zip({"manifest.json": MANIFEST, "tables/users.jsonl": "", "exports/../../evil.txt": "x"}), "unsafe"),
])
def test_bad_archives_are_refused_and_change_nothing(runner, db, tmp_path, snapshot, content, words):
    archive = tmp_path / "bad.zip"
    archive.write_bytes(content)
    before = snapshot()
    result = runner.invoke(args=["restore", str(archive)])
    assert result.exit_code != 0 and words in result.output and "Traceback" not in result.output
    assert snapshot() == before
    assert not (tmp_path.parent / "evil.txt").exists()
