"""Several processes submit comments at once: nothing is lost and every receipt code is unique.

Runs on one file SQLite database in WAL mode, or on PostgreSQL when TEST_DATABASE_URL points at it.
Workers are `spawn`ed processes with their own app and engine, released together by a barrier.
"""
from __future__ import annotations

import multiprocessing
import queue
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from consult import create_app
from consult.database import utcnow
from consult.extensions import db
from tests.conftest import SMALL_DRAFT, postgres_url
from tests.concurrency import workers

WORKERS = 4
PER_WORKER = 25


@pytest.fixture
def shared_db(tmp_path):
    """A schema and a published, open draft on a database that several processes can reach."""
    url = postgres_url() or f"sqlite:///{tmp_path}/concurrent.db"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True,
                      "SEARCH_INDEX_DIR": str(tmp_path / "index"), "EXPORT_DIR": str(tmp_path / "exports")})
    from consult.drafts.services import import_draft, publish_draft

    with app.app_context():
        db.drop_all()
        db.create_all()
        version = import_draft(SMALL_DRAFT.encode("utf-8"), "draft.txt")
        now = utcnow()
        publish_draft(version.draft, now - timedelta(days=1), now + timedelta(days=30))
        db.session.commit()
        draft_id = version.draft_id
        if url.startswith("sqlite"):
            assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        db.session.remove()
        db.engine.dispose()
    yield {"app": app, "url": url, "draft_id": draft_id, "tmp": str(tmp_path)}
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def run_workers(target, shared, extra_args=()) -> list:
    """Start WORKERS spawned processes on `target`, wait for all, return their results (failing on errors)."""
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(WORKERS)
    results = ctx.Queue()
    processes = [ctx.Process(target=target, args=(shared["url"], shared["tmp"], shared["draft_id"], w,
                                                   PER_WORKER, barrier, results, *extra_args))
                 for w in range(WORKERS)]
    for process in processes:
        process.start()
    collected = []
    try:
        for _ in processes:
            collected.append(results.get(timeout=240))
    except queue.Empty:
        pytest.fail(f"only {len(collected)} of {WORKERS} workers reported within 240 s")
    finally:
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
    errors = [r for r in collected if r[0] == "error"]
    assert not errors, "\n\n".join(f"worker {w}:\n{tb}" for _, w, tb in errors)
    assert all(p.exitcode == 0 for p in processes), [p.exitcode for p in processes]
    return [payload for _, _, payload in collected]


def stored(shared) -> tuple[int, int, set[str]]:
    """(comments stored, distinct receipt codes, the codes) in the shared database."""
    from consult.comments.models import Comment

    with shared["app"].app_context():
        try:
            count = db.session.scalar(select(func.count(Comment.id)))
            distinct = db.session.scalar(select(func.count(func.distinct(Comment.receipt_code))))
            codes = set(db.session.scalars(select(Comment.receipt_code)))
            return count, distinct, codes
        finally:
            db.session.remove()


def test_concurrent_service_submissions_lose_nothing(shared_db):
    """4 processes × 25 comments through submit_online_comment: 100 stored, 100 distinct receipt codes."""
    payloads = run_workers(workers.service_worker, shared_db)
    sent = [code for codes in payloads for code in codes]
    assert len(sent) == WORKERS * PER_WORKER
    count, distinct, codes = stored(shared_db)
    assert count == WORKERS * PER_WORKER
    assert distinct == count
    assert set(sent) == codes


def test_concurrent_web_submissions_lose_nothing(shared_db):
    """4 processes × 25 POSTs to the comment form (test clients): all stored, each with its own receipt."""
    form = {"anchor": "3.1", "commenter_name": "", "commenter_category": "", "reason": "",
            "proposed_text": "", "contact": "", "website": ""}
    payloads = run_workers(workers.web_worker, shared_db, extra_args=(form,))
    failures = [f for p in payloads for f in p["failures"]]
    assert not failures, f"{len(failures)} submissions failed, first: {failures[0]}"
    sent = [code for p in payloads for code in p["codes"]]
    assert len(sent) == WORKERS * PER_WORKER
    count, distinct, codes = stored(shared_db)
    assert count == WORKERS * PER_WORKER
    assert distinct == count
    assert set(sent) == codes

