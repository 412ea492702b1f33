"""Draft pages: public (list, a draft, one article, privacy) and staff (import, review, publish, close, delete)."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from consult.accounts.access import require
from consult.accounts.permissions import can_manage_drafts
from consult.actions import mark_error, perform
from consult.database import utcnow
from consult.drafts import queries
from consult.drafts import lineage_services
from consult.drafts.forms import ConfirmForm, DetailsForm, NewVersionForm, PublishForm, UploadForm
from consult.drafts.localtime import local_to_utc, utc_to_local
from consult.drafts.models import Draft
from consult.drafts.publishing import DraftError, accept_warning, blocking_warnings, check_publishable
from consult.drafts.services import (
    check_window, close_draft, delete_draft, import_draft, publish_draft, update_draft_details,
    was_ever_published)
from consult.errors import UserError
from consult.extensions import db

bp = Blueprint("drafts", __name__, url_prefix="/drafts")


def load_visible_draft(draft_id: int) -> Draft:
    """The draft if this user may read it (published, or staff), else 404."""
    draft = db.session.get(Draft, draft_id)
    if draft is None or draft.current_version is None:
        abort(404)
    if not draft.is_published and not can_manage_drafts(current_user):
        abort(404)
    return draft


@bp.route("/")
def index():
    """Published drafts open for comment, then closed ones."""
    drafts = queries.published_drafts()
    return render_template("drafts/index.html", drafts=drafts)


@bp.route("/<int:draft_id>")
def show(draft_id: int):
    """A draft: table of contents and every article, each with its comment count."""
    draft = load_visible_draft(draft_id)
    version = draft.current_version
    return render_template("drafts/show.html", draft=draft, version=version,
                           outline=queries.text_outline(version))


@bp.route("/<int:draft_id>/articles/<key>")
def article(draft_id: int, key: str):
    """One article with its paragraphs and items, and its published comments."""
    draft = load_visible_draft(draft_id)
    version = draft.current_version
    art = queries.find_article(version, key)
    if art is None:
        abort(404)
    articles = version.articles
    index = articles.index(art)
    previous = articles[index - 1] if index > 0 else None
    following = articles[index + 1] if index + 1 < len(articles) else None
    return render_template("drafts/article.html", draft=draft, version=version, article=art,
                           previous=previous, following=following)


@bp.route("/<int:draft_id>/changes")
def changes(draft_id: int):
    """What changed between two versions (default: the previous one and the current one): old and new text
    side by side with the redline, and how many comments each changed article drew (?all=1: every article)."""
    # exports sits above drafts in the import graph: the comparison's query is loaded on call.
    from consult.exports.comparison_data import comparison_data

    draft = load_visible_draft(draft_id)
    show_all = request.args.get("all") == "1"
    data, error, status = None, None, 200
    if len(draft.versions) > 1:
        try:
            data = comparison_data(draft, request.args.get("from") or None, request.args.get("to") or None,
                                   changed_only=not show_all, with_adopted=False)
        except UserError as exc:
            error, status = exc.message, 400
    return render_template("drafts/changes.html", draft=draft, data=data, error=error, show_all=show_all,
                           args={k: v for k, v in request.args.items() if k in ("from", "to")}), status


@bp.route("/privacy")
def privacy():
    """What personal information is kept, why, who sees it and for how long."""
    return render_template("drafts/privacy.html")


# ---- Staff pages: import, review, publish, close, delete (法工委) ------------------------------------------


staff_required = require(can_manage_drafts)  # draft management pages


def load_draft(draft_id: int) -> Draft:
    """Any draft, published or not (staff), else 404."""
    draft = db.session.get(Draft, draft_id)
    if draft is None:
        abort(404)
    return draft




@bp.route("/manage")
@staff_required
def manage():
    """Every draft with its state, current version and parse warnings."""
    return render_template("drafts/manage.html", drafts=queries.all_drafts(), blocking=blocking_warnings,
                           deletable=lambda d: not was_ever_published(d))


@bp.route("/upload", methods=["GET", "POST"])
@staff_required
def upload():
    """Import a .docx/.txt file as a new draft or as a new version; a bad file changes nothing."""
    form = UploadForm()
    form.draft_id.choices = [SelectChoice(0, _("（新草案）"))] + [SelectChoice(d.id, d.title)
                                                               for d in queries.all_drafts()]
    if request.method == "GET":
        form.draft_id.data = request.args.get("draft_id", type=int) or 0
        return render_template("drafts/upload.html", form=form)
    draft = load_draft(form.draft_id.data) if form.draft_id.data else None

    def run():
        upload_file = form.file.data
        version = import_draft(upload_file.read(), upload_file.filename or "", title=form.title.data or None,
                               version_label=form.version_label.data or None, draft=draft, actor=current_user)
        return _with_lineage(version)

    return perform(run, form=form, rerender=lambda: (render_template("drafts/upload.html", form=form), 422),
                   success=_imported, redirect_to=_after_import)


def _with_lineage(version):
    """A new version of an existing draft gets its proposed lineage to the version before (issue 10)."""
    if lineage_services.previous_version(version) is not None and version.lineage_state != "proposed":
        lineage_services.propose_lineage(version)
    return version


def _imported(version) -> str:
    message = _("已导入《%(title)s》%(label)s：%(n)s 条，%(w)s 个提示需要核对。", title=version.draft.title,
                label=version.label, n=len(version.articles), w=len(version.warnings))
    if version.lineage_state == "proposed":
        message += " " + _("请核对与上一版本的条文对应关系。")
    return message


def _after_import(version) -> str:
    """A next reading goes to its lineage review first; a new draft to its parse review."""
    if version.lineage_state == "proposed":
        return url_for("review.lineage", draft_id=version.draft_id, version=version.id)
    return url_for(".review", draft_id=version.draft_id)


@bp.route("/<int:draft_id>/versions/new", methods=["GET", "POST"])
@staff_required
def new_version(draft_id: int):
    """Import the next reading of a draft (一审稿 → 二审稿 …); then staff review the proposed lineage."""
    draft = load_draft(draft_id)
    form = NewVersionForm()
    if request.method == "GET":
        return render_template("drafts/new_version.html", draft=draft, form=form)

    def run():
        upload_file = form.file.data
        return _with_lineage(import_draft(upload_file.read(), upload_file.filename or "",
                                          version_label=form.version_label.data.strip(), draft=draft,
                                          actor=current_user))

    return perform(run, form=form, success=_imported, redirect_to=_after_import,
                   rerender=lambda: (render_template("drafts/new_version.html", draft=draft, form=form), 422))


def _render_review(draft: Draft, details=None, publish=None, status=200):
    version = draft.current_version
    if details is None:
        details = DetailsForm(formdata=None, title=draft.title, description=draft.description,
                              version_label=version.label if version else "")
    if publish is None:
        now = utc_to_local(utcnow())
        publish = PublishForm(formdata=None, opens_at=utc_to_local(draft.comment_opens_at) or now,
                              closes_at=utc_to_local(draft.comment_closes_at) or now + timedelta(days=30))
    return render_template("drafts/review.html", draft=draft, version=version, details=details, publish=publish,
                           outline=queries.text_outline(version) if version else [],
                           placed=queries.place_warnings(version) if version else None,
                           blockers=blocking_warnings(version), accept=ConfirmForm(),
                           deletable=not was_ever_published(draft)), status


@bp.route("/<int:draft_id>/review")
@staff_required
def review(draft_id: int):
    """The parsed structure of the current version with every warning beside the lines it concerns."""
    return _render_review(load_draft(draft_id))


@bp.route("/<int:draft_id>/details", methods=["POST"])
@staff_required
def details(draft_id: int):
    """Correct the title, version label or description the import guessed."""
    draft = load_draft(draft_id)
    form = DetailsForm()
    return perform(lambda: update_draft_details(draft, title=form.title.data, description=form.description.data or "",
                                                version_label=form.version_label.data or "", actor=current_user),
                   form=form, success=_("草案信息已保存。"), redirect_to=url_for(".review", draft_id=draft.id),
                   rerender=lambda: _render_review(draft, details=form, status=422))


@bp.route("/<int:draft_id>/warnings/<int:index>/accept", methods=["POST"])
@staff_required
def accept(draft_id: int, index: int):
    """Accept one parse warning as checked: the text stays as parsed, the acceptance is recorded."""
    draft = load_draft(draft_id)
    if draft.current_version is None:
        abort(404)
    return perform(lambda: accept_warning(draft.current_version, index, actor=current_user), form=ConfirmForm(),
                   success=_("已确认该提示。"), redirect_to=url_for(".review", draft_id=draft.id) + f"#warning-{index + 1}")


def _passes(form, check) -> bool:
    """Run a check that may raise DraftError; put its message beside the form's field."""
    try:
        check()
    except DraftError as error:
        mark_error(form, error)
        return False
    return True


@bp.route("/<int:draft_id>/publish", methods=["POST"])
@staff_required
def publish(draft_id: int):
    """Publish with a comment window in local time: first a confirmation page, then the publication."""
    draft = load_draft(draft_id)
    form = PublishForm()
    opens, closes = local_to_utc(form.opens_at.data), local_to_utc(form.closes_at.data)
    if form.confirmed.data != "1":  # step one: check everything, change nothing, ask
        if form.validate() and _passes(form, lambda: (check_publishable(draft.current_version),
                                                      check_window(opens, closes))):
            return render_template("drafts/confirm_publish.html", draft=draft, form=form, opens=opens,
                                   closes=closes)
        return _render_review(draft, publish=form, status=422)
    return perform(lambda: publish_draft(draft, opens, closes, actor=current_user), form=form,
                   success=lambda d: _("草案已发布，征求意见截止：%(when)s。",
                                       when=format_datetime(d.comment_closes_at, "yyyy-MM-dd HH:mm")),
                   redirect_to=url_for(".review", draft_id=draft.id),
                   rerender=lambda: _render_review(draft, publish=form, status=422))


@bp.route("/<int:draft_id>/close", methods=["GET"])
@staff_required
def close_confirm(draft_id: int):
    """Ask before ending the comment window now."""
    return render_template("drafts/confirm.html", draft=load_draft(draft_id), form=ConfirmForm(),
                           action="close")


@bp.route("/<int:draft_id>/close", methods=["POST"])
@staff_required
def close(draft_id: int):
    """End the comment window now (after the confirmation page)."""
    draft = load_draft(draft_id)
    return perform(lambda: close_draft(draft, actor=current_user), form=ConfirmForm(),
                   success=_("征求意见已截止。"), redirect_to=url_for(".review", draft_id=draft.id))


@bp.route("/<int:draft_id>/delete", methods=["GET"])
@staff_required
def delete_confirm(draft_id: int):
    """Ask before deleting a draft that was never published."""
    draft = load_draft(draft_id)
    return render_template("drafts/confirm.html", draft=draft, form=ConfirmForm(), action="delete",
                           refusal=None if not was_ever_published(draft) else
                           _("已发布的草案不能删除，只能截止征求意见。"))


@bp.route("/<int:draft_id>/delete", methods=["POST"])
@staff_required
def delete(draft_id: int):
    """Delete a never-published draft with its versions (after the confirmation page)."""
    draft = load_draft(draft_id)
    title = draft.title
    return perform(lambda: delete_draft(draft, actor=current_user), form=ConfirmForm(),
                   success=_("已删除草案《%(title)s》。", title=title), redirect_to=url_for(".manage"),
                   failure_redirect=url_for(".review", draft_id=draft.id))
