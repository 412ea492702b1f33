"""Grouping in text order, filters, ranking, and what citizens may find."""
from __future__ import annotations

from datetime import date

import pytest

from consult.comments.selection import SelectionError
from consult.search.queries import matching_comment_ids, search_comments, search_public
from consult.search.syntax import QueryError


@pytest.fixture
def sample(db, make_draft, add_comment, make_contact_point, staff):
    """Comments on every kind of anchor, from two contact points and two channels."""
    from consult.comments.services import enter_comment

    draft = make_draft()
    other = make_contact_point("QJ-T-02", "第二联系点", "另一区")
    c = {
        "art4": add_comment(draft, "民宿登记手续要简化。", anchor="第四条"),
        "art3": add_comment(draft, "民宿周边的景区秩序要维护。", anchor="第三条第一款"),
        "new": add_comment(draft, "建议增加一条民宿管理的规定。", anchor="新增"),
        "general": add_comment(draft, "整体上民宿内容偏少。", anchor="总体"),
        "title": add_comment(draft, "名称里可以加上民宿二字。", anchor="名称"),
        "online": add_comment(draft, "网上反映：民宿价格乱。", anchor="第四条", published=True,
                              commenter_name="王小明", contact="13912345678"),
        "letter": add_comment(draft, "来信：停车难。", anchor="第二条", channel="letter",
                              submitted_on=date(2026, 11, 20)),
    }
    c["other"] = enter_comment(draft, contact_point=other, anchor="第四条", body="民宿消防检查。", actor=staff)
    db.session.commit()
    return draft, {k: v.id for k, v in c.items()}


def test_groups_in_text_order(sample):
    draft, c = sample
    results = search_comments("民宿", draft_id=draft.id)
    assert [g.anchor for g in results.groups] == ["总体意见", "名称", "第三条", "第四条", "新增条款"]
    assert results.total == 7
    by_anchor = {g.anchor: g for g in results.groups}
    assert by_anchor["第四条"].comment_ids == sorted([c["art4"], c["online"], c["other"]])
    assert by_anchor["第四条"].count == 3 and by_anchor["第四条"].article_id is not None
    assert by_anchor["总体意见"].article_id is None
    assert all("<mark>民宿</mark>" in str(h.snippet) for g in results.groups for h in g.hits)


def test_empty_query_lists_all_comments_matching_filters_from_the_database(sample):
    draft, c = sample
    assert set(matching_comment_ids("", draft_id=draft.id)) == set(c.values())
    assert matching_comment_ids("", draft_id=draft.id, filters={"channel": "letter"}) == [c["letter"]]


@pytest.mark.parametrize("filters, expected", [
    ({"channel": "online"}, ["online"]),
    ({"contact_point": "QJ-T-02"}, ["other"]),
    ({"district": "另一区"}, ["other"]),
    ({"moderation_state": "published"}, ["online"]),
    ({"decision": "none"}, ["general", "title", "art3", "art4", "online", "other", "new"]),
    ({"decision": "adopted"}, []),
    ({"article_no": "第四条"}, ["art4", "online", "other"]),
    ({"article_no": "3"}, ["art3"]),
])
def test_filters_same_in_index_and_database(sample, filters, expected):
    draft, c = sample
    want = sorted(c[n] for n in expected)
    assert sorted(matching_comment_ids("民宿", draft_id=draft.id, filters=filters)) == want
    # the empty query goes through SQL: the same filter must mean the same thing there
    assert sorted(set(matching_comment_ids("", draft_id=draft.id, filters=filters)) & set(
        matching_comment_ids("民宿", draft_id=draft.id))) == want


def test_structure_filters(sample, db):
    from consult.drafts.models import Article

    draft, c = sample
    version = draft.current_version
    art4 = next(a for a in version.articles if a.number == 4)
    chapter2 = next(d for d in version.divisions if d.title.startswith("游客"))
    assert sorted(matching_comment_ids("民宿", draft_id=draft.id, filters={"article_id": art4.id})) == sorted(
        [c["art4"], c["online"], c["other"]])
    assert sorted(matching_comment_ids("民宿", draft_id=draft.id, filters={"division_id": chapter2.id})) == sorted(
        [c["art3"], c["art4"], c["online"], c["other"]])
    assert sorted(matching_comment_ids("", draft_id=draft.id, filters={"division_id": chapter2.id})) == sorted(
        [c["art3"], c["art4"], c["online"], c["other"]])
    assert matching_comment_ids("民宿", draft_id=draft.id, filters={"version_id": version.id + 99}) == []
    assert isinstance(db.session.get(Article, art4.id), Article)


def test_date_and_tag_filters(sample, db, staff):
    from consult.comments.models import Comment
    from consult.review.services import set_tags

    draft, c = sample
    set_tags(db.session.get(Comment, c["art4"]), ["登记"], actor=staff)
    db.session.commit()
    assert matching_comment_ids("民宿", draft_id=draft.id, filters={"tag": "登记"}) == [c["art4"]]
    assert matching_comment_ids("停车", draft_id=draft.id, filters={"date_from": "2026-11-20",
                                                                   "date_to": "2026-11-20"}) == [c["letter"]]
    assert matching_comment_ids("停车", draft_id=draft.id, filters={"date_from": "2026-11-21",
                                                                   "date_to": "2026-11-25"}) == []
    assert matching_comment_ids("", draft_id=draft.id, filters={"date_to": "2026-11-20"}) == [c["letter"]]


def test_inline_field_filters_and_boolean_operators(sample):
    draft, c = sample
    assert matching_comment_ids("民宿 渠道:网上", draft_id=draft.id) == [c["online"]]
    assert sorted(matching_comment_ids("停车 OR 消防", draft_id=draft.id)) == sorted([c["letter"], c["other"]])
    assert c["online"] not in matching_comment_ids("民宿 NOT 价格", draft_id=draft.id)
    assert matching_comment_ids('"民宿 价格"', draft_id=draft.id) == [c["online"]]
    assert matching_comment_ids("民宿 且 消防", draft_id=draft.id) == [c["other"]]


def test_bad_input_gets_a_message(sample):
    draft, _ = sample
    with pytest.raises(QueryError):
        search_comments("(民宿", draft_id=draft.id)
    with pytest.raises(SelectionError):
        search_comments("民宿", draft_id=draft.id, filters={"date_from": "昨天"})


def test_whole_word_matches_rank_first(db, make_draft, add_comment):
    draft = make_draft()
    part = add_comment(draft, "规范旅游客运。")
    word = add_comment(draft, "方便游客。")
    hits = search_comments("游客", draft_id=draft.id, per_group=0, top=20).top
    assert [h.obj.id for h in hits] == [word.id, part.id]
    assert hits[0].whole_word and not hits[1].whole_word


def test_citizens_find_published_drafts_articles_and_published_comments_only(sample, db, make_draft):
    draft, c = sample
    hidden = make_draft(published=False)
    results = search_public("民宿")
    kinds = {(h.kind, h.obj.id) for h in results.hits}
    assert ("comment", c["online"]) in kinds
    assert not {("comment", c[n]) for n in ("art4", "art3", "new", "general", "title", "other")} & kinds
    assert ("article", next(a.id for a in draft.current_version.articles if a.number == 4)) in kinds
    assert all(h.obj.id != hidden.id for h in results.hits if h.kind == "draft")
    assert not [h for h in search_public("民宿").hits if h.kind == "article" and h.obj.version.draft_id == hidden.id]
    with pytest.raises(QueryError):
        search_public("民宿 状态:待审")


def test_unpublishing_a_draft_hides_it_from_citizens(sample, db):
    from consult.drafts.services import unpublish_draft

    draft, c = sample
    assert search_public("民宿").total > 0
    unpublish_draft(draft)
    db.session.commit()
    assert search_public("民宿").hits == []
