"""The pure analysis on a constructed corpus with known topics: the planted topics come out as separate
clusters, the key terms name each topic's words, and the terms are words (no overlapping fragments)."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from consult.themes import analysis
from consult.themes.analysis import analyse
from tests.themes.corpus import TOPICS, planted


def _predicted(result) -> dict[int, int]:
    return {member: number for number, cluster in enumerate(result.clusters) for member in cluster.members}


def _purity(truth: list[int], predicted: list[int]) -> float:
    """Share of comments whose cluster's majority topic is their own (unclustered comments count wrong)."""
    right = 0
    for label in set(predicted) - {-1}:
        topics = [t for t, p in zip(truth, predicted) if p == label]
        right += max(topics.count(t) for t in set(topics))
    return right / len(truth)


def _check(data, results, expect_clusters=3, min_ari=0.9):
    for result in results:
        rows = [i for i, (group, _t, _b) in enumerate(data) if group == result.key]
        predicted = _predicted(result)
        truth = [data[i][1] for i in rows]
        labels = [predicted.get(i, -1) for i in rows]
        assert len(result.clusters) == expect_clusters, [c.size for c in result.clusters]
        assert adjusted_rand_score(truth, labels) >= min_ari
        assert _purity(truth, labels) >= 0.95
        for cluster in result.clusters:  # the representative makes its cluster's point
            topics = [data[m][1] for m in cluster.members]
            majority = max(set(topics), key=topics.count)
            assert data[cluster.representative][1] == majority
            assert cluster.representative == cluster.members[0]


def test_planted_topics_come_out_as_separate_clusters():
    data = planted(6, 90, seed=11)
    results = analyse([b for _g, _t, b in data], [g for g, _t, _b in data])
    assert [r.key for r in results] == list(range(6))
    _check(data, results)


def test_big_groups_sampled_then_assigned_keep_the_topics(monkeypatch):
    """Past EXACT_LIMIT a group is clustered on a sample and the rest assigned: same outcome."""
    monkeypatch.setattr(analysis, "EXACT_LIMIT", 120)
    data = planted(3, 600, seed=4, distinct=False)
    results = analyse([b for _g, _t, b in data], [g for g, _t, _b in data])
    _check(data, results)
    assert all(r.size == 600 for r in results)


def test_key_terms_name_each_topics_words_and_never_overlap():
    data = planted(4, 90, seed=2)
    results = analyse([b for _g, _t, b in data], [g for g, _t, _b in data])
    for result in results:
        words = [t.word for t in result.terms]
        for topic in {t for g, t, _b in data if g == result.key}:
            found = [w for w in TOPICS[topic].words if any(w in term or term in w for term in words)]
            assert len(found) >= 2, (TOPICS[topic].name, words)
        for i, a in enumerate(words):  # no fragment of another term, no shared stop words
            assert all(a not in b and b not in a for b in words[i + 1:])
            assert a not in analysis.STOP_WORDS and len(a) >= 2
        assert [t.score for t in result.terms] == sorted((t.score for t in result.terms), reverse=True)
        # a topic's words are distinctive of the article that holds it, not of the others
        other = next(r for r in results if r.key != result.key)
        assert not set(words[:3]) & {t.word for t in other.terms[:3]}


def test_traditional_characters_are_analysed_as_simplified():
    data = planted(2, 60, seed=8)
    texts = [b for _g, _t, b in data]
    traditional = [t.replace("门票", "門票").replace("价格", "價格") for t in texts]
    plain = analyse(texts, [g for g, _t, _b in data])
    folded = analyse(traditional, [g for g, _t, _b in data])
    assert [[t.word for t in r.terms] for r in plain] == [[t.word for t in r.terms] for r in folded]


def test_small_or_empty_input():
    assert analyse([], []) == []
    results = analyse(["。", "123", "……"], ["a", "a", "b"])
    assert [(r.key, r.size, r.clusters) for r in results] == [("a", 2, []), ("b", 1, [])]
    with pytest.raises(ValueError):
        analyse(["一"], [])


def test_one_group_only_ranks_its_frequent_words():
    data = planted(1, 60, seed=3)
    result, = analyse([b for _g, _t, b in data], [0] * len(data))
    assert result.terms and all(t.score > 0 for t in result.terms)
    assert len(result.clusters) == 3


def test_log_odds_favours_words_over_represented_in_the_group():
    counts = np.array([30.0, 5.0, 5.0])
    totals = np.array([40.0, 200.0, 50.0])
    z = analysis.log_odds_z(counts, totals, 10 * totals / totals.sum())
    assert z[0] > 0 > z[1]
