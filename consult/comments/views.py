"""Citizens' pages: comment on a draft, the receipt after submitting, look up a receipt code."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from consult.actions import perform
from consult.comments import queries, services
from consult.comments.forms import CommentForm, ReceiptForm
from consult.comments.rules import CommentError, new_receipt_codes
from consult.drafts.models import Draft
from consult.extensions import db, limiter

bp = Blueprint("comments", __name__, url_prefix="/comments")

FORM_FIELDS = ("anchor", "body", "reason", "proposed_text", "commenter_name", "commenter_category", "contact",
               "wants_feedback", "consent_personal_info", "consent_publish_name", "is_minor")


def _comment_limit() -> str:
    return current_app.config["COMMENT_RATE_LIMIT"]


def _receipt_limit() -> str:
    return current_app.config["RECEIPT_RATE_LIMIT"]


def _no_code() -> bool:
    """The empty look-up form is not a guess: only look-ups with a code count towards the limit."""
    return not request.args.get("code")


def load_published_draft(draft_id: int) -> Draft:
    """The published draft with a current text, else 404."""
    draft = db.session.get(Draft, draft_id)
    if draft is None or not draft.is_published or draft.current_version is None:
        abort(404)
    return draft


def _form_context(draft: Draft, form: CommentForm) -> dict:
    """The anchor choices (one article's 款 and 项 when the link named an article) and the chosen text."""
    version = draft.current_version
    wanted = form.anchor.data or request.args.get("anchor", "general")
    focus = None
    try:
        focus = services.resolve_anchor(version, request.args.get("anchor") or wanted)
    except CommentError:
        pass
    options = services.anchor_options(version, focus.article if focus else None)
    form.anchor.choices = [SelectChoice(value, label) for value, label in options]
    try:
        chosen = services.resolve_anchor(version, wanted)
        form.anchor.data = chosen.key
    except CommentError:
        chosen = None
    token = request.values.get("via", "")
    point = poster_point_of(token, draft)
    return {"draft": draft, "version": version, "form": form, "chosen": chosen, "poster_point": point,
            "poster_token": token if point is not None else ""}


def poster_point_of(token: str | None, draft: Draft):
    """The contact point whose poster's QR code opened this form (a valid signed token), else None."""
    from consult.outreach.provenance import poster_point  # outreach sits above comments: imported on call

    return poster_point(token, draft)


def _render_form(draft: Draft, form: CommentForm, error: str | None = None, error_field: str | None = None,
                 status: int = 200):
    return render_template("comments/new.html", error=error, error_field=error_field,
                           **_form_context(draft, form)), status


@bp.route("/new/<int:draft_id>", methods=["GET", "POST"])
@limiter.limit(_comment_limit, methods=["POST"])
def new(draft_id: int):
    """Comment on a draft, an article, a paragraph or an item; a filled honeypot is answered but not kept."""
    draft = load_published_draft(draft_id)
    form = CommentForm()
    if request.method == "POST" and form.website.data:
        return render_template("comments/submitted.html", draft=draft, code=new_receipt_codes(1)[0],
                               comment=None)
    if request.method == "GET":
        return _render_form(draft, form)
    actor = current_user if current_user.is_authenticated else None
    point = poster_point_of(request.form.get("via"), draft)  # forged or expired: an ordinary online comment

    def submit():
        fields = {name: getattr(form, name).data for name in FORM_FIELDS}
        if point is not None:
            from consult.outreach.services import submit_poster_comment  # see poster_point_of

            return submit_poster_comment(draft, point, **fields, actor=actor)
        return services.submit_online_comment(draft, **fields, actor=actor)

    return perform(
        submit,
        form=form, success=None, redirect_code=303,
        redirect_to=lambda comment: url_for("comments.submitted", code=comment.receipt_code),
        rerender=lambda: _render_form(draft, form, error=(form.form_errors or [None])[0], status=422))


@bp.errorhandler(429)
def throttled(error):
    """Too many submissions from this address: show the form again with what the person typed."""
    if request.endpoint == "comments.new" and request.method == "POST":
        draft = load_published_draft(request.view_args["draft_id"])
        form = CommentForm()
        return _render_form(draft, form, error=_("提交过于频繁，请稍后再试。您填写的内容已保留在下方，无需重新输入。"),
                            status=429)
    return render_template("errors/error.html", code=429, message=_("操作过于频繁，请稍后再试。"),
                           description=""), 429


@bp.route("/submitted")
@limiter.shared_limit(_receipt_limit, scope="receipt-lookup", exempt_when=_no_code)
def submitted():
    """Thank the commenter and show the receipt code and what happens next."""
    comment = queries.comment_by_receipt(request.args.get("code"))
    if comment is None:
        abort(404)
    return render_template("comments/submitted.html", draft=comment.draft, code=comment.receipt_code,
                           comment=comment)


@bp.route("/receipt")
@limiter.shared_limit(_receipt_limit, scope="receipt-lookup", exempt_when=_no_code)
def receipt():
    """Look up what became of a comment by its receipt code."""
    form = ReceiptForm(request.args)
    comment, status = None, 200
    if request.args.get("code"):
        comment = queries.comment_by_receipt(form.code.data)
        status = 200 if comment is not None else 404
    return render_template("comments/receipt.html", form=form, comment=comment,
                           searched=bool(form.code.data)), status


@bp.app_template_global("article_comment_counts")
def article_comment_counts(draft) -> dict[int, int]:
    """Comments per article id of a draft (published and recorded ones), for the public draft pages."""
    return queries.article_comment_counts(draft)


@bp.app_template_global("article_public_comments")
def article_public_comments(article) -> list:
    """Published comments of an article, for templates/comments/_article_comments.html."""
    return queries.published_comments(article)


@bp.app_template_filter("anchor_label")
def anchor_label_filter(comment) -> str:
    """第十二条第二款第（三）项 / 总体意见 / 名称 / 新增条款 for a stored comment."""
    return services.comment_anchor_label(comment)


@bp.app_template_filter("public_name")
def public_name_filter(comment) -> str:
    """The commenter's name as public pages may show it."""
    return queries.public_name(comment)

