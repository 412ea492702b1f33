"""Who is calling: a bearer token (scopes, optional contact point), or nobody (public reads, CSRF-checked writes).

- A token is read from `Authorization: Bearer cst_…`; an unknown or revoked token is refused (401) on every
  endpoint, never silently treated as anonymous.
- Calls with a token are exempt from CSRF (a browser never sends the header by itself); a write without a
  token is CSRF-checked like every form (X-CSRFToken header), so a cookie alone can never write.
- The API ignores the signed-in session for identity: what a call may do depends on its token only.
- Rate limits are counted per token for token calls and per address otherwise (consult.extensions.limiter).
"""
from __future__ import annotations

import hashlib
from functools import wraps

from flask import current_app, g, request
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address

from consult.api.errors import ApiError
from consult.api.services import note_use, token_for_secret
from consult.extensions import csrf

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# A comment with every field at its maximum is ~45 KiB of UTF-8; anything much larger is not a comment.
MAX_REQUEST_BYTES = 128 * 1024


def bearer_secret() -> str | None:
    """The secret of `Authorization: Bearer …`, "" for a malformed header, None without one."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _sep, secret = header.strip().partition(" ")
    return secret.strip() if scheme.lower() == "bearer" else ""


def authenticate() -> None:
    """Before every API call: find the token (or refuse it), bound the request size, check CSRF if tokenless."""
    request.max_content_length = MAX_REQUEST_BYTES
    g.api_token = None
    secret = bearer_secret()
    if secret is not None:
        token = token_for_secret(secret)
        if token is None:
            raise ApiError(401, "token_invalid", _("API 令牌无效。"),
                           headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
        if token.revoked_at is not None:
            raise ApiError(401, "token_revoked", _("该 API 令牌已被吊销。"),
                           headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
        g.api_token = token
        note_use(token)
    elif request.method not in SAFE_METHODS and current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()


def current_token():
    """The token of this call, or None."""
    return g.get("api_token")


def require_scope(scope: str):
    """Decorator: the call needs a token granted `scope` (401 without a token, 403 without the scope)."""
    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            check_scope(scope, required=True)
            return view(*args, **kwargs)

        wrapper.api_scope = scope
        return wrapper

    return decorator


def check_scope(scope: str, *, required: bool) -> None:
    """Refuse a token without `scope`; without a token refuse only when `required`."""
    token = current_token()
    if token is None:
        if required:
            raise ApiError(401, "token_required", _("此操作需要 API 令牌。"),
                           headers={"WWW-Authenticate": "Bearer"})
        return
    if not token.has_scope(scope):
        raise ApiError(403, "insufficient_scope", _("该令牌没有“%(scope)s”权限。", scope=scope))


def client_key() -> str:
    """Rate-limit bucket: the token (by a hash of its secret: no database look-up) or the client address."""
    secret = bearer_secret()
    if secret:
        return "api-token:" + hashlib.sha256(secret.encode()).hexdigest()[:24]
    return get_remote_address()


def submit_limit() -> str:
    """A token's submissions count against API_COMMENT_RATE_LIMIT, anonymous ones against COMMENT_RATE_LIMIT."""
    key = "API_COMMENT_RATE_LIMIT" if bearer_secret() else "COMMENT_RATE_LIMIT"
    return current_app.config[key]


def receipt_limit() -> str:
    """Receipt look-ups: the same limit as the receipt pages (and, without a token, the same count)."""
    return current_app.config["RECEIPT_RATE_LIMIT"]


def cors_headers(response):
    """After every API call: CORS headers for an origin listed in API_CORS_ORIGINS (none by default)."""
    origin = request.headers.get("Origin")
    allowed = [o.strip() for o in (current_app.config.get("API_CORS_ORIGINS") or "").split(",") if o.strip()]
    if origin and (origin in allowed or "*" in allowed):
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Headers"] = "Authorization, Content-Type, Idempotency-Key"
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response.headers["Access-Control-Max-Age"] = "600"
        response.vary.add("Origin")
    return response
