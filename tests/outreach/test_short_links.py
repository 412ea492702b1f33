"""Short links (/q/<code>): one per published draft, chapter, article and contact point × draft; what each
opens; an unknown code answers a clear 404 page; codes are typed without ambiguous characters."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from consult.outreach import services
from consult.outreach.models import ShortLink
from consult.outreach.queries import link_by_code


def test_every_draft_chapter_and_article_gets_one_typable_code(db, draft):
    links = services.draft_links(draft)
    db.session.commit()
    version = draft.current_version
    assert len(links) == 1 + len(version.divisions) + len(version.articles) == 1 + 3 + 5
    codes = [link.code for link in links.values()]
    assert len(set(codes)) == len(codes)
    assert all(re.fullmatch(r"[2-9A-HJKMNP-Z]{6}", code) for code in codes)
    assert not any(ch in "".join(codes) for ch in "01OIL")
    again = services.draft_links(draft)  # made once: a second call changes nothing
    db.session.commit()
    assert {k: v.code for k, v in again.items()} == {k: v.code for k, v in links.items()}
    assert db.session.scalar(select(func.count(ShortLink.id))) == len(links)


def test_an_unpublished_draft_gets_no_link(db, make_draft):
    hidden = make_draft(published=False)
    try:
        services.link_for(hidden)
    except services.OutreachError as error:
        assert "尚未发布" in error.message
    else:
        raise AssertionError("a link for an unpublished draft")
    db.session.rollback()
    assert db.session.scalar(select(func.count(ShortLink.id))) == 0


def test_codes_resolve_case_and_spaces_ignored(db, draft):
    link = services.link_for(draft)
    db.session.commit()
    typed = f" {link.code[:3].lower()} {link.code[3:]} "
    assert link_by_code(typed) is link
    assert link_by_code("") is None and link_by_code("X" * 40) is None


def test_draft_chapter_and_article_links_open_their_pages(client, db, draft):
    version = draft.current_version
    article = version.articles[2]
    chapter = version.divisions[1]
    links = (services.link_for(draft), services.link_for(draft, article=article),
             services.link_for(draft, division=chapter))
    db.session.commit()
    answers = [client.get(f"/q/{link.code}") for link in links]
    assert all(a.status_code == 302 for a in answers)
    assert answers[0].headers["Location"] == f"/drafts/{draft.id}"
    assert answers[1].headers["Location"] == f"/drafts/{draft.id}/articles/{article.address}"
    assert answers[2].headers["Location"] == f"/drafts/{draft.id}#div-{chapter.id}"
    page = client.get(answers[1].headers["Location"])
    assert page.status_code == 200 and "第三条" in page.get_data(as_text=True)


def test_a_point_link_opens_the_comment_form_with_a_signed_token(client, db, draft, point):
    link = services.link_for(draft, contact_point=point)
    db.session.commit()
    answer = client.get(f"/q/{link.code.lower()}")
    assert answer.status_code == 302
    target = urlsplit(answer.headers["Location"])
    assert target.path == f"/comments/new/{draft.id}"
    token = parse_qs(target.query)["via"][0]
    assert str(point.id) not in target.query.replace(token, "")  # the point is only inside the signed token
    form = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert f'name="via" value="{token}"' in form
    assert point.name in form


def test_unknown_code_is_a_clear_404_page_that_changes_nothing(client, db, draft):
    services.link_for(draft)
    db.session.commit()
    answer = client.get("/q/ZZZZZZ")
    assert answer.status_code == 404
    page = answer.get_data(as_text=True)
    assert "找不到意见码“ZZZZZZ”" in page and 'name="code"' in page
    assert db.session.scalar(select(func.count(ShortLink.id))) == 1
    assert client.get("/q/?code=zz zz zz").headers["Location"] == "/q/ZZZZZZ"


def test_a_link_of_an_unpublished_or_deleted_draft_is_unknown(client, db, draft):
    link = services.link_for(draft)
    db.session.commit()
    code = link.code
    from consult.drafts.services import unpublish_draft

    unpublish_draft(draft)
    db.session.commit()
    assert client.get(f"/q/{code}").status_code == 404
    assert client.get(f"/outreach/qr/{code}.svg").status_code == 404



class TestGuessing:
    """Only unknown codes count towards the per-address look-up limit (guessing codes is throttled)."""

    @pytest.fixture
    def app_config(self, tmp_path):
        return {"SEARCH_INDEX_DIR": str(tmp_path / "index"), "RATELIMIT_ENABLED": True,
                "RECEIPT_RATE_LIMIT": "3 per minute"}

    def test_wrong_codes_are_throttled_right_ones_are_not(self, client, db, draft):
        link = services.link_for(draft)
        db.session.commit()
        assert all(client.get(f"/q/{link.code}").status_code == 302 for _ in range(6))
        assert [client.get(f"/q/ZZZZZ{c}").status_code for c in "2345"] == [404, 404, 404, 429]
