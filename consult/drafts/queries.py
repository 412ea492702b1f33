"""Reads about drafts: lists, article lookup, comment counts, the text order of a version."""
from __future__ import annotations

from sqlalchemy import select

from consult.drafts.models import Article, Division, Draft, DraftVersion
from consult.drafts.publishing import is_blocking
from consult.extensions import db



def published_drafts() -> list[Draft]:
    """Published drafts, newest first."""
    return list(db.session.scalars(
        select(Draft).where(Draft.published_at.is_not(None)).order_by(Draft.published_at.desc())))


def all_drafts() -> list[Draft]:
    """Every draft, newest first (staff)."""
    return list(db.session.scalars(select(Draft).order_by(Draft.created_at.desc(), Draft.id.desc())))


def find_article(version: DraftVersion, key: str) -> Article | None:
    """The article at this address (12, 12-1, 4_2) in a version; a bare number finds its first article."""
    found = db.session.scalar(select(Article).where(Article.version_id == version.id,
                                                    Article.stable_key == str(key)).limit(1))
    if found is not None:
        return found
    number, _, suffix = str(key).partition("-")
    if not number.isdigit() or (suffix and not suffix.isdigit()):
        return None
    return db.session.scalar(select(Article).where(
        Article.version_id == version.id, Article.number == int(number),
        Article.suffix.is_(None) if not suffix else Article.suffix == int(suffix)).order_by(Article.position))


def text_outline(version: DraftVersion) -> list[tuple[str, object]]:
    """The version in reading order: ("division", Division) before the articles it opens, ("article", Article)."""
    divisions = {d.id: d for d in version.divisions}
    emitted: set[int] = set()
    outline: list[tuple[str, object]] = []

    def ancestors(division: Division | None) -> list[Division]:
        chain = []
        while division is not None:
            chain.append(division)
            division = divisions.get(division.parent_id) if division.parent_id else None
        return list(reversed(chain))

    for article in version.articles:
        for division in ancestors(divisions.get(article.division_id) if article.division_id else None):
            if division.id not in emitted:
                emitted.add(division.id)
                outline.append(("division", division))
        outline.append(("article", article))
    for division in version.divisions:  # divisions without articles still show in order
        if division.id not in emitted:
            outline.append(("division", division))
    return outline


def place_warnings(version) -> dict:
    """Put each parse warning beside the article whose source lines contain it, or the preamble/trailing block."""
    articles = [a for a in version.articles if a.source_line]
    placed = {"all": [], "preamble": [], "trailing": [], "unplaced": [], "articles": {}}
    for index, warning in enumerate(version.warnings or []):
        warning = {**warning, "anchor": f"warning-{index + 1}", "index": index, "blocking": is_blocking(warning)}
        placed["all"].append(warning)
        line = warning.get("line")
        if not line:
            placed["unplaced"].append(warning)
            continue
        if not articles or line < articles[0].source_line:
            placed["preamble"].append(warning)
            continue
        owner = None
        for article, following in zip(articles, articles[1:] + [None]):
            end = following.source_line if following else article.source_line + _line_span(article)
            if article.source_line <= line < end:
                owner = article
                break
        if owner is None:
            placed["trailing"].append(warning)
        else:
            placed["articles"].setdefault(owner.id, []).append(warning)
    return placed


def _line_span(article) -> int:
    """Source lines an article takes: its label line plus one per text line (a label alone adds one)."""
    return 2 + sum(len(p.split("\n")) for p in article.paragraphs or [])
