"""Reads about API tokens (admin page, CLI)."""
from __future__ import annotations

from sqlalchemy import select

from consult.api.models import ApiToken
from consult.extensions import db


def all_tokens() -> list[ApiToken]:
    """Every token, active ones first, newest first."""
    return list(db.session.scalars(
        select(ApiToken).order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id.desc())))


def token_by_id(token_id: int) -> ApiToken | None:
    """One token, or None."""
    return db.session.get(ApiToken, token_id)
