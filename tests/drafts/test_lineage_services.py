"""Lineage stored on import, staff changes (audited), comparison of versions, articles carried to today."""
import pytest
from sqlalchemy import func, select

from consult.audit.models import AuditEvent
from consult.drafts.lineage_services import (
    LineageError, add_link, carried_statuses, compare, confirm_lineage, current_article, links_for,
    previous_version, propose_lineage, remove_link)
from consult.drafts.models import Article, ArticleLink, Draft, DraftVersion
from consult.drafts.services import delete_draft, import_draft
from tests.drafts.lineage_fixtures import Entry, render, renumber_references, sample_entries


def count(db, model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def second_reading():
    """二审稿 of the sample: a new 第三条, 第十八条 split, 第三十五+三十六条 merged, 第四十四条 deleted,
    第五十二条 reworded, cross-references renumbered."""
    entries = sample_entries()
    entries[51] = Entry("市人民政府应当根据本条例，在本条例施行之日起六个月内制定民宿管理、旅游景区门票管理"
                        "等配套规定。", tag="52")
    del entries[43]
    entries[34:36] = [Entry(entries[34].body + "\n" + entries[35].body, tag="35+36")]
    first, rest = entries[17].body.split("\n", 1)
    entries[17:18] = [Entry(first, tag="18a"), Entry(rest, tag="18b")]
    entries.insert(2, Entry("市、区（县）人民政府应当每年向本级人民代表大会常务委员会报告全域旅游发展情况。",
                            tag="new"))
    return renumber_references(entries, {str(n): n for n in range(1, 54)})


def import_text(text, filename, **kwargs):
    return import_draft(text.encode("utf-8"), filename, **kwargs)


@pytest.fixture
def two_readings(db):
    first = import_text(render(sample_entries()), "v1.txt", version_label="一审稿")
    second = import_text(render(second_reading()), "v2.txt", version_label="二审稿", draft=first.draft)
    db.session.commit()
    return first, second


def labels(version):
    return {a.id: a.label for a in version.articles}


def test_import_of_a_new_version_stores_the_proposed_lineage(db, two_readings):
    first, second = two_readings
    assert first.lineage_state == "" and second.lineage_state == "proposed"
    assert previous_version(second) is first and previous_version(first) is None
    links = links_for(second)
    old, new = labels(first), labels(second)
    pairs = {(old[link.old_article_id], new[link.new_article_id]): (link.kind, link.shape, link.origin)
             for link in links}
    assert pairs[("第一条", "第一条")] == ("unchanged", "one-to-one", "proposed")
    assert pairs[("第三条", "第四条")] == ("unchanged", "one-to-one", "proposed")
    assert pairs[("第十八条", "第十九条")][1] == pairs[("第十八条", "第二十条")][1] == "split"
    assert pairs[("第三十五条", "第三十七条")][1] == pairs[("第三十六条", "第三十七条")][1] == "merge"
    assert pairs[("第四十六条", "第四十六条")][0] == "unchanged"     # cites 第十四条, now 第十五条
    assert all(link.draft_id == second.draft_id and link.from_version_id == first.id for link in links)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "draft.lineage_propose"))
    assert event.details["version_id"] == second.id and event.details["deleted"] == 1
    assert event.details["added"] == 1


def test_compare_prints_the_json_contract(db, two_readings):
    first, second = two_readings
    result = compare(second.draft)
    assert set(result) == {"from", "to", "links", "deleted", "added"}
    assert result["from"] == {"version_id": first.id, "label": "一审稿"}
    assert result["to"] == {"version_id": second.id, "label": "二审稿"}
    assert result["deleted"] == ["第四十四条"] and result["added"] == ["第三条"]
    assert result["links"][0] == {"old": "第一条", "new": "第一条", "kind": "unchanged", "shape": "one-to-one",
                                  "similarity": 1.0}
    assert all(set(link) == {"old", "new", "kind", "shape", "similarity"} for link in result["links"])
    assert {"old": "第五十二条", "new": "第五十二条", "kind": "modified", "shape": "one-to-one"}.items() <= next(
        link for link in result["links"] if link["old"] == "第五十二条").items()
    assert compare(second.draft, "一审稿", "二审稿") == compare(second.draft, str(first.id), second.id) == result


def test_staff_break_and_add_links_shapes_follow_and_it_is_audited(db, two_readings, make_user):
    first, second = two_readings
    staff = make_user("staff")
    old = {a.label: a for a in first.articles}
    new = {a.label: a for a in second.articles}
    merge_link = next(link for link in links_for(second) if link.old_article_id == old["第三十六条"].id)
    remove_link(merge_link.id, staff)
    remaining = next(link for link in links_for(second) if link.old_article_id == old["第三十五条"].id)
    assert remaining.shape == "one-to-one"
    assert "第三十六条" in compare(second.draft)["deleted"]
    link = add_link(second, old["第四十四条"].id, new["第四十五条"].id, staff)
    assert link.origin == "staff" and link.kind == "modified" and 0 <= link.similarity < 1
    shapes = {link.old_article_id: link.shape for link in links_for(second) if link.new_article_id == new["第四十五条"].id}
    assert shapes == {old["第四十四条"].id: "merge", old["第四十五条"].id: "merge"}
    db.session.commit()
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.actor_id == staff.id)).all()
    assert actions == ["draft.lineage_link_remove", "draft.lineage_link_add"]
    # proposing again replaces the proposed links but keeps what staff added
    propose_lineage(second)
    assert any(link.origin == "staff" and link.old_article_id == old["第四十四条"].id for link in links_for(second))


def test_confirm_lineage(db, two_readings, make_user):
    first, second = two_readings
    staff = make_user("staff")
    confirm_lineage(second, staff)
    db.session.commit()
    assert second.lineage_state == "confirmed" and second.lineage_confirmed_by_id == staff.id
    assert second.lineage_confirmed_at is not None
    assert db.session.scalar(select(AuditEvent.details).where(AuditEvent.action == "draft.lineage_confirm"))[
        "version_id"] == second.id
    with pytest.raises(LineageError):
        confirm_lineage(first, staff)


def test_bad_staff_input_is_refused_and_changes_nothing(db, two_readings, make_user):
    first, second = two_readings
    staff = make_user("staff")
    other = import_text(render(sample_entries()[:5], title="另一部条例（草案）"), "other.txt")
    db.session.commit()
    before = (count(db, ArticleLink), count(db, AuditEvent))
    old = {a.label: a for a in first.articles}
    new = {a.label: a for a in second.articles}
    existing = next(link for link in links_for(second) if link.old_article_id == old["第一条"].id)
    attempts = [
        lambda: add_link(second, new["第一条"].id, new["第二条"].id, staff),      # old side from the new version
        lambda: add_link(second, old["第一条"].id, old["第二条"].id, staff),      # new side from the old version
        lambda: add_link(second, other.articles[0].id, new["第一条"].id, staff),  # another draft's article
        lambda: add_link(second, 999999, new["第一条"].id, staff),
        lambda: add_link(second, "abc", new["第一条"].id, staff),
        lambda: add_link(second, existing.old_article_id, existing.new_article_id, staff),   # already linked
        lambda: add_link(first, old["第一条"].id, old["第一条"].id, staff),       # first version: nothing before
        lambda: remove_link(999999, staff),
        lambda: remove_link("x", staff),
    ]
    for attempt in attempts:
        with pytest.raises(LineageError) as error:
            attempt()
        assert "\n" not in error.value.message and error.value.message
        db.session.rollback()
    assert (count(db, ArticleLink), count(db, AuditEvent)) == before


def test_compare_bad_input_is_one_line_and_changes_nothing(db, two_readings):
    first, second = two_readings
    lone = import_text(render(sample_entries()[:5], title="另一部条例（草案）"), "other.txt")
    db.session.commit()
    before = (count(db, ArticleLink), count(db, AuditEvent), count(db, DraftVersion))
    cases = [
        (lambda: compare(lone.draft), "只有一个版本"),
        (lambda: compare(second.draft, "三审稿"), "没有版本“三审稿”"),
        (lambda: compare(second.draft, None, "三审稿"), "没有版本“三审稿”"),
        (lambda: compare(second.draft, str(lone.id)), "属于另一部草案"),
        (lambda: compare(second.draft, first.id, first.id), "同一个版本"),
        (lambda: compare(second.draft, "二审稿", "一审稿"), "晚于"),
        (lambda: compare(second.draft, None, "一审稿"), "第一个版本"),
    ]
    for call, words in cases:
        with pytest.raises(LineageError) as error:
            call()
        assert words in error.value.message and "\n" not in error.value.message
    assert (count(db, ArticleLink), count(db, AuditEvent), count(db, DraftVersion)) == before


def test_three_readings_compose_and_articles_are_carried_to_today(db, two_readings):
    first, second = two_readings
    entries = second_reading()
    entries[0] = Entry(entries[0].body.replace("高质量发展", "高质量发展和文旅深度融合"), tag="1")   # reword 第一条
    third = import_text(render(entries), "v3.txt", version_label="三审稿", draft=first.draft)
    db.session.commit()
    result = compare(first.draft, "一审稿")
    assert result["to"]["label"] == "三审稿"
    links = {(link["old"], link["new"]): (link["kind"], link["shape"]) for link in result["links"]}
    assert links[("第一条", "第一条")] == ("modified", "one-to-one")
    assert links[("第二条", "第二条")] == ("unchanged", "one-to-one")
    assert links[("第十八条", "第十九条")][1] == "split"
    assert result["deleted"] == ["第四十四条"] and result["added"] == ["第三条"]

    old = {a.label: a for a in first.articles}
    now = {a.label: a for a in third.articles}
    statuses = carried_statuses(first.draft)
    assert statuses[old["第一条"].id].status == "modified" and statuses[old["第一条"].id].article is now["第一条"]
    assert statuses[old["第二条"].id].status == "unchanged" and statuses[old["第二条"].id].article is now["第二条"]
    assert statuses[old["第三条"].id].article is now["第四条"]
    assert statuses[old["第十八条"].id].status == "split" and statuses[old["第十八条"].id].article is now["第十九条"]
    assert statuses[old["第三十六条"].id].status == "merged" and statuses[old["第三十六条"].id].article is now["第三十七条"]
    assert statuses[old["第四十四条"].id] == (None, "deleted") or statuses[old["第四十四条"].id].article is None
    assert statuses[old["第四十四条"].id].status == "deleted"
    assert statuses[now["第一条"].id].status == "current"
    assert current_article(old["第三条"]).article is now["第四条"]
    assert current_article(now["第五条"]).status == "current"
    middle = {a.label: a for a in second.articles}
    assert current_article(middle["第一条"]).status == "modified"


def test_versions_imported_before_lineage_are_matched_in_memory(db, two_readings):
    first, second = two_readings
    for link in links_for(second):
        db.session.delete(link)
    second.lineage_state = ""
    db.session.commit()
    result = compare(second.draft)
    assert result["deleted"] == ["第四十四条"] and len(result["links"]) == 53
    assert carried_statuses(second.draft)[first.articles[2].id].article.label == "第四条"
    assert count(db, ArticleLink) == 0        # nothing stored by reading


def test_deleting_a_draft_removes_its_lineage(db, two_readings):
    first, second = two_readings
    assert count(db, ArticleLink) > 0
    delete_draft(second.draft)
    db.session.commit()
    assert count(db, ArticleLink) == 0 and count(db, Article) == 0 and count(db, Draft) == 0


def test_uploading_a_new_version_in_the_browser_proposes_the_lineage(client, auth, make_user, db):
    """/drafts/upload with a target draft goes through the same import, so the lineage is proposed."""
    import io

    auth.login(make_user("staff"))
    first = import_text(render(sample_entries()), "v1.txt", version_label="一审稿")
    db.session.commit()
    data = {"file": (io.BytesIO(render(second_reading()).encode("utf-8")), "二审稿.txt"), "title": "",
            "version_label": "二审稿", "draft_id": str(first.draft_id)}
    response = client.post("/drafts/upload", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    second = db.session.scalar(select(DraftVersion).where(DraftVersion.label == "二审稿"))
    assert second.lineage_state == "proposed"
    result = compare(second.draft)
    assert result["deleted"] == ["第四十四条"] and result["added"] == ["第三条"]
    assert db.session.scalar(select(AuditEvent.actor_id).where(AuditEvent.action == "draft.lineage_propose"))


def test_an_amendment_draft_imported_as_the_next_version_is_not_matched_article_by_item(db):
    """The items 一、二、 of a 修改决定 are not articles: no link is proposed between them."""
    first = import_text(render(sample_entries()), "v1.txt", version_label="一审稿")
    amendment = import_text("关于修改《清江市全域旅游促进条例》的决定（草案）\n\n"
                            "一、将第二条修改为：“本市行政区域内的全域旅游活动，适用本条例。”\n"
                            "二、删去第三条。\n", "amend.txt", version_label="修改决定草案", draft=first.draft)
    db.session.commit()
    assert amendment.kind == "amendment" and links_for(amendment) == []
    result = compare(first.draft)
    assert result["links"] == [] and len(result["deleted"]) == 53 and result["added"] == ["一、", "二、"]
