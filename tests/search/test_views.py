"""Search pages: staff see everything grouped; citizens see only published content and no personal data."""
from __future__ import annotations

import pytest


@pytest.fixture
def content(db, make_draft, add_comment):
    """One internal meeting comment with a name, one published online comment with a name and phone."""
    draft = make_draft()
    internal = add_comment(draft, "民宿的消防检查要常态化。", anchor="第四条", commenter_name="李四",
                           contact="13800001111", wants_feedback=True)
    public = add_comment(draft, "民宿价格应当明码标价。", anchor="第四条", published=True, commenter_name="王小明",
                         contact="13912345678", wants_feedback=True, consent_personal_info=True)
    pending = add_comment(draft, "民宿噪音扰民<script>x</script>。", anchor="第四条", online=True)
    return draft, internal, public, pending


def test_staff_search_groups_and_highlights(client, auth, staff, content):
    draft, internal, public, pending = content
    auth.login(staff)
    response = client.get("/search/comments", query_string={"q": "民宿", "draft_id": draft.id})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "第四条" in html and "<mark>民宿</mark>" in html
    assert "消防检查" in html and "明码标价" in html and "噪音扰民" in html
    assert "<script>x</script>" not in html and "&lt;script&gt;" in html
    assert "李四" in html  # staff may see names


def test_staff_search_permalink_with_filters_and_group_page(client, auth, staff, content):
    draft, internal, public, pending = content
    auth.login(staff)
    args = {"q": "民宿", "draft_id": draft.id, "channel": "online"}
    html = client.get("/search/comments", query_string=args).get_data(as_text=True)
    assert "明码标价" in html and "消防检查" not in html
    version = draft.current_version.id
    group_url = f"/search/comments/group/{version}/4"
    assert group_url in html  # the page links to the group by version and article key
    page = client.get(group_url, query_string=args)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "明码标价" in text and "消防检查" not in text
    assert client.get(f"/search/comments/group/{version}/5", query_string=args).status_code == 404
    assert client.get(f"/search/comments/group/{version + 1}/4", query_string=args).status_code == 404


@pytest.mark.parametrize("q", ["(民宿", '"民宿', "民宿 AND", "，，"])
def test_malformed_query_shows_a_message_not_an_error_page(client, auth, staff, content, q):
    auth.login(staff)
    response = client.get("/search/comments", query_string={"q": q})
    assert response.status_code == 200
    assert 'role="alert"' in response.get_data(as_text=True)


def test_bad_filter_value_shows_a_message(client, auth, staff, content):
    auth.login(staff)
    response = client.get("/search/comments", query_string={"q": "民宿", "date_from": "not-a-date"})
    assert response.status_code == 200 and 'role="alert"' in response.get_data(as_text=True)


@pytest.mark.parametrize("role, status", [(None, 302), ("citizen", 403), ("facilitator", 403), ("staff", 200),
                                          ("admin", 200)])
def test_only_staff_may_search_comments(client, auth, make_user, role, status):
    if role:
        auth.login(make_user(role))
    assert client.get("/search/comments", query_string={"q": "民宿"}).status_code == status


def test_citizen_search_shows_only_published_without_personal_data(client, content):
    draft, internal, public, pending = content
    response = client.get("/search/", query_string={"q": "民宿"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "明码标价" in html
    assert "消防检查" not in html and "噪音扰民" not in html
    assert "王小明" not in html and "13912345678" not in html and "李四" not in html
    assert 'name="viewport"' in html


def test_citizen_search_malformed_and_empty(client, content):
    assert 'role="alert"' in client.get("/search/", query_string={"q": '"民宿'}).get_data(as_text=True)
    assert client.get("/search/").status_code == 200
    assert client.get("/search/", query_string={"q": "民宿", "page": "abc"}).status_code == 200
