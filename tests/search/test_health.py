"""A damaged, missing or lagging index: commands answer in one line, staff see a banner, query exports
refuse, and a rebuild (which never reads the old index) repairs it (issue 9 #7)."""
from __future__ import annotations

import os
import shutil
from datetime import timedelta

import pytest

from consult.search.queries import SearchUnavailable, matching_comment_ids
from consult.search.services import current_backend, index_ready, search_health, verify


@pytest.fixture
def indexed(db, make_draft, add_comment):
    """A draft with three comments, all indexed."""
    draft = make_draft()
    comments = [add_comment(draft, f"景区厕所第{i}处要改造。", anchor="第三条") for i in range(3)]
    assert index_ready()
    return draft, comments


def _generation_dir(app) -> str:
    root = app.config["SEARCH_INDEX_DIR"]
    return os.path.join(root, current_backend().current_generation())


def damage_segments(app) -> None:
    """Overwrite every segment file of the live generation with garbage (a disk fault, a bad copy)."""
    path = _generation_dir(app)
    for name in os.listdir(path):
        if name.endswith(".seg") or name.startswith("_MAIN"):
            with open(os.path.join(path, name), "r+b") as handle:
                size = os.path.getsize(handle.name)
                handle.write(b"\x9f\x00garbage" * (size // 9 + 1))


@pytest.mark.whoosh_only("damaged index files; the PostgreSQL case is in test_postgres_backend.py")
@pytest.mark.parametrize("damage", ["segments", "toc"])
def test_damaged_index_is_reported_and_rebuilt(app, runner, indexed, damage, client, auth, staff):
    draft, comments = indexed
    path = _generation_dir(app)
    if damage == "segments":
        damage_segments(app)
    else:
        for name in os.listdir(path):
            if name.endswith(".toc"):
                with open(os.path.join(path, name), "wb") as handle:
                    handle.write(b"not a table of contents")
    current_backend().__init__(current_backend().root)  # a fresh process: nothing cached in memory
    health = search_health()
    assert health.status == "unreadable" and not index_ready() and "rebuild" in health.message
    with pytest.raises(SearchUnavailable):
        matching_comment_ids("厕所", draft_id=draft.id)

    auth.login(staff)
    page = client.get("/search/comments", query_string={"q": "厕所", "draft_id": draft.id})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "search-health" in html and "无法读取" in html

    for command in (["search", "sync"], ["search", "verify"]):
        result = runner.invoke(args=command)
        assert result.exit_code != 0, command
        assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1
        assert "rebuild" in result.output
    result = runner.invoke(args=["search", "rebuild"])
    assert result.exit_code == 0, result.output
    assert verify()["ok"] and index_ready()
    assert sorted(matching_comment_ids("厕所", draft_id=draft.id)) == sorted(c.id for c in comments)


@pytest.mark.whoosh_only("the index directory; the PostgreSQL case is in test_postgres_backend.py")
def test_deleted_index_directory_shows_missing_and_exports_refuse(app, indexed, client, auth, staff):
    draft, _ = indexed
    shutil.rmtree(app.config["SEARCH_INDEX_DIR"])
    health = search_health()
    assert health.status == "missing" and not health.ready
    with pytest.raises(SearchUnavailable) as info:
        matching_comment_ids("厕所", draft_id=draft.id)
    assert "rebuild" in info.value.message
    assert matching_comment_ids("", draft_id=draft.id)  # without a query the database answers alone
    auth.login(staff)
    html = client.get("/search/comments", query_string={"draft_id": draft.id}).get_data(as_text=True)
    assert "search-health" in html and "索引是空的" in html


def test_index_behind_only_when_queued_changes_are_old(app, db, indexed, make_draft, add_comment):
    from consult.database import utcnow
    from consult.outbox import SearchOutbox

    draft, _ = indexed
    app.config["SEARCH_INDEXING"] = "external"  # nobody drains the outbox now
    add_comment(draft, "新来的意见。")
    assert search_health().status == "ok"  # just queued: the indexer has a moment to catch up
    db.session.query(SearchOutbox).update({"created_at": utcnow() - timedelta(minutes=10)})
    db.session.commit()
    health = search_health()
    assert health.status == "behind" and health.pending >= 1 and not index_ready()
    with pytest.raises(SearchUnavailable):
        matching_comment_ids("厕所", draft_id=draft.id)


def test_healthy_index_shows_no_banner(client, auth, staff, indexed):
    draft, _ = indexed
    auth.login(staff)
    html = client.get("/search/comments", query_string={"q": "厕所", "draft_id": draft.id}).get_data(as_text=True)
    assert "search-health" not in html and "景区<mark>厕所</mark>" in html
