"""The staff workbench (法工委): drafts with progress, the article-by-article review, moderation,
near-duplicates and statistics (GET pages). The POST actions live in consult.review.actions, on the same
blueprint (consult.review.pages.bp)."""
from __future__ import annotations

from flask import Response, abort, redirect, render_template, request, url_for

from consult.accounts.access import require
from consult.accounts.permissions import can_moderate, is_staff
from consult.drafts.models import Draft
from consult.drafts.queries import text_outline
from consult.extensions import db
from consult.review import actions  # noqa: F401  (registers the POST routes on the blueprint)
from consult.review import lineage_views  # noqa: F401  (registers the lineage review routes)
from consult.review import queries
from consult.review.carried import remap_counts, workbench_place
from consult.review import stats as statistics
from consult.review.pages import bp, comment_or_404, load_draft, render_article, render_duplicates

__all__ = ["bp"]


@bp.route("/")
@require(is_staff)
def index():
    """Drafts with their progress (decided / total) and the moderation backlog."""
    return render_template("review/index.html", drafts=queries.drafts_with_progress(),
                           pending=queries.pending_count())


@bp.route("/drafts/<int:draft_id>")
@require(is_staff)
def draft(draft_id: int):
    """Articles in text order with a heat bar of their comment counts, filters and progress."""
    draft = load_draft(draft_id)
    selection = queries.workbench_selection(request.args, draft)
    counts = remap_counts(draft, queries.anchor_counts(draft, selection))  # earlier readings' comments too
    return render_template("review/draft.html", draft=draft, version=draft.current_version,
                           outline=text_outline(draft.current_version), counts=counts,
                           max_count=max(counts.values(), default=0), selection=selection,
                           args=queries.filter_args(selection), progress=queries.progress(draft, selection),
                           overall=queries.progress(draft), options=queries.filter_options(draft))


@bp.route("/drafts/<int:draft_id>/articles/<key>")
@require(is_staff)
def article(draft_id: int, key: str):
    """One article (or 总体意见 / 名称 / 新增条款) with one page of its comments and the review controls."""
    draft = load_draft(draft_id)
    selection = queries.workbench_selection(request.args, draft)
    return render_article(draft, key, selection, request.args.get("page", 1, type=int))


@bp.route("/comments/<int:comment_id>")
@require(is_staff)
def comment(comment_id: int):
    """Open a comment where it stands on the workbench: its article's page that shows it, at the comment."""
    found = comment_or_404(comment_id)
    article, anchor_kind, _carried = workbench_place(found)  # an earlier reading's comment: today's article
    key = article.address if article is not None else anchor_kind
    page = queries.page_of(found) or 1
    return redirect(url_for("review.article", draft_id=found.draft_id, key=key, page=page) + f"#c-{found.id}")


@bp.route("/moderation")
@require(can_moderate)
def moderation():
    """Online comments waiting for moderation: publish or reject with a reason, one by one or in bulk."""
    draft_id = request.args.get("draft_id", type=int)
    total = queries.pending_count(draft_id)
    pages = max(1, -(-total // queries.PAGE_SIZE))
    page = min(max(1, request.args.get("page", 1, type=int)), pages)
    return render_template("review/moderation.html", comments=queries.moderation_queue(draft_id, page),
                           total=total, page=page, pages=pages,
                           draft=db.session.get(Draft, draft_id) if draft_id else None)


@bp.route("/drafts/<int:draft_id>/duplicates")
@require(is_staff)
def duplicates(draft_id: int):
    """Near-duplicate groups, paged, members beside their representative with the differences marked."""
    draft = load_draft(draft_id)
    return render_duplicates(draft, request.args.get("page", 1, type=int))


@bp.route("/drafts/<int:draft_id>/stats")
@require(is_staff)
def stats(draft_id: int):
    """Charts (server-side SVG) and the same numbers as tables."""
    draft = load_draft(draft_id)
    selection = queries.workbench_selection(request.args, draft)
    tables = {name: statistics.series(draft, name, selection) for name in statistics.CHARTS}
    return render_template("review/stats.html", draft=draft, tables=tables, titles=statistics.chart_titles(),
                           selection=selection, args=queries.filter_args(selection),
                           progress=queries.progress(draft, selection))


@bp.route("/drafts/<int:draft_id>/charts/<name>.svg")
@require(is_staff)
def chart(draft_id: int, name: str):
    """One statistics chart as an SVG image (no script, no external URL)."""
    draft = load_draft(draft_id)
    if name not in statistics.CHARTS:
        abort(404)
    selection = queries.workbench_selection(request.args, draft)
    response = Response(statistics.render_chart(draft, name, selection), mimetype="image/svg+xml")
    # pygal styles its SVG with an inline <style>; the image gets its own, script-free policy.
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response.headers["Cache-Control"] = "private, no-store"
    return response
