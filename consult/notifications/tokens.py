"""Signed unsubscribe tokens (itsdangerous with SECRET_KEY) that do not carry the address itself.

The token holds a keyed digest of the address (HMAC-SHA256 with SECRET_KEY), so a link copied into a log
or a proxy's history names nobody; opt-outs are stored by that digest too (`MailOptOut.email_hash`).
"""
from __future__ import annotations

import hashlib
import hmac

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

_SALT = "consult-unsubscribe"


def address_digest(email: str) -> str:
    """The keyed digest an address is known by in opt-outs and unsubscribe links."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, (email or "").strip().lower().encode(), hashlib.sha256).hexdigest()


def unsubscribe_token(email: str) -> str:
    """A token naming this address by its digest; it does not expire (an old message's link still works)."""
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT).dumps(address_digest(email))


def unsubscribe_digest(token: str) -> str | None:
    """The address digest of a valid unsubscribe token, else None."""
    try:
        value = URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT).loads(token or "")
    except BadSignature:
        return None
    return value if isinstance(value, str) and len(value) == 64 else None
