"""API token verbs: create (the secret is returned once), revoke, authenticate, note a use. Flush, never commit.

A token's secret is `cst_` + 43 random URL-safe characters (256 bits); only its sha256 is stored, so a
stolen database does not yield usable tokens, and a look-up by hash needs no constant-time compare (the
secret has full entropy: a timing difference cannot be walked towards a valid hash).
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from consult.api.models import ApiToken
from consult.api.scopes import SCOPES, SUBMIT
from consult.audit.models import AuditEvent
from consult.audit.services import record
from consult.database import utcnow
from consult.errors import UserError
from consult.extensions import db

SECRET_PREFIX = "cst_"
NAME_MAX = 100
# last_used_at is written at most this often per token, so frequent reads do not turn into writes.
TOUCH_EVERY = timedelta(minutes=1)


class TokenError(UserError):
    """A token that cannot be created or revoked as asked; `field` names the form field."""


def hash_secret(secret: str) -> str:
    """The stored form of a token's secret."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(name: str, scopes, *, contact_point=None, actor) -> tuple[ApiToken, str]:
    """A new token and its secret (shown to the admin once, never stored)."""
    name = (name or "").strip()
    if not name:
        raise TokenError(_("请填写令牌名称（例如对接的系统或联系点）。"), "name")
    if len(name) > NAME_MAX:
        raise TokenError(_("令牌名称不能超过 %(n)s 个字。", n=NAME_MAX), "name")
    scopes = sorted(set(scopes or []))
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown:
        raise TokenError(_("未知的权限范围：%(scopes)s（可选：%(choices)s）。", scopes="、".join(unknown),
                           choices="、".join(SCOPES)), "scopes")
    if contact_point is not None and any(s != SUBMIT for s in scopes):
        raise TokenError(_("联系点的令牌只能提交意见，不能带工作人员权限。"), "scopes")
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(name=name, token_hash=hash_secret(secret), prefix=secret[:10], scopes=scopes,
                     contact_point_id=contact_point.id if contact_point is not None else None,
                     created_by_id=getattr(actor, "id", None), created_at=utcnow())
    db.session.add(token)
    db.session.flush()
    record(actor, "api.token.create", token, name=name, scopes=scopes, contact_point_id=token.contact_point_id)
    return token, secret


def revoke_token(token: ApiToken, *, actor) -> ApiToken:
    """Refuse every later call with this token (kept for the audit trail)."""
    if token.revoked_at is not None:
        raise TokenError(_("该令牌已被吊销。"))
    token.revoked_at = utcnow()
    db.session.flush()
    record(actor, "api.token.revoke", token, name=token.name)
    return token


def token_for_secret(secret: str | None) -> ApiToken | None:
    """The token whose secret this is (revoked ones included: the caller tells them apart), or None."""
    if not secret or not secret.startswith(SECRET_PREFIX) or len(secret) > 100:
        return None
    return db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_secret(secret)))


def note_use(token: ApiToken, now=None) -> None:
    """Remember when the token was last used, at most once per TOUCH_EVERY."""
    now = now or utcnow()
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        token.last_used_at = now


def audit_call(token: ApiToken | None, operation: str, status: int, **details) -> None:
    """One audit event for a call that writes, looks up a receipt or reads staff data."""
    record(None, "api.call", token if token is not None else ("ApiToken", None), operation=operation,
           status=status, **details)


def audit_read(token: ApiToken, operation: str, now=None) -> None:
    """Public reads with a token: one audit event per token and hour, counting calls per operation.

    One row per read would let a polling system flood the audit trail with rows that say nothing a
    count does not; two workers may occasionally open two rows for the same hour (counts still add up).
    """
    now = now or utcnow()
    hour = now.replace(minute=0, second=0, microsecond=0)
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "api.read", AuditEvent.target_type == "ApiToken",
                                 AuditEvent.target_id == token.id, AuditEvent.created_at >= hour)
        .order_by(AuditEvent.id.desc()).limit(1))
    if event is None:
        record(None, "api.read", token, calls=1, operations={operation: 1}, hour=hour.isoformat())
        return
    details = dict(event.details or {})
    operations = dict(details.get("operations") or {})
    operations[operation] = operations.get(operation, 0) + 1
    details.update(calls=int(details.get("calls", 0)) + 1, operations=operations)
    event.details = details
