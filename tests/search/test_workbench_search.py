"""Staff search inside the workbench: a box on the draft and article pages searches every comment of the
draft (all channels and moderation states), keeps the workbench filters, groups by article, and links
each result back to the comment in the workbench."""
from __future__ import annotations

import pytest
from lxml import html as lxml_html


@pytest.fixture
def comments(db, make_draft, add_comment, staff):
    """民宿 comments on 第三条 and 第四条 in every moderation state and two channels."""
    from consult.review.services import reject_comment

    draft = make_draft()
    c = {
        "meeting4": add_comment(draft, "民宿登记要简化。", anchor="第四条"),
        "pending4": add_comment(draft, "民宿噪音扰民。", anchor="第四条", online=True),
        "published4": add_comment(draft, "民宿价格要公示。", anchor="第四条", published=True),
        "rejected3": add_comment(draft, "民宿广告太多。", anchor="第三条", online=True),
        "letter3": add_comment(draft, "民宿卫生检查。", anchor="第三条", channel="letter"),
    }
    reject_comment(c["rejected3"], "广告", actor=staff)
    db.session.commit()
    return draft, {k: v.id for k, v in c.items()}


def box(page_html: str):
    doc = lxml_html.fromstring(page_html)
    forms = doc.xpath("//form[contains(@class, 'workbench-search')]")
    assert len(forms) == 1
    return forms[0]


def test_draft_page_box_searches_the_whole_draft_with_the_workbench_filters(client, auth, staff, comments):
    draft, _ = comments
    auth.login(staff)
    form = box(client.get(f"/review/drafts/{draft.id}", query_string={"channel": "meeting"}).get_data(as_text=True))
    assert form.get("action") == "/search/comments" and form.get("method") == "get"
    hidden = {i.get("name"): i.get("value") for i in form.xpath(".//input[@type='hidden']")}
    assert hidden["draft_id"] == str(draft.id) and hidden["channel"] == "meeting"
    assert form.xpath(".//input[@name='q']") and not form.xpath(".//input[@name='article_id']")


def test_article_page_box_is_scoped_to_the_article_by_default(client, auth, staff, comments):
    draft, _ = comments
    article = next(a for a in draft.current_version.articles if a.number == 4)
    auth.login(staff)
    form = box(client.get(f"/review/drafts/{draft.id}/articles/4").get_data(as_text=True))
    radios = {r.get("value"): r.get("checked") is not None for r in form.xpath(".//input[@name='article_id']")}
    assert radios == {str(article.id): True, "": False}


def test_results_cover_every_state_and_channel_grouped_and_link_to_the_workbench(client, auth, staff, comments):
    draft, c = comments
    article = next(a for a in draft.current_version.articles if a.number == 4)
    auth.login(staff)
    scoped = client.get("/search/comments", query_string={"draft_id": draft.id, "q": "民宿",
                                                           "article_id": article.id}).get_data(as_text=True)
    for name in ("meeting4", "pending4", "published4"):
        assert f'href="/review/comments/{c[name]}"' in scoped
    assert "广告太多" not in scoped and "卫生检查" not in scoped
    assert f'href="/review/drafts/{draft.id}"' in scoped  # back to the workbench
    whole = client.get("/search/comments", query_string={"draft_id": draft.id, "q": "民宿", "article_id": ""})
    doc = lxml_html.fromstring(whole.get_data(as_text=True))
    assert [h.text.strip() for h in doc.xpath("//section[@class='search-group']/h2")] == ["第三条", "第四条"]
    text = whole.get_data(as_text=True)
    assert f'href="/review/comments/{c["rejected3"]}"' in text  # 不予公开 too
    assert f'href="/review/comments/{c["letter3"]}"' in text


def test_the_workbench_link_opens_the_comment(client, auth, staff, comments):
    draft, c = comments
    auth.login(staff)
    opened = client.get(f"/review/comments/{c['pending4']}")
    assert opened.status_code == 302
    assert opened.headers["Location"].endswith(f"/review/drafts/{draft.id}/articles/4?page=1#c-{c['pending4']}")
    page = client.get(f"/review/drafts/{draft.id}/articles/4")
    assert f'id="c-{c["pending4"]}"' in page.get_data(as_text=True)
