"""Reads for the themes pages: the latest finished run, an anchor's key terms and clusters, members."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from consult.comments.models import Comment
from consult.extensions import db
from consult.themes.models import ArticlePoints, KeyTerm, Theme, ThemeMember, ThemeRun

MEMBERS_PER_PAGE = 20


def latest_run(draft) -> ThemeRun | None:
    """The draft's newest run whatever its state (what the overview reports)."""
    return db.session.scalar(select(ThemeRun).where(ThemeRun.draft_id == draft.id)
                             .order_by(ThemeRun.id.desc()))


def shown_run(draft) -> ThemeRun | None:
    """The draft's newest finished run (what the pages show)."""
    return db.session.scalar(select(ThemeRun).where(ThemeRun.draft_id == draft.id, ThemeRun.status == "done")
                             .order_by(ThemeRun.id.desc()))


def _anchor(query, model, article_id: int | None, anchor_kind: str):
    if article_id is not None:
        return query.where(model.article_id == article_id)
    return query.where(model.article_id.is_(None), model.anchor_kind == anchor_kind)


def key_terms(run: ThemeRun | None, article_id: int | None, anchor_kind: str = "article") -> list[KeyTerm]:
    """An anchor's key terms, best first."""
    if run is None:
        return []
    return list(db.session.scalars(_anchor(select(KeyTerm).where(KeyTerm.run_id == run.id), KeyTerm,
                                           article_id, anchor_kind).order_by(KeyTerm.rank)))


def anchor_themes(run: ThemeRun | None, article_id: int | None, anchor_kind: str = "article") -> list[Theme]:
    """An anchor's clusters, largest first, with their representatives loaded."""
    if run is None:
        return []
    query = _anchor(select(Theme).where(Theme.run_id == run.id), Theme, article_id, anchor_kind)
    return list(db.session.scalars(query.options(selectinload(Theme.representative)).order_by(Theme.rank)))


def members_page(theme: Theme, page: int = 1,
                 per_page: int = MEMBERS_PER_PAGE) -> tuple[list[Comment], int, int]:
    """One page of a cluster's comments (representative first): (comments, total, page clamped)."""
    total = db.session.scalar(select(func.count()).select_from(ThemeMember)
                              .where(ThemeMember.theme_id == theme.id)) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    comments = list(db.session.scalars(
        select(Comment).join(ThemeMember, ThemeMember.comment_id == Comment.id)
        .where(ThemeMember.theme_id == theme.id).order_by(ThemeMember.position)
        .options(selectinload(Comment.contact_point))
        .limit(per_page).offset((page - 1) * per_page)))
    return comments, total, page


def decision_counts(theme: Theme) -> dict:
    """How the cluster's comments stand: {decision code or None: count}."""
    rows = db.session.execute(select(Comment.decision, func.count(Comment.id))
                              .join(ThemeMember, ThemeMember.comment_id == Comment.id)
                              .where(ThemeMember.theme_id == theme.id).group_by(Comment.decision))
    return dict(rows.all())


def overview(run: ThemeRun | None) -> dict:
    """{(article_id, anchor_kind): {"themes": n, "clustered": comments in clusters, "terms": [words]}}."""
    if run is None:
        return {}
    out: dict = {}
    for article_id, anchor_kind, count, clustered in db.session.execute(
            select(Theme.article_id, Theme.anchor_kind, func.count(Theme.id), func.sum(Theme.size))
            .where(Theme.run_id == run.id).group_by(Theme.article_id, Theme.anchor_kind)):
        out[(article_id, anchor_kind)] = {"themes": count, "clustered": int(clustered or 0), "terms": []}
    for article_id, anchor_kind, term in db.session.execute(
            select(KeyTerm.article_id, KeyTerm.anchor_kind, KeyTerm.term)
            .where(KeyTerm.run_id == run.id, KeyTerm.rank <= 5).order_by(KeyTerm.rank)):
        row = out.setdefault((article_id, anchor_kind), {"themes": 0, "clustered": 0, "terms": []})
        row["terms"].append(term)
    return out


def draft_points(draft) -> dict:
    """Saved 意见要点 of the draft: {article_id: text} for articles, {anchor_kind: text} for the others."""
    out = {}
    for points in db.session.scalars(select(ArticlePoints).where(ArticlePoints.draft_id == draft.id)):
        if points.text:
            out[points.article_id if points.article_id is not None else points.anchor_kind] = points.text
    return out
