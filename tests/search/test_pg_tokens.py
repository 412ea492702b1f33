"""The SQL side of the PostgreSQL backend's analysis agrees with the Python analysis, on generated texts:
`consult_search_tokens(ntext)` gives exactly `bigram_tokens`' set, and `term_regex` is true exactly when
`has_sequence` is (mixed Latin/CJK terms, punctuation, spaces, Latin-1 letters, CJK extension B)."""
from __future__ import annotations

import os
import random

import pytest
from sqlalchemy import text

from consult.search.analysis import (CJK_GAP_RE, bigram_tokens, has_sequence, normalize, query_cjk_run,
                                     query_pieces)
from consult.search.postgres_backend import term_regex

pytestmark = pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL", "").startswith("postgres"),
                                reason="needs TEST_DATABASE_URL=postgresql://… (CI's second run)")

ALPHABET = list("民宿经营景区停车门票旅游全域预约") + ["𠀀", "𠀁"] + list("ab5g0zé") + list(" ，。、-()《》") + ["\u3000"]


def _texts(rng: random.Random, n: int) -> list[str]:
    return [normalize("".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 24)))) for _ in range(n)]


def test_sql_tokens_are_the_python_tokens(db):
    rng = random.Random(8)
    texts = _texts(rng, 400) + ["", "a级景区，5g网络 wifi 旅游。", "区", "é", "𠀀𠀁民"]
    rows = db.session.execute(text("SELECT t, array_to_string(tsvector_to_array(consult_search_tokens(t)), '|') "
                                   "FROM unnest(CAST(:texts AS text[])) AS t"), {"texts": texts}).all()
    assert len(rows) == len(texts)
    for value, tokens in rows:
        assert set(filter(None, (tokens or "").split("|"))) == set(bigram_tokens(value)), value


def test_mixed_term_regex_is_has_sequence(db):
    rng = random.Random(9)
    texts = _texts(rng, 120)
    terms = ["a级景区", "5g网络", "区a", "景区a旅", "a 5g", "民宿，价格", "门票5g", "区,a", "é民", "ab5g", "5g区"]
    for value in texts[:40]:  # pieces of the texts themselves: plenty of true cases
        if len(value) > 3:
            start = rng.randrange(len(value) - 2)
            terms.append(value[start:start + rng.randint(2, 8)])
    checked = agreed_true = 0
    for term in terms:
        normalized = CJK_GAP_RE.sub("", normalize(term))
        pieces = query_pieces(term)
        if len(pieces) < 2 or query_cjk_run(term) is not None:
            continue  # one token: the index alone; a pure-CJK run: confirmed with LIKE, not the regex
        pattern = term_regex(normalized)
        found = dict(db.session.execute(text("SELECT t, t ~ :p FROM unnest(CAST(:texts AS text[])) AS t"),
                                        {"p": pattern, "texts": texts}).all())
        for value in texts:
            expected = has_sequence(bigram_tokens(value), pieces)
            assert found[value] == expected, (term, value, pattern)
            checked += 1
            agreed_true += expected
    assert checked > 1000 and agreed_true > 20  # both outcomes are exercised
