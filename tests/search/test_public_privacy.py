"""Citizens' search finds only what public pages show: no masked digits, no reason, no name (issue 9 #1)."""
from __future__ import annotations

import pytest

from consult.search.queries import matching_comment_ids, search_public
from consult.search.services import verify

PHONE = "13912345678"
ID_NUMBER = "330102199001011234"


@pytest.fixture
def published(db, make_draft, add_comment):
    """A published comment with a phone and an ID number in its text, a secret only in its reason, a name."""
    draft = make_draft()
    comment = add_comment(draft, f"民宿老板电话{PHONE}，身份证{ID_NUMBER}，乱收费。", anchor="第四条",
                          published=True, commenter_name="王小明", reason="理由里的保密线索",
                          proposed_text="建议写明收费公示。", consent_personal_info=True)
    return draft, comment


def public_ids(query):
    return [h.obj.id for h in search_public(query).hits if h.kind == "comment"]


@pytest.mark.parametrize("guess", [PHONE, "12345678", "1234567", ID_NUMBER, "19900101", "理由里的保密线索",
                                   "保密线索", "王小明"])
def test_hidden_text_is_not_findable_publicly(published, guess):
    assert public_ids(guess) == []


def test_what_the_page_shows_is_findable(published):
    draft, comment = published
    assert public_ids("乱收费") == [comment.id]
    assert public_ids("收费公示") == [comment.id]  # the proposed wording is shown on the page
    hit = next(h for h in search_public("乱收费").hits if h.kind == "comment")
    assert PHONE not in str(hit.snippet) and "139****5678" in str(hit.snippet)


def test_staff_search_keeps_the_full_text(published):
    draft, comment = published
    for query in (PHONE, ID_NUMBER, "保密线索"):
        assert matching_comment_ids(query, draft_id=draft.id) == [comment.id]


def test_rejecting_a_published_comment_removes_its_public_document(published, db, staff):
    from consult.review.services import reject_comment

    draft, comment = published
    reject_comment(comment, "不宜公开", actor=staff)
    db.session.commit()
    assert public_ids("乱收费") == []
    assert matching_comment_ids("乱收费", draft_id=draft.id) == [comment.id]
    assert verify()["ok"]


class TestRateLimit:
    """Citizens' search is rate-limited per address (the limit comes from SEARCH_RATE_LIMIT)."""

    @pytest.fixture
    def app_config(self, tmp_path):
        return {"SEARCH_INDEX_DIR": str(tmp_path / "index"), "RATELIMIT_ENABLED": True,
                "SEARCH_RATE_LIMIT": "3 per minute"}

    def test_fourth_search_in_a_minute_is_refused(self, client, published):
        for _ in range(3):
            assert client.get("/search/", query_string={"q": "民宿"}).status_code == 200
        response = client.get("/search/", query_string={"q": "13912345679"})
        assert response.status_code == 429
        assert "频繁" in response.get_data(as_text=True)
