"""The index follows the database: after commit, never on rollback, repaired by sync, checked by verify."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from consult.search.models import SearchOutbox
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


def test_busy_index_leaves_rows_queued(app, db, make_draft, add_comment, monkeypatch):
    from consult.search import backend as backend_module

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
