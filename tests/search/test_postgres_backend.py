"""The PostgreSQL search backend: same answers as Whoosh on a generated corpus, busy/rebuild/missing cases.

The rest of the search suite runs on both backends through `tests/search/conftest.py`; this module holds
what only makes sense for the table-based index (and the cross-backend equivalence check).
"""
from __future__ import annotations

import os
import random
import threading

import pytest
from sqlalchemy import text

from consult.search.analysis import normalize
from consult.search.backend import IndexBusy, IndexUnavailable, get_backend
from consult.search.documents import ArticleInfo, comment_fields
from consult.search.syntax import parse_query

pytestmark = pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL", "").startswith("postgres"),
                                reason="the PostgreSQL search backend needs TEST_DATABASE_URL=postgresql://… "
                                       "(CI's second run)")

PHRASES = ["民宿", "经营者", "景区", "停车场", "公共厕所", "A级景区", "5G网络", "旅遊", "預約", "门票价格",
           "文明旅游", "导游", "投诉", "退款", "无障碍", "老年人", "夜间经济", "露营地", "研学", "非遗",
           "第三条", "第十二条之一", "QR", "wifi", "消费者", "安全", "应急", "卫生", "标识", "志愿者"]
FILLER = "的了和对在应当建议希望增加删除修改规定明确具体措施"
CHANNELS = ["meeting", "online", "letter"]
STATES = ["pending", "published", "rejected"]


def _body(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(2, 7)):
        parts.append(rng.choice(PHRASES))
        parts.append("".join(rng.choice(FILLER) for _ in range(rng.randint(0, 4))))
        if rng.random() < 0.2:
            parts.append(rng.choice(["，", "。", " ", "、", "（", "）"]))
    return "".join(parts)


def _corpus(size: int = 400, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    infos = {a: ArticleInfo(position=a, number_key=str(a), division_ids=f"{100 + a // 3} {200 + a // 6}")
             for a in range(1, 16)}
    docs = []
    for cid in range(1, size + 1):
        article = rng.choice([None, *infos])
        docs += comment_fields(
            cid, 1 + cid % 2, 10 + cid % 2, article, "article" if article else "general", _body(rng),
            _body(rng) if rng.random() < 0.3 else "", "", rng.choice(CHANNELS), rng.choice(["", "resident"]),
            rng.choice(STATES), rng.choice([None, "adopted", "rejected"]), None, None,
            rng.choice(["P1", "P2", ""]), rng.choice(["东区", "西区", ""]),
            rng.sample(["交通", "价格", "环境"], rng.randint(0, 2)), infos.get(article))
    return docs


def _queries(docs: list[dict], rng: random.Random) -> list[str]:
    texts = [normalize(d["body"]) for d in docs if d["kind"] == "comment"]
    out = list(PHRASES) + ["区", "民", "a级", "5g", "旅游", "预约", "宿经", "不存在的词"]
    for _ in range(80):
        body = rng.choice(texts)
        if len(body) > 3:
            start = rng.randrange(len(body) - 2)
            piece = body[start:start + rng.randint(2, 5)].translate(str.maketrans("", "", '()"-'))
            out.append(piece.strip(",.、 ") or "民宿")
    out += ["民宿 OR 景区", "民宿 -停车场", "(导游 或 研学) 且 安全", "NOT 投诉", "渠道:座谈会 民宿",
            "标签:价格 景区", "状态:已公开", "\"门票价格\"", "条:3 民宿", "区:东区 OR 区:西区"]
    return [q for q in out if q.strip()]


@pytest.fixture
def backends(app, tmp_path):
    """A fresh Whoosh index and the PostgreSQL table, both holding the same generated documents."""
    docs = _corpus()
    whoosh = get_backend({"SEARCH_BACKEND": "whoosh", "SEARCH_INDEX_DIR": str(tmp_path / "whoosh")})
    postgres = get_backend({"SEARCH_BACKEND": "postgres",
                            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    postgres.clear()
    whoosh.index_documents(docs)
    postgres.index_documents(docs)
    return whoosh, postgres, docs


def test_both_backends_give_the_same_groups_and_totals(app, backends):
    whoosh, postgres, docs = backends
    rng = random.Random(3)
    filter_sets = [{}, {"draft": "1"}, {"channel": "meeting"}, {"division": "101"}, {"tags": "交通"},
                   {"date_from": "2026-01-01"}, {"draft_ids": ["1", "2"]}, {"draft_ids": []}]
    compared = 0
    for query in _queries(docs, rng):
        node = parse_query(query)
        for filters in filter_sets:
            assert postgres.grouped(node, filters) == whoosh.grouped(node, filters), (query, filters)
            compared += 1
        total_w, hits_w = whoosh.ranked(node, {}, 1000, kinds=("comment", "public_comment"))
        total_p, hits_p = postgres.ranked(node, {}, 1000, kinds=("comment", "public_comment"))
        assert total_p == total_w, query
        if total_w <= 200:  # both score every match: the same documents come back (scores differ)
            assert sorted(h[:2] for h in hits_p) == sorted(h[:2] for h in hits_w), query
    assert compared > 500
    assert postgres.grouped(None, {"draft": "2"}) == whoosh.grouped(None, {"draft": "2"})


def test_public_only_and_kinds(app, backends):
    whoosh, postgres, _docs = backends
    node = parse_query("民宿")
    for public_only in (False, True):
        assert (postgres.ranked(node, {}, 5000, kinds=("public_comment",), public_only=public_only)[0]
                == whoosh.ranked(node, {}, 5000, kinds=("public_comment",), public_only=public_only)[0])


def test_ranking_prefers_the_short_exact_comment(app, backends):
    _whoosh, postgres, _docs = backends
    short = comment_fields(10_001, 1, 10, None, "general", "露营地", "", "", "online", "", "pending", None,
                           None, None, "", "", [], None)
    postgres.index_documents(short)
    total, hits = postgres.ranked(parse_query("露营地"), {}, 3)
    assert total > 1 and hits[0][1] == 10_001


def test_state_fingerprints_delete_and_clear(app, backends):
    _whoosh, postgres, docs = backends
    state = postgres.state()
    assert state.readable and state.counts["comment"] == sum(d["kind"] == "comment" for d in docs)
    prints = postgres.fingerprints()
    assert len(prints) == len(docs) and prints[docs[0]["key"]] == docs[0]["fp"]
    postgres.delete([docs[0]["key"]])
    assert docs[0]["key"] not in postgres.fingerprints()
    postgres.clear()
    assert postgres.state().counts["comment"] == 0


def test_a_write_during_a_rebuild_is_refused_as_busy_and_readers_see_the_old_rows(app, backends, monkeypatch):
    from consult.search import postgres_backend

    _whoosh, postgres, docs = backends
    monkeypatch.setattr(postgres_backend, "LOCK_TIMEOUT", "300ms")
    node = parse_query("民宿")
    before = postgres.grouped(node, {})
    started, release = threading.Event(), threading.Event()
    errors = []

    def slow_docs():
        yield docs[0]
        started.set()
        release.wait(10)
        yield from docs[1:50]

    def run():
        try:
            postgres.rebuild(slow_docs())
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    assert started.wait(10)
    try:
        assert postgres.grouped(node, {}) == before  # the rebuild has not committed: old rows
        with pytest.raises(IndexBusy):
            postgres.apply([docs[60]], [])
    finally:
        release.set()
        worker.join(20)
    assert not errors
    assert postgres.state().counts["comment"] + postgres.state().counts["public_comment"] == 50


def test_busy_index_leaves_outbox_rows_queued(app, db, make_draft, add_comment, monkeypatch):
    from consult.search import postgres_backend
    from consult.search.services import current_backend, pending_count, sync_pending

    draft = make_draft()
    monkeypatch.setattr(postgres_backend, "LOCK_TIMEOUT", "200ms")
    backend = current_backend()
    with backend.engine.begin() as conn:
        conn.execute(text("LOCK TABLE search_documents IN SHARE ROW EXCLUSIVE MODE"))
        add_comment(draft, "停车难的问题")  # the after-commit indexing meets the lock: rows stay queued
        assert pending_count() >= 1
    assert sync_pending() >= 1 and pending_count() == 0
    from consult.search.queries import matching_comment_ids

    assert len(matching_comment_ids("停车难", draft_id=draft.id)) == 1


def test_missing_table_is_unreadable_not_an_error_page(app, db, make_draft, add_comment, client, auth, staff):
    from consult.search.services import current_backend, search_health

    draft = make_draft()
    add_comment(draft, "露营地卫生")
    db.session.execute(text("DROP TABLE search_documents"))
    db.session.commit()
    try:
        assert not current_backend().state().readable
        assert search_health().status == "unreadable"
        with pytest.raises(IndexUnavailable):
            current_backend().grouped(parse_query("露营"), {})
        auth.login(staff.username)
        page = client.get(f"/search/comments?draft_id={draft.id}&q=露营")
        assert page.status_code == 200 and "consult search rebuild" in page.get_data(as_text=True)
    finally:
        db.metadata.tables["search_documents"].create(db.engine)


def test_verify_and_rebuild_through_the_services(app, db, make_draft, add_comment, runner):
    from consult.search.services import current_backend

    draft = make_draft()
    comments = [add_comment(draft, f"建议增加停车位{i}号") for i in range(5)]
    assert runner.invoke(args=["search", "verify"]).exit_code == 0
    with current_backend().engine.begin() as conn:
        conn.execute(text("DELETE FROM search_documents WHERE key = :k"), {"k": f"comment:{comments[0].id}"})
    result = runner.invoke(args=["search", "verify"])
    assert result.exit_code == 1 and "missing 1" in result.output
    assert runner.invoke(args=["search", "rebuild"]).exit_code == 0
    assert runner.invoke(args=["search", "verify"]).exit_code == 0


@pytest.fixture
def search_backend():
    """The app of these tests runs on the PostgreSQL backend (the equivalence tests also open a Whoosh one)."""
    return "postgres"
