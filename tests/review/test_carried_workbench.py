"""Comments carried across readings on the workbench (issue 10 §3): each keeps its version and article and
shows under the article it now concerns, marked with its version and what became of its article; comments
whose article was deleted gather on their own page; the filter 条文变化 narrows to them."""
from __future__ import annotations

import re

import pytest

from tests.lineage_fixtures import comments_across_readings


@pytest.fixture
def made(db, draft, point, staff):
    return comments_across_readings(db, draft, point, staff)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _card(html: str, comment) -> str:
    return _text(html.split(f'id="c-{comment.id}"')[1].split("</article>")[0])


def test_todays_article_lists_the_earlier_comment_marked_with_its_version(client, auth, staff, made, draft):
    auth.login(staff)
    first = draft.versions[0].label
    html = client.get(f"/review/drafts/{draft.id}/articles/4").get_data(as_text=True)  # today's 第四条 = old 第三条
    assert made["on_3"].body in html and "意见（1 条）" in html
    card = _card(html, made["on_3"])
    assert f"{first}意见" in card and f"原针对{first}第三条" in card and "现为第四条" in card and "条文未修改" in card
    html = client.get(f"/review/drafts/{draft.id}/articles/3").get_data(as_text=True)  # the new 第三条
    assert made["new_3"].body in html and made["on_3"].body not in html
    assert "原针对" not in _card(html, made["new_3"])  # today's comment needs no note
    html = client.get(f"/review/drafts/{draft.id}/articles/2").get_data(as_text=True)
    assert "条文已修改" in _card(html, made["on_2"])


def test_comments_on_a_deleted_article_have_their_own_page(client, auth, staff, made, draft):
    auth.login(staff)
    overview = client.get(f"/review/drafts/{draft.id}").get_data(as_text=True)
    assert "已删除条文的意见" in overview and f"/review/drafts/{draft.id}/articles/deleted" in overview
    html = client.get(f"/review/drafts/{draft.id}/articles/deleted").get_data(as_text=True)
    assert made["on_4"].body in html and "条文已删除" in _card(html, made["on_4"])
    assert made["on_3"].body not in html
    # a search hit (or any link) to the comment opens it where the workbench now shows it
    response = client.get(f"/review/comments/{made['on_4'].id}")
    assert "/articles/deleted" in response.headers["Location"]
    response = client.get(f"/review/comments/{made['on_3'].id}")
    assert re.search(r"/articles/4\?page=1#c-%d$" % made["on_3"].id, response.headers["Location"])


def test_the_overview_counts_earlier_comments_on_todays_articles(client, auth, staff, made, draft):
    auth.login(staff)
    html = client.get(f"/review/drafts/{draft.id}").get_data(as_text=True)
    new4 = next(a for a in made["second"].articles if a.label == "第四条")
    row = _text(html.split(f'id="a-{new4.address}"')[1].split("</tr>")[0])
    assert " 1 " in row  # old 第三条's comment counts on today's 第四条


def test_the_carried_filter_on_the_workbench(client, auth, staff, made, draft):
    auth.login(staff)
    page = client.get(f"/review/drafts/{draft.id}").get_data(as_text=True)
    assert 'name="carried"' in page and "意见所涉条文已变化" in page
    html = client.get(f"/review/drafts/{draft.id}/articles/2?carried=changed").get_data(as_text=True)
    assert made["on_2"].body in html
    html = client.get(f"/review/drafts/{draft.id}/articles/2?carried=unchanged").get_data(as_text=True)
    assert made["on_2"].body not in html
    html = client.get(f"/review/drafts/{draft.id}?carried=nonsense").get_data(as_text=True)
    assert "未知的条文变化情况：nonsense" in html  # a bad value is dropped and said
    html = client.get(f"/review/drafts/{draft.id}/articles/4?carried=nonsense").get_data(as_text=True)
    assert made["on_3"].body in html


def test_a_refused_decision_on_an_earlier_comment_shows_again_on_todays_article(client, auth, staff, made, draft):
    auth.login(staff)
    response = client.post(f"/review/comments/{made['on_3'].id}/decision",
                           data={"decision": "not_adopted", "reason": ""})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert made["on_3"].body in html and "现为第四条" in html


def test_statistics_count_earlier_comments_on_todays_articles(db, made, draft):
    from consult.review.stats import series

    rows = dict(series(draft, "article"))
    # today's 第四条: old 第三条's comment; 第三条: today's; 第二条: old 第二条's (reworded); 民宿: deleted
    assert (rows.get("第二条"), rows.get("第三条"), rows.get("第四条"), rows.get("已删除条文的意见")) == (1, 1, 1, 1)
    chapters = dict(series(draft, "chapter"))
    assert sum(v for k, v in chapters.items() if k.startswith("第")) == 3
