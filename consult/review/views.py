"""The staff workbench (法工委): drafts with progress, the article-by-article review, moderation,
near-duplicates and statistics. Actions (POST) live in consult.review.actions on the same blueprint."""
from __future__ import annotations


from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for

from consult.accounts.access import require
from consult.accounts.permissions import can_moderate, is_staff
from consult.comments.models import Comment
from consult.drafts.models import Draft
from consult.drafts.queries import find_article, text_outline
from consult.extensions import db
from consult.review import duplicates as dup
from consult.review import queries
from consult.review import stats as statistics
from consult.review.labels import labels
from consult.review.structure import article_structure

bp = Blueprint("review", __name__, url_prefix="/review")


@bp.context_processor
def _labels():
    return labels()


def load_draft(draft_id: int) -> Draft:
    """The draft with a current version, or 404."""
    draft = db.session.get(Draft, draft_id)
    if draft is None or draft.current_version is None:
        abort(404)
    return draft


def current_filters() -> dict:
    """Shared filters from the query string; bad values are flashed and ignored."""
    filters, errors = queries.parse_filters(request.args)
    for message in errors:
        flash(message, "error")
    return filters


@bp.route("/")
@require(is_staff)
def index():
    """Drafts with their progress (decided / total) and the moderation backlog."""
    return render_template("review/index.html", drafts=queries.drafts_with_progress(),
                           pending=queries.pending_count())


@bp.route("/drafts")
@require(is_staff)
def drafts():
    """The draft list staff manage (the drafts feature's page when it exists, else the workbench)."""
    from flask import current_app

    if "drafts.manage" in current_app.view_functions:
        return redirect(url_for("drafts.manage"))
    return redirect(url_for("review.index"))


@bp.route("/drafts/<int:draft_id>")
@require(is_staff)
def draft(draft_id: int):
    """Articles in text order with a heat bar of their comment counts, filters and progress."""
    draft = load_draft(draft_id)
    filters = current_filters()
    counts = queries.anchor_counts(draft, filters)
    return render_template("review/draft.html", draft=draft, version=draft.current_version,
                           outline=text_outline(draft.current_version), counts=counts,
                           max_count=max(counts.values(), default=0), filters=filters,
                           args=_filter_args(filters), progress=queries.progress(draft, filters),
                           overall=queries.progress(draft), options=queries.filter_options(draft))


@bp.route("/drafts/<int:draft_id>/articles/<key>")
@require(is_staff)
def article(draft_id: int, key: str):
    """One article (or 总体意见 / 名称 / 新增条款) with every comment on it and the review controls."""
    draft = load_draft(draft_id)
    version = draft.current_version
    filters = current_filters()
    if key in queries.NON_ARTICLE_ANCHORS:
        art, comments = None, queries.anchor_comments(draft, anchor_kind=key, filters=filters)
    else:
        art = find_article(version, key)
        if art is None:
            abort(404)
        comments = queries.anchor_comments(draft, article=art, filters=filters)
    articles = version.articles
    position = articles.index(art) if art is not None else -1
    pages = max(1, -(-len(comments) // ARTICLE_PAGE_SIZE))
    page = min(max(1, request.args.get("page", 1, type=int)), pages)
    return render_template(
        "review/article.html", draft=draft, version=version, article=art, key=key,
        comments=comments[(page - 1) * ARTICLE_PAGE_SIZE:page * ARTICLE_PAGE_SIZE], total=len(comments),
        page=page, pages=pages,
        structure=article_structure(art, comments) if art is not None else [],
        previous=articles[position - 1] if position > 0 else None,
        following=articles[position + 1] if 0 <= position < len(articles) - 1 else None,
        filters=filters, args=_filter_args(filters), staff=queries.staff_users(),
        tags=queries.draft_tags(draft))


ARTICLE_PAGE_SIZE = 50  # comments shown with their controls per page of the article view


@bp.route("/moderation")
@require(can_moderate)
def moderation():
    """Online comments waiting for moderation: publish or reject with a reason, one by one or in bulk."""
    draft_id = request.args.get("draft_id", type=int)
    return render_template("review/moderation.html", comments=queries.moderation_queue(draft_id),
                           total=queries.pending_count(draft_id),
                           draft=db.session.get(Draft, draft_id) if draft_id else None)


@bp.route("/drafts/<int:draft_id>/duplicates")
@require(is_staff)
def duplicates(draft_id: int):
    """Near-duplicate groups side by side: confirm, split a comment out, decide once for the group."""
    draft = load_draft(draft_id)
    return render_template("review/duplicates.html", draft=draft, groups=dup.draft_groups(draft))


@bp.route("/drafts/<int:draft_id>/stats")
@require(is_staff)
def stats(draft_id: int):
    """Charts (server-side SVG) and the same numbers as tables."""
    draft = load_draft(draft_id)
    filters = current_filters()
    tables = {name: statistics.series(draft, name, filters) for name in statistics.CHARTS}
    return render_template("review/stats.html", draft=draft, tables=tables, titles=statistics.chart_titles(),
                           args=_filter_args(filters), progress=queries.progress(draft, filters))


@bp.route("/drafts/<int:draft_id>/charts/<name>.svg")
@require(is_staff)
def chart(draft_id: int, name: str):
    """One statistics chart as an SVG image (no script, no external URL)."""
    draft = load_draft(draft_id)
    if name not in statistics.CHARTS:
        abort(404)
    response = Response(statistics.render_chart(draft, name, current_filters()), mimetype="image/svg+xml")
    # pygal styles its SVG with an inline <style>; the image gets its own, script-free policy.
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _filter_args(filters: dict) -> dict:
    return {key: str(value) for key, value in filters.items()}


def comment_or_404(comment_id: int) -> Comment:
    """The comment, or 404."""
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        abort(404)
    return comment


from consult.review import actions  # noqa: E402,F401  (registers the POST routes on `bp`)
