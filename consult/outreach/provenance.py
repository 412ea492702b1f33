"""The signed provenance a contact point's poster gives the comment form (扫码提意见).

The short link of a point × draft opens the comment form with a token signed by the app's secret key; the
form carries it back as a hidden field. A token names one point and one draft, so nobody can turn a poster's
link into another point's (a plain `?point=7` could be edited). A token that is forged, altered, for another
draft or older than MAX_AGE gives no point: the comment is still saved, as an ordinary online comment.
"""
from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from consult.contact_points.models import ContactPoint
from consult.extensions import db

SALT = "consult.outreach.poster"
MAX_AGE = 2 * 24 * 3600  # seconds: a form left open over a weekend still carries its point


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def poster_token(contact_point: ContactPoint, draft) -> str:
    """The token the comment form carries for a comment made through this point's poster for this draft."""
    return _serializer().dumps({"p": contact_point.id, "d": draft.id})


def poster_point(token: str | None, draft, *, max_age: int | None = None) -> ContactPoint | None:
    """The active contact point a valid token for this draft names, else None (forged, expired, other draft)."""
    if not token:
        return None
    try:
        payload = _serializer().loads(token, max_age=MAX_AGE if max_age is None else max_age)
    except BadSignature:  # SignatureExpired is a BadSignature
        return None
    if not isinstance(payload, dict) or payload.get("d") != draft.id or not isinstance(payload.get("p"), int):
        return None
    point = db.session.get(ContactPoint, payload["p"])
    return point if point is not None and point.active else None
