"""A comment through a point's poster carries the point and channel qr; the provenance rides in a signed token
through the form round trip. Forged, altered, expired or other-draft tokens give no point: the comment is
still saved, as an ordinary online comment (the resident loses nothing, a forger gains nothing)."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select

from consult.comments.models import Comment
from consult.outreach import provenance, services


def _open_poster(client, db, draft, point) -> str:
    link = services.link_for(draft, contact_point=point)
    db.session.commit()
    location = client.get(f"/q/{link.code}").headers["Location"]
    return parse_qs(urlsplit(location).query)["via"][0]


def _post(client, draft, **extra):
    data = {"anchor": "3", "body": "建议景区入口设置文明旅游提示牌。", "commenter_category": "", **extra}
    return client.post(f"/comments/new/{draft.id}", data=data)


def _only_comment(db) -> Comment:
    comments = list(db.session.scalars(select(Comment)))
    assert len(comments) == 1
    return comments[0]


def test_the_poster_comment_carries_point_and_channel_qr(client, db, draft, point):
    token = _open_poster(client, db, draft, point)
    answer = _post(client, draft, via=token)
    assert answer.status_code == 303
    comment = _only_comment(db)
    assert (comment.channel, comment.contact_point_id, comment.moderation_state) == ("qr", point.id, "pending")
    assert comment.receipt_code in answer.headers["Location"]


def test_without_a_token_it_is_an_ordinary_online_comment(client, db, draft, point):
    _post(client, draft, point=str(point.id), contact_point_id=str(point.id))  # hand-made fields do nothing
    comment = _only_comment(db)
    assert (comment.channel, comment.contact_point_id) == ("online", None)


def test_an_altered_token_gives_no_point(client, db, draft, point, other_point):
    token = _open_poster(client, db, draft, point)
    body, _, signature = token.rpartition(".")
    forged = body + "." + ("A" if signature[0] != "A" else "B") + signature[1:]
    _post(client, draft, via=forged)
    comment = _only_comment(db)
    assert (comment.channel, comment.contact_point_id) == ("online", None)


def test_a_token_signed_with_another_key_gives_no_point(app, client, db, draft, point, other_point):
    from itsdangerous import URLSafeTimedSerializer

    forged = URLSafeTimedSerializer("not-our-secret", salt=provenance.SALT).dumps({"p": other_point.id, "d": draft.id})
    _post(client, draft, via=forged)
    assert _only_comment(db).contact_point_id is None


def test_a_token_of_another_draft_gives_no_point(client, db, draft, point, make_draft):
    other_draft = make_draft(title="另一部草案")
    token = _open_poster(client, db, other_draft, point)
    _post(client, draft, via=token)
    assert _only_comment(db).contact_point_id is None


def test_an_expired_token_gives_no_point(client, db, draft, point, monkeypatch):
    token = _open_poster(client, db, draft, point)
    monkeypatch.setattr(provenance, "MAX_AGE", -1)
    _post(client, draft, via=token)
    comment = _only_comment(db)
    assert (comment.channel, comment.contact_point_id) == ("online", None)


def test_a_deactivated_point_gives_no_point(client, db, draft, point):
    token = _open_poster(client, db, draft, point)
    point.active = False
    db.session.commit()
    _post(client, draft, via=token)
    assert _only_comment(db).contact_point_id is None


def test_the_token_survives_a_refused_form(client, db, draft, point):
    token = _open_poster(client, db, draft, point)
    refused = _post(client, draft, via=token, body="")
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert f'name="via" value="{token}"' in page and point.name in page
    assert list(db.session.scalars(select(Comment))) == []
    _post(client, draft, via=token)
    assert _only_comment(db).contact_point_id == point.id


def test_a_closed_window_refuses_the_poster_comment_too(client, db, draft, point):
    from consult.drafts.services import close_draft

    token = _open_poster(client, db, draft, point)
    close_draft(draft)
    db.session.commit()
    assert _post(client, draft, via=token).status_code == 422
    assert list(db.session.scalars(select(Comment))) == []
