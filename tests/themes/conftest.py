"""Fixtures for the themes tests: a draft whose comments carry planted topics (tests/themes/corpus.py)."""
from __future__ import annotations

from datetime import date

import pytest

from consult.comments.services import enter_comment
from tests.themes.corpus import TOPICS, planted

ARTICLES = ("1", "2", "3", "4")  # the small draft's articles that get planted topics (3 each)
PER_ARTICLE = 72  # 24 comments per topic


@pytest.fixture
def staff(make_user):
    """A legislative staff member (法工委)."""
    return make_user("staff")


@pytest.fixture
def corpus(db, make_draft, make_contact_point, staff):
    """The small draft with 3 planted topics on each of articles 1–4 (distinct vocabularies).

    Returns (draft, {comment id: (article, topic index)})."""
    draft = make_draft()
    point = make_contact_point()
    truth = {}
    for group, topic, body in planted(len(ARTICLES), PER_ARTICLE, seed=5):
        comment = enter_comment(draft, contact_point=point, anchor=ARTICLES[group], body=body,
                                submitted_on=date(2026, 11, 18), actor=staff)
        truth[comment.id] = (ARTICLES[group], topic)
    db.session.commit()
    return draft, truth


def topic_words(topic: int) -> tuple[str, ...]:
    """The defining words of a planted topic."""
    return TOPICS[topic].words
