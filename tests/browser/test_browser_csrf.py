"""The live server runs with CSRF on: the journeys (test_journey_*.py) pass through real forms with tokens."""
from __future__ import annotations

import pytest
from sqlalchemy import select

pytestmark = pytest.mark.browser


def test_live_server_refuses_a_post_without_csrf_token(page, live_server, seed):
    """A comment POST without the token is refused and nothing is stored."""
    body = "没有令牌的提交不应被保存。"
    response = page.request.post(live_server.url("comments.new", draft_id=seed.draft_id(), anchor="12"),
                                 form={"anchor": "12", "body": body, "commenter_category": ""})
    assert response.status == 400
    from consult.comments.models import Comment
    from consult.extensions import db

    with live_server.app.app_context():
        try:
            assert db.session.scalar(select(Comment.id).where(Comment.body == body)) is None
        finally:
            db.session.remove()
