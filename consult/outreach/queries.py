"""Reads about short links: by code, by target, and where a link leads now."""
from __future__ import annotations

import re

from sqlalchemy import select

from consult.drafts.queries import find_article
from consult.extensions import db
from consult.outreach.models import ShortLink

_NOT_CODE = re.compile(r"[\s\-·.]+")


def normalise_code(code: str | None) -> str:
    """What a person typed as a code: case, spaces and dashes ignored ("ab3 k-7x" → "AB3K7X")."""
    return _NOT_CODE.sub("", code or "").upper()


def link_by_code(code: str | None) -> ShortLink | None:
    """The short link with this code (as typed), or None."""
    code = normalise_code(code)
    if not code or len(code) > 12:
        return None
    return db.session.scalar(select(ShortLink).where(ShortLink.code == code))


def link_by_target(target: str) -> ShortLink | None:
    """The short link of a target key ("draft:3", "article:17", "point:4:3"), or None."""
    return db.session.scalar(select(ShortLink).where(ShortLink.target == target))


def draft_links(draft) -> dict[str, ShortLink]:
    """Every short link of a draft by target key."""
    return {link.target: link for link in db.session.scalars(select(ShortLink).where(ShortLink.draft_id == draft.id))}


def current_article(link: ShortLink):
    """The article a link opens in the draft's current text (the same address after a new version), or None."""
    version = link.draft.current_version
    if link.article is None or version is None:
        return None
    if link.article.version_id == version.id:
        return link.article
    return find_article(version, link.article.address)


def current_division(link: ShortLink):
    """The chapter a link opens if it is still in the current text, else None."""
    version = link.draft.current_version
    if link.division is None or version is None or link.division.version_id != version.id:
        return None
    return link.division
