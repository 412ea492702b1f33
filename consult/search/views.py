"""Search pages: the staff comment search (grouped by article, permalinks) and the citizens' search."""
from __future__ import annotations


from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _

from consult.accounts.access import require
from consult.accounts.permissions import can_search_comments
from consult.drafts.models import Draft
from consult.extensions import db
from consult.search import queries
from consult.search.filters import FilterError
from consult.search.forms import CommentSearchForm, PublicSearchForm
from consult.search.options import CHANNEL_LABELS, DECISION_LABELS, STATE_LABELS, filter_choices
from consult.search.syntax import QueryError

bp = Blueprint("search", __name__, url_prefix="/search")


@bp.context_processor
def _labels():
    return {"channel_labels": CHANNEL_LABELS, "state_labels": STATE_LABELS, "decision_labels": DECISION_LABELS}


require_search = require(can_search_comments)  # staff comment search pages


def _staff_form() -> tuple[CommentSearchForm, Draft | None]:
    form = CommentSearchForm(request.args)
    draft = db.session.get(Draft, form.draft_id()) if form.draft_id() else None
    for name, choices in filter_choices(db.session, draft).items():
        getattr(form, name).choices = choices
    return form, draft


def _form_error(form) -> str:
    return next((f"{form[name].label.text}：{errors[0]}" for name, errors in form.errors.items()), _("检索条件无效。"))


@bp.route("/comments")
@require_search
def comments():
    """Staff comment search: groups by article in text order, counts, highlighted comments, most relevant."""
    form, draft = _staff_form()
    results, top, error = None, [], None
    if not form.validate():
        error = _form_error(form)
    else:
        try:
            results = queries.search_comments(form.q.data or "", draft_id=draft.id if draft else None,
                                              filters=form.filters(), page=form.page.data or 1, per_group=3)
            top = queries.top_comments(form.q.data or "", draft_id=draft.id if draft else None,
                                       filters=form.filters(), limit=10)
        except (QueryError, FilterError) as exc:
            error = exc.message
    return render_template("search/comments.html", form=form, draft=draft, results=results, top=top,
                           error=error, args=request.args.to_dict())


@bp.route("/comments/group/<int:order>")
@require_search
def group(order: int):
    """One group of a staff search (one article, 总体意见 …), paged through all its matching comments."""
    form, draft = _staff_form()
    if not form.validate():
        return render_template("search/group.html", form=form, group=None, error=_form_error(form),
                               args=request.args.to_dict(), page=1, pages=1, terms=[])
    try:
        grp, page, pages = queries.group_comments(form.q.data or "", order, draft_id=draft.id if draft else None,
                                                  filters=form.filters(), page=form.page.data or 1)
    except (QueryError, FilterError) as exc:
        return render_template("search/group.html", form=form, group=None, error=exc.message,
                               args=request.args.to_dict(), page=1, pages=1)
    if grp is None:
        abort(404)
    return render_template("search/group.html", form=form, group=grp, error=None, page=page, pages=pages,
                           args=request.args.to_dict())


@bp.route("/")
def public():
    """Citizens' search over published drafts, their articles and published comments."""
    form = PublicSearchForm(request.args)
    results, error = None, None
    if not form.validate():
        error = _("检索词太长或页码无效。")
    elif (form.q.data or "").strip():
        try:
            results = queries.search_public(form.q.data, page=form.page.data or 1)
        except QueryError as exc:
            error = exc.message
    return render_template("search/public.html", form=form, results=results, error=error)
