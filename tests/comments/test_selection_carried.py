"""The `carried` criterion of Selection (issue 10 §3): staff filter comments by what became of their article
in the current version — changed (modified, merged, split), unchanged (or made on the current version),
deleted — through the draft's article lineage."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from consult.comments.models import Comment
from consult.comments.selection import Selection, SelectionError
from tests.lineage_fixtures import comments_across_readings


@pytest.fixture
def made(db, draft, point, staff):
    return comments_across_readings(db, draft, point, staff)


def _matching(db, selection) -> set[int]:
    return set(db.session.scalars(select(Comment.id).where(*selection.conditions())))


def test_each_criterion_takes_the_comments_whose_article_fared_so(db, draft, made):
    changed = Selection.from_args({"carried": "changed"}, draft)
    unchanged = Selection.from_args({"carried": "unchanged"}, draft)
    deleted = Selection.from_args({"carried": "deleted"}, draft)
    assert _matching(db, changed) == {made["on_2"].id}
    assert _matching(db, unchanged) == {made["on_3"].id, made["new_3"].id}  # renumbered, and today's text
    assert _matching(db, deleted) == {made["on_4"].id}
    everything = _matching(db, changed) | _matching(db, unchanged) | _matching(db, deleted)
    assert made["general"].id not in everything  # a comment on the whole draft concerns no article


def test_staff_changing_the_lineage_changes_what_the_filter_takes(db, draft, made, staff):
    from consult.drafts.lineage_services import add_link

    second = made["second"]
    old4 = next(a for a in draft.versions[0].articles if a.label == "第四条")
    new3 = next(a for a in second.articles if a.label == "第三条")
    add_link(second, old4.id, new3.id, staff)  # staff: the 民宿 article lives on in the new 第三条
    db.session.commit()
    assert made["on_4"].id in _matching(db, Selection.from_args({"carried": "changed"}, draft))
    assert not _matching(db, Selection.from_args({"carried": "deleted"}, draft))


def test_words_are_accepted_and_bad_values_refused(db, draft, made):
    assert Selection.from_args({"carried": "已删除"}, draft).carried == "deleted"
    assert Selection.from_args({"carried": "未变化"}, draft).carried == "unchanged"
    lenient = Selection.from_args({"carried": "maybe"}, draft)
    assert lenient.carried is None and any("maybe" in e for e in lenient.errors)
    with pytest.raises(SelectionError) as caught:
        Selection.from_args({"carried": "maybe"}, draft, strict=True)
    assert caught.value.field == "carried" and "已变化" in caught.value.message


def test_round_trip_description_and_sql_only(db, draft, made):
    selection = Selection.from_args({"carried": "changed", "channel": "座谈会"}, draft)
    assert Selection.from_args(selection.to_args(), draft) == selection
    assert selection.to_args()["carried"] == "changed"
    assert "条文变化：条文已变化" in selection.describe()
    assert selection.needs_sql_only()  # the index has no such field: search checks it in the database
    assert "carried" not in selection.index_filters()


def test_without_a_draft_the_criterion_spans_every_draft(db, draft, made, make_draft):
    other = make_draft()  # one version only: every comment on it would be "unchanged"
    assert _matching(db, Selection.from_args({"carried": "deleted"})) == {made["on_4"].id}
    assert other.id
