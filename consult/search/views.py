"""Search pages: the staff comment search (grouped by article, permalinks) and the citizens' search."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import gettext as _

from consult.accounts.access import require
from consult.accounts.permissions import can_search_comments
from consult.comments.selection import Selection
from consult.drafts.models import Article, Draft
from consult.errors import UserError
from consult.extensions import db, limiter
from consult.search import queries
from consult.search.forms import CommentSearchForm, PublicSearchForm
from consult.search.options import filter_choices
from consult.search.services import search_health

bp = Blueprint("search", __name__, url_prefix="/search")
require_search = require(can_search_comments)  # staff comment search pages
PUBLIC_RATE_LIMIT = "30 per minute;600 per day"


def _public_limit() -> str:
    return current_app.config.get("SEARCH_RATE_LIMIT") or PUBLIC_RATE_LIMIT


def _staff_request() -> tuple[CommentSearchForm, Draft | None, Selection | None, list[str]]:
    """The form (for rendering), its draft, the Selection it describes, and messages about bad values."""
    form = CommentSearchForm(request.args)
    value = (form.draft_id.data or "").strip()
    draft = db.session.get(Draft, int(value)) if value.isdigit() else None
    for name, choices in filter_choices(db.session, draft).items():
        getattr(form, name).choices = choices
    if not form.validate():
        message = next((f"{form[name].label.text}：{errors[0]}" for name, errors in form.errors.items()),
                       _("检索条件无效。"))
        return form, draft, None, [message]
    selection = Selection.from_args(request.args, draft=draft)
    return form, draft, selection, list(selection.errors)


def _page_context(draft, selection, form=None, hits=()) -> dict:
    args = selection.to_args() if selection else {}
    if form is not None and form.map_to_current.data:
        args["map_to_current"] = "1"  # links (groups, pages) keep the grouping asked for
    return {"draft": draft, "health": search_health(), "args": args, "scope_article": _scope_article(selection),
            "carried": queries.carried_for([h.obj for h in hits])}


def _scope_article(selection) -> Article | None:
    return db.session.get(Article, selection.article_id) if selection and selection.article_id else None


@bp.route("/comments")
@require_search
def comments():
    """Staff comment search: groups by article in text order, counts, highlighted comments, most relevant."""
    form, draft, selection, errors = _staff_request()
    results, top = None, []
    if selection is not None:
        try:
            results = queries.search_comments(selection, page=form.page.data or 1, per_group=3,
                                              to_current=bool(form.map_to_current.data), top=10)
            top = results.top
        except UserError as exc:
            errors.append(exc.message)
    hits = [h for g in (results.shown if results else []) for h in g.hits] + list(top)
    return render_template("search/comments.html", form=form, results=results, top=top, errors=errors,
                           **_page_context(draft, selection, form, hits))


@bp.route("/comments/group/<int:version_id>/<key>")
@require_search
def group(version_id: int, key: str):
    """One group of a staff search (one article, 总体意见 …), paged through all its matching comments."""
    form, draft, selection, errors = _staff_request()
    grp, page, pages = None, 1, 1
    if selection is not None:
        try:
            grp, page, pages = queries.group_comments(selection, version_id, key, page=form.page.data or 1,
                                                      to_current=bool(form.map_to_current.data))
        except UserError as exc:
            errors.append(exc.message)
        else:
            if grp is None:
                abort(404)
    return render_template("search/group.html", form=form, group=grp, errors=errors, page=page, pages=pages,
                           **_page_context(draft, selection, form, grp.hits if grp else ()))


@bp.route("/")
@limiter.limit(_public_limit)
def public():
    """Citizens' search over published drafts, their articles and published comments (rate-limited)."""
    form = PublicSearchForm(request.args)
    results, error = None, None
    if not form.validate():
        error = _("检索词太长或页码无效。")
    elif (form.q.data or "").strip():
        try:
            results = queries.search_public(form.q.data, page=form.page.data or 1)
        except UserError as exc:
            error = exc.message
    return render_template("search/public.html", form=form, results=results, error=error)
