"""`Selection`: the one description of "which comments" (workbench, search, exports, statistics, CLI)."""
from datetime import date

import pytest
from sqlalchemy import select

from consult.comments.models import Comment
from consult.comments.selection import Selection, SelectionError
from consult.comments.services import enter_comment, submit_online_comment
from consult.errors import UserError


def test_lenient_parse_types_values_and_reports_bad_ones():
    sel = Selection.from_args({"article_id": "7", "date_from": "2026-11-01", "date_to": "nope",
                               "channel": "pigeon", "decision": "none", "tag": " 民宿 ", "q": " 停车 "})
    assert (sel.article_id, sel.date_from, sel.decision, sel.tag, sel.query) == (
        7, date(2026, 11, 1), "none", "民宿", "停车")
    assert sel.channel is None and sel.date_to is None
    assert len(sel.errors) == 2 and any("pigeon" in e for e in sel.errors)


def test_vocabulary_words_are_accepted_for_coded_values():
    sel = Selection.from_args({"channel": "座谈会", "decision": "待研究", "moderation_state": "不予公开",
                               "category": "代表"})
    assert (sel.channel, sel.decision, sel.moderation_state, sel.category) == (
        "meeting", "under_study", "rejected", "人大代表")


@pytest.mark.parametrize("raw, field", [
    ({"colour": "red"}, None), ({"version_id": "x"}, "version_id"), ({"decision": "maybe"}, "decision"),
    ({"date_from": "2026-12-02", "date_to": "2026-12-01"}, "date_from"), ({"contact_point": "NOPE"}, "contact_point"),
    ({"duplicate_group_id": "999"}, "duplicate_group_id"),
])
def test_strict_parse_refuses_with_the_field(db, make_draft, raw, field):
    with pytest.raises(SelectionError) as caught:
        Selection.from_args(raw, make_draft(), strict=True)
    assert caught.value.field == field
    assert isinstance(caught.value, UserError) and caught.value.message


def test_ids_must_belong_to_the_draft(db, make_draft):
    draft, other = make_draft(), make_draft()
    with pytest.raises(SelectionError):
        Selection.from_args({"article_id": other.current_version.articles[0].id}, draft, strict=True)
    lenient = Selection.from_args({"article_id": other.current_version.articles[0].id}, draft)
    assert lenient.article_id is None and lenient.errors
    own = Selection.from_args({"article_id": draft.current_version.articles[0].id}, draft, strict=True)
    assert own.article_id == draft.current_version.articles[0].id and own.draft_id == draft.id


def test_round_trip_through_url_arguments(db, make_draft):
    draft = make_draft()
    sel = Selection.from_args({"channel": "online", "date_to": "2026-12-01", "q": "民宿", "paragraph_no": "2"}, draft)
    again = Selection.from_args(sel.to_args(), draft)
    assert again == sel
    assert sel.index_filters() == {"draft_id": str(draft.id), "channel": "online", "date_to": "2026-12-01"}
    assert sel.needs_sql_only() and not Selection().needs_sql_only()
    assert not Selection(draft_id=draft.id) and sel


def test_describe_uses_the_formal_wording(db, make_draft):
    draft = make_draft()
    sel = Selection.from_args({"channel": "online", "decision": "none", "q": "民宿"}, draft)
    assert sel.describe() == "检索“民宿”；渠道：网上征求意见；采纳情况：未处理"
    assert Selection(draft_id=draft.id).describe() == ""


def test_conditions_select_the_right_comments(db, make_draft, make_contact_point, make_user):
    draft = make_draft()
    point = make_contact_point("QJ-F-01", "甲", "东湖区")
    facilitator = make_user("facilitator", [point])
    met = enter_comment(draft, contact_point=point, anchor="3", body="会上的意见", actor=facilitator,
                        submitted_on=date(2026, 11, 20))
    online = submit_online_comment(draft, anchor="4", body="网上的意见")
    para = submit_online_comment(draft, anchor="3.1", body="第一款的意见")
    db.session.commit()

    def ids(raw, **kwargs):
        sel = Selection.from_args(raw, draft, strict=True)
        return set(db.session.scalars(select(Comment.id).where(*sel.conditions(**kwargs))))

    chapter_two = draft.current_version.articles[2].division_id
    assert ids({}) == {met.id, online.id, para.id}
    assert ids({"district": "东湖区"}) == ids({"contact_point": "QJ-F-01"}) == {met.id}
    assert ids({"channel": "online"}) == {online.id, para.id}
    assert ids({"division_id": chapter_two}) == {met.id, online.id, para.id}
    assert ids({"date_from": "2026-11-21"}) == {online.id, para.id}  # online falls back to created_at (today)
    assert ids({"date_to": "2026-11-20"}) == {met.id}
    assert ids({}, default_states=("published", "internal")) == {met.id}
    assert ids({"moderation_state": "pending"}, default_states=("internal",)) == {online.id, para.id}
    assert ids({"decision": "none"}) == {met.id, online.id, para.id}
    assert ids({"article_no": "第三条"}) == ids({"article_no": "3"}) == {met.id, para.id}
    assert ids({"paragraph_no": "1"}) == {para.id}
