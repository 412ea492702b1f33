"""The index follows the database: after commit, never on rollback, repaired by sync, checked by verify."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from consult.outbox import SearchOutbox
from consult.search.queries import matching_comment_ids
from consult.search.services import current_backend, pending_count, rebuild, sync_pending, verify


def found(draft, query):
    return matching_comment_ids(query, draft_id=draft.id)


def test_committed_comment_is_indexed_after_commit(db, make_draft, add_comment):
    draft = make_draft()
    comment = add_comment(draft, "建议增设观光巴士专线。")
    assert found(draft, "观光巴士") == [comment.id]
    assert pending_count() == 0


def test_rolled_back_comment_is_never_indexed(db, make_draft, add_comment):
    draft = make_draft()
    comment = add_comment(draft, "建议增设观光巴士专线。", commit=False)
    db.session.flush()
    assert db.session.scalar(select(func.count()).select_from(SearchOutbox)) >= 1
    db.session.rollback()
    sync_pending()
    assert found(draft, "观光巴士") == []
    assert pending_count() == 0
    assert verify()["ok"]
    assert comment.id not in [int(k.split(":")[1]) for k in current_backend().fingerprints() if k.startswith("comment:")]


def test_flushed_then_committed_is_found(db, make_draft, add_comment):
    draft = make_draft()
    comment = add_comment(draft, "夜间景区照明要加强。", commit=False)
    db.session.flush()
    db.session.add(comment)  # more work in the same transaction after the flush
    db.session.commit()
    assert found(draft, "景区照明") == [comment.id]


def test_crash_after_commit_before_indexing_is_repaired_by_sync(app, db, make_draft, add_comment):
    draft = make_draft()
    app.config["SEARCH_INDEXING"] = "external"  # the hook does nothing: as if the process died after commit
    comment = add_comment(draft, "温泉度假区的收费标准要公开。")
    assert found(draft, "温泉") == []
    report = verify()
    assert not report["ok"] and f"comment:{comment.id}" in report["missing"] and report["pending"] >= 1
    assert sync_pending() >= 1
    assert found(draft, "温泉") == [comment.id]
    assert verify()["ok"]


@pytest.mark.whoosh_only("Whoosh's writer lock; the PostgreSQL case is in test_postgres_backend.py")
def test_busy_index_leaves_rows_queued(app, db, make_draft, add_comment, monkeypatch):
    from consult.search import whoosh_backend as backend_module

    draft = make_draft()
    monkeypatch.setattr(backend_module, "WRITER_TIMEOUT", 0.2)
    ix = current_backend().index()
    holder = ix.writer()  # another process holding Whoosh's single-writer lock
    try:
        comment = add_comment(draft, "缆车排队时间太长。")  # the hook's sync gives up after the bounded wait
        assert pending_count() >= 1
        assert found(draft, "缆车") == []
    finally:
        holder.cancel()
    sync_pending()
    assert found(draft, "缆车") == [comment.id]


def test_edits_moderation_decisions_tags_and_deletion_reach_the_index(db, make_draft, add_comment, staff):
    from consult.comments.services import delete_comment, update_comment
    from consult.review.services import decide_comment, set_tags

    draft = make_draft()
    comment = add_comment(draft, "停车场收费太贵。")
    update_comment(comment, actor=staff, body="停车场收费太贵，建议错峰优惠。")
    db.session.commit()
    assert found(draft, "错峰") == [comment.id]
    decide_comment(comment, "under_study", "需要调研", actor=staff)
    set_tags(comment, ["停车"], actor=staff)
    db.session.commit()
    assert matching_comment_ids("错峰", draft_id=draft.id, filters={"decision": "under_study", "tag": "停车"}) == [
        comment.id]
    assert verify()["ok"]
    delete_comment(comment, actor=staff)
    db.session.commit()
    assert found(draft, "错峰") == []
    assert verify()["ok"]


def test_verify_detects_missing_stale_and_orphaned(db, make_draft, add_comment):
    draft = make_draft()
    a = add_comment(draft, "第一条意见。")
    b = add_comment(draft, "第二条意见。")
    backend = current_backend()
    backend.delete([f"comment:{a.id}"])
    doc = {"key": f"comment:{b.id}", "kind": "comment", "eid": b.id, "body": "旧内容", "fp": "old"}
    backend.index_documents([doc, {"key": "comment:999999", "kind": "comment", "eid": 999999, "body": "孤儿",
                                   "fp": "x"}])
    report = verify()
    assert report["missing"] == [f"comment:{a.id}"]
    assert report["stale"] == [f"comment:{b.id}"]
    assert report["orphaned"] == ["comment:999999"]
    assert not report["ok"]
    rebuild()
    assert verify()["ok"]


@pytest.mark.whoosh_only("generation directories; the PostgreSQL rebuild is in test_postgres_backend.py")
def test_rebuild_swaps_in_a_new_directory_and_keeps_results(app, db, make_draft, add_comment):
    import os

    draft = make_draft()
    ids = [add_comment(draft, f"民宿登记第{i}号意见。").id for i in range(5)]
    before = current_backend().current_generation()
    assert rebuild() == 5 + len(draft.current_version.articles) + 1
    after = current_backend().current_generation()
    assert after != before
    assert os.listdir(app.config["SEARCH_INDEX_DIR"]).count(after) == 1
    assert before not in os.listdir(app.config["SEARCH_INDEX_DIR"])
    assert found(draft, "民宿登记") == ids


@pytest.mark.parametrize("anchor", ["总体", "名称", "新增", "第五条"])
def test_every_anchor_kind_is_indexed(db, make_draft, add_comment, anchor):
    draft = make_draft()
    comment = add_comment(draft, "关于旅游厕所的意见。", anchor=anchor)
    assert found(draft, "旅游厕所") == [comment.id]


def test_parallel_rebuild_in_worker_processes(tmp_path, monkeypatch):
    """The rebuild's forked workers read their own id ranges and write their own segments: nothing lost."""
    from datetime import timedelta
    from pathlib import Path

    from consult import create_app
    from consult.accounts.services import create_user
    from consult.contact_points.imports import import_contact_points
    from consult.contact_points.models import ContactPoint
    from consult.comments.services import enter_comment
    from consult.database import utcnow
    from consult.drafts.services import import_draft, publish_draft
    from consult.extensions import db as database
    from consult.search import services

    root = Path(__file__).resolve().parents[2]
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'consult.db'}", "TESTING": True,
                      "SEARCH_INDEX_DIR": str(tmp_path / "index"), "SEARCH_INDEXING": "external",
                      "RATELIMIT_ENABLED": False, "SECRET_KEY": "x"})
    monkeypatch.setattr(services, "PARALLEL_MIN_DOCUMENTS", 0)
    monkeypatch.setattr(services.os, "cpu_count", lambda: 2)
    with app.app_context():
        database.create_all()
        version = import_draft((root / "drafts" / "tourism_promotion_draft.txt").read_bytes(), "draft.txt")
        now = utcnow()
        publish_draft(version.draft, now - timedelta(days=1), now + timedelta(days=30))
        import_contact_points("code,name,district\nQJ-P-01,并行测试联系点,测试区\n")
        staff = create_user("staffp", "password123", "staff")
        point = database.session.query(ContactPoint).one()
        ids = [enter_comment(version.draft, contact_point=point, anchor=str(1 + i % 5), body=f"并行重建第{i}条意见",
                             actor=staff).id for i in range(41)]
        database.session.commit()
        count = services.rebuild()
        assert count == 41 + len(version.articles) + 1
        assert len(services.current_backend().searcher().reader().leaf_readers()) == 3  # 2 workers + main
        assert services.verify()["ok"]
        assert sorted(matching_comment_ids("并行重建", draft_id=version.draft_id)) == sorted(ids)
        database.session.remove()
        database.engine.dispose()
