"""The one implementation of the shared comment filters (workbench, search, exports)."""
from datetime import date

import pytest
from sqlalchemy import select

from consult.comments.filters import FilterError, collect_filters, comment_conditions, parse_filters
from consult.comments.models import Comment
from consult.comments.services import enter_comment, submit_online_comment


def test_collect_types_values_and_reports_bad_ones():
    filters, errors = collect_filters({"article_id": "7", "date_from": "2026-11-01", "date_to": "nope",
                                       "channel": "pigeon", "decision": "none", "tag": " 民宿 "})
    assert filters == {"article_id": 7, "date_from": date(2026, 11, 1), "decision": "none", "tag": "民宿"}
    assert len(errors) == 2 and any("pigeon" in e for e in errors)


@pytest.mark.parametrize("raw, field", [
    ({"colour": "red"}, None), ({"version_id": "x"}, "version_id"), ({"decision": "maybe"}, "decision"),
    ({"date_from": "2026-12-02", "date_to": "2026-12-01"}, "date_from"), ({"contact_point": "NOPE"}, "contact_point"),
])
def test_parse_is_strict(db, make_draft, raw, field):
    with pytest.raises(FilterError) as caught:
        parse_filters(raw, make_draft())
    assert caught.value.field == field


def test_ids_must_belong_to_the_draft(db, make_draft):
    draft, other = make_draft(), make_draft()
    with pytest.raises(FilterError):
        parse_filters({"article_id": other.current_version.articles[0].id}, draft)
    assert parse_filters({"article_id": draft.current_version.articles[0].id}, draft)


def test_conditions_select_the_right_comments(db, make_draft, make_contact_point, make_user):
    draft = make_draft()
    point = make_contact_point("QJ-F-01", "甲", "东湖区")
    facilitator = make_user("facilitator", [point])
    met = enter_comment(draft, contact_point=point, anchor="3", body="会上的意见", actor=facilitator,
                        submitted_on=date(2026, 11, 20))
    online = submit_online_comment(draft, anchor="4", body="网上的意见")
    db.session.commit()

    def ids(filters, **kwargs):
        return set(db.session.scalars(select(Comment.id).where(*comment_conditions(filters, draft_id=draft.id,
                                                                                   **kwargs))))

    chapter_two = draft.current_version.articles[2].division_id
    assert ids({}) == {met.id, online.id}
    assert ids({"district": "东湖区"}) == ids({"contact_point": "QJ-F-01"}) == {met.id}
    assert ids({"channel": "online"}) == {online.id}
    assert ids({"division_id": chapter_two}) == {met.id, online.id}
    assert ids({"date_from": date(2026, 11, 21)}, ) == {online.id}  # online falls back to created_at (today)
    assert ids({"date_to": date(2026, 11, 20)}) == {met.id}
    assert ids({}, default_states=("published", "internal")) == {met.id}
    assert ids({"moderation_state": "pending"}, default_states=("internal",)) == {online.id}
    assert ids({"decision": "none"}) == {met.id, online.id}
