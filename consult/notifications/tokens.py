"""Signed tokens in e-mailed links (itsdangerous with SECRET_KEY): unsubscribe; see accounts for others."""
from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

_SALT = "consult-unsubscribe"


def unsubscribe_token(email: str) -> str:
    """A token naming this address; it does not expire (an old message's link still works)."""
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT).dumps(email.strip().lower())


def unsubscribe_email(token: str) -> str | None:
    """The address of a valid unsubscribe token, else None."""
    try:
        value = URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT).loads(token or "")
    except BadSignature:
        return None
    return value if isinstance(value, str) else None
