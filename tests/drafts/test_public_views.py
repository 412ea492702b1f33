"""Public draft pages: list, draft with table of contents, article pages."""
from datetime import timedelta

from consult.database import utcnow
from consult.drafts.services import close_draft, publish_draft


def test_list_shows_only_published(client, make_draft):
    make_draft(title="公开的草案")
    make_draft(title="内部草案", published=False)
    html = client.get("/drafts/").get_data(as_text=True)
    assert "公开的草案" in html and "内部草案" not in html


def test_draft_page_has_toc_and_every_article_with_anchor(client, make_draft):
    draft = make_draft()
    response = client.get(f"/drafts/{draft.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for number, label in enumerate(["第一条", "第二条", "第三条", "第四条", "第五条"], start=1):
        assert f'id="art-{number}"' in html and f'href="#art-{number}"' in html and label in html
    assert "第二章" in html and "游客与经营者" in html
    assert "征求意见中" in html


def test_article_page_and_neighbours(client, make_draft):
    draft = make_draft()
    html = client.get(f"/drafts/{draft.id}/articles/3").get_data(as_text=True)
    assert "第三条" in html and "（二）遵守景区秩序；" in html
    assert f"/drafts/{draft.id}/articles/2" in html and f"/drafts/{draft.id}/articles/4" in html


def test_unknown_article_and_unpublished_draft_are_404(client, make_draft):
    draft = make_draft()
    hidden = make_draft(published=False)
    assert client.get(f"/drafts/{draft.id}/articles/99").status_code == 404
    assert client.get(f"/drafts/{draft.id}/articles/abc").status_code == 404
    assert client.get(f"/drafts/{hidden.id}").status_code == 404
    assert client.get("/drafts/12345").status_code == 404


def test_staff_can_preview_unpublished(client, make_draft, make_user, auth):
    hidden = make_draft(published=False)
    auth.login(make_user("staff"))
    assert client.get(f"/drafts/{hidden.id}").status_code == 200


def test_window_states(db, make_draft):
    draft = make_draft(published=False)
    assert not draft.is_open()
    now = utcnow()
    publish_draft(draft, now + timedelta(days=1), now + timedelta(days=2))
    assert not draft.is_open()
    assert draft.is_open(now + timedelta(days=1, hours=1))
    close_draft(draft)
    assert not draft.is_open(now + timedelta(days=1, hours=1))


def test_english_interface(client, make_draft):
    make_draft()
    html = client.get("/drafts/?lang=en").get_data(as_text=True)
    assert 'lang="en"' in html
