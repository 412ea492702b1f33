"""`grouped_ranked` (one index search for the staff search page) answers exactly as `grouped` + `ranked`.

Runs on both backends (`search_backend` in conftest): Whoosh overrides it to match once, PostgreSQL reads
the matching set once in a CTE; both must agree with their own two-call answers on every query and filter.
"""
from __future__ import annotations

import random

from consult.search.backend import get_backend
from consult.search.queries import _top_hits, search_comments
from consult.search.services import current_backend
from consult.search.syntax import parse_query
from tests.search.test_postgres_backend import _corpus, _queries


def test_grouped_ranked_equals_grouped_then_ranked(app, search_backend):
    backend = get_backend(app.config)
    backend.clear()
    docs = _corpus(size=300, seed=11)
    backend.index_documents(docs)
    filter_sets = [{}, {"draft": "1"}, {"channel": "meeting"}, {"tags": "交通"}, {"draft_ids": []}]
    compared = matched = 0
    for query in _queries(docs, random.Random(5)):
        node = parse_query(query)
        for filters in filter_sets:
            for limit in (1, 20):
                grouped, best = backend.grouped_ranked(node, filters, limit)
                assert grouped == backend.grouped(node, filters), (query, filters)
                assert best == backend.ranked(node, filters, limit)[1], (query, filters, limit)
                compared += 1
                matched += bool(best)
    assert compared > 400 and matched > 200  # most queries find something: the comparison is not vacuous


def test_search_page_top_is_the_backends_ranking(app, db, make_draft, add_comment, search_backend):
    draft = make_draft()
    for body in ["民宿", "民宿经营者应当登记", "希望规范民宿价格", "景区停车难", "民宿噪音扰民，建议限制营业时间"]:
        add_comment(draft, body)
    results = search_comments("民宿", draft_id=draft.id, per_group=0, top=3)
    _, ranked = current_backend().ranked(parse_query("民宿"), {"draft": str(draft.id)}, 13)
    expected = _top_hits(ranked, ["民宿"], 3)  # the backend's own ranking, whole-word matches first
    assert results.total == 4
    assert [h.obj.id for h in results.top] == [h.obj.id for h in expected]
    assert results.top[0].obj.body == "民宿"  # the short exact comment first, highlighted
    assert "<mark" in str(results.top[0].snippet)
    assert search_comments("民宿", draft_id=draft.id, per_group=0).top == []  # not asked: not searched
