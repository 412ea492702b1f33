"""Search grouped by the current article when asked (issue 10 §3): `consult search comments --map-to-current`
and the staff page's checkbox fold earlier readings' groups onto the article each became in the current
version (deleted ones last, under their original anchor); by default groups stay on the original article.
Hits show the article they now concern; the `carried` filter narrows the search."""
from __future__ import annotations

import json
import re

import pytest

from tests.lineage_fixtures import comments_across_readings


@pytest.fixture
def made(db, make_draft, point, staff):
    draft = make_draft()
    return {**comments_across_readings(db, draft, point, staff), "draft": draft}


def _search(runner, made, *extra):
    result = runner.invoke(args=["search", "comments", "应当", "--draft", str(made["draft"].id), "--json", *extra])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_by_default_groups_stay_on_the_original_articles(runner, made):
    data = _search(runner, made)
    assert data["total"] == 5
    assert [(g["anchor"], g["comment_ids"]) for g in data["groups"]] == [
        ("总体意见", [made["general"].id]), ("第二条", [made["on_2"].id]), ("第三条", [made["on_3"].id]),
        ("第四条", [made["on_4"].id]), ("第三条", [made["new_3"].id])]
    assert all("status" not in g for g in data["groups"])  # the JSON contract is unchanged


def test_map_to_current_folds_groups_onto_todays_articles(runner, made):
    first = made["draft"].versions[0].label
    data = _search(runner, made, "--map-to-current")
    assert data["total"] == 5
    groups = [(g["anchor"], g["comment_ids"], g["status"]) for g in data["groups"]]
    assert groups == [
        ("总体意见", [made["general"].id], "unchanged"), ("第二条", [made["on_2"].id], "modified"),
        ("第三条", [made["new_3"].id], "current"), ("第四条", [made["on_3"].id], "unchanged"),
        ("第四条", [made["on_4"].id], "deleted")]  # the deleted 民宿 article last, under its old label
    new4 = next(a for a in made["second"].articles if a.label == "第四条")
    assert data["groups"][3]["article_id"] == new4.id
    assert data["groups"][3]["from"] == [{"version": first, "anchor": "第三条", "status": "unchanged"}]


def test_an_empty_query_maps_too_and_merges_todays_and_earlier_comments(runner, made, db, add_comment):
    later = add_comment(made["draft"], "第四条还应当写明劝阻方式。", anchor="第四条")
    result = runner.invoke(args=["search", "comments", "--draft", str(made["draft"].id), "--json", "--map-to-current"])
    data = json.loads(result.output)
    fourth = next(g for g in data["groups"] if g["anchor"] == "第四条" and g["status"] != "deleted")
    assert fourth["comment_ids"] == sorted([made["on_3"].id, later.id]) and fourth["status"] == "mixed"


def test_carried_filter_and_its_bad_value(runner, made):
    data = _search(runner, made, "--carried", "已删除")
    assert [g["comment_ids"] for g in data["groups"]] == [[made["on_4"].id]]
    result = runner.invoke(args=["search", "comments", "应当", "--carried", "maybe", "--json"])
    assert result.exit_code != 0 and "未知的条文变化情况：maybe" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_staff_page_checkbox_groups_by_todays_article_and_shows_where_each_hit_stands(client, auth, staff, made):
    auth.login(staff)
    draft = made["draft"]
    html = client.get(f"/search/comments?q=应当&draft_id={draft.id}").get_data(as_text=True)
    assert 'name="map_to_current"' in html and 'name="carried"' in html
    assert "现为第四条" in html and "条文已删除" in html  # hits on earlier readings say where they stand now
    mapped = client.get(f"/search/comments?q=应当&draft_id={draft.id}&map_to_current=y").get_data(as_text=True)
    box = re.search(r'<input[^>]*name="map_to_current"[^>]*>', mapped).group(0)
    assert "checked" in box
    assert "含早先版本的意见" in mapped
    second = made["second"]
    link = f"/search/comments/group/{second.id}/4?"
    assert link in mapped and "map_to_current=1" in mapped.split(link)[1].split('"')[0]
    group = client.get(f"/search/comments/group/{second.id}/4?q=应当&draft_id={draft.id}&map_to_current=1")
    assert group.status_code == 200 and made["on_3"].receipt_code in group.get_data(as_text=True)
    # without the checkbox the current version's 第四条 has no comment of its own
    assert client.get(f"/search/comments/group/{second.id}/4?q=应当&draft_id={draft.id}").status_code == 404


def test_a_merge_folds_both_old_articles_into_todays_one(runner, made, db, staff):
    from consult.drafts.lineage_services import add_link

    draft, second = made["draft"], made["second"]
    old4 = next(a for a in draft.versions[0].articles if a.label == "第四条")
    new4 = next(a for a in second.articles if a.label == "第四条")
    add_link(second, old4.id, new4.id, staff)  # staff: old 第三条 and old 第四条 were merged into 第四条
    db.session.commit()
    data = _search(runner, made, "--map-to-current")
    fourth = [g for g in data["groups"] if g["anchor"] == "第四条"]
    assert len(fourth) == 1 and fourth[0]["comment_ids"] == sorted([made["on_3"].id, made["on_4"].id])
    assert fourth[0]["status"] == "merged" and {f["anchor"] for f in fourth[0]["from"]} == {"第三条", "第四条"}
