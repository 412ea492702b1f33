"""Facilitator pages about comments already entered: the saved row, corrections, a point's list, imports."""
from __future__ import annotations

from flask import Response, abort, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from consult.actions import perform
from consult.comments import queries as comment_queries
from consult.comments.anchors import comment_anchor_input, comment_anchor_text
from consult.comments.imports import ImportRejected, import_comments_file
from consult.comments.imports import comment_template as build_template
from consult.comments.services import delete_comment as delete, update_comment
from consult.contact_points import queries
from consult.contact_points.forms import options
from consult.contact_points.models import Meeting
from consult.contact_points.services import check_meeting
from consult.extensions import db
from consult.intake.blueprint import bp, label_of, load_editable_comment, load_point, load_published_draft
from consult.intake.forms import EntryForm, ImportForm

TEMPLATE_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
PER_PAGE = 100


def _back_url(comment) -> str:
    if comment.meeting_id:
        return url_for("intake.entry", meeting_id=comment.meeting_id)
    return url_for("intake.comments", draft_id=comment.draft_id, contact_point_id=comment.contact_point_id)


@bp.route("/comments/<int:comment_id>/row")
def entry_row(comment_id: int):
    """JSON: a saved comment as the entry page lists it (where intake.js lands after saving)."""
    comment = load_editable_comment(comment_id)
    label = label_of(comment)
    count = len(comment.meeting.comments) if comment.meeting else 1
    return jsonify(ok=True, id=comment.id, label=label, count=count,
                   html=render_template("intake/_comment_row.html", comment=comment, label=label,
                                        text=comment_anchor_text(comment)))


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
def edit_comment(comment_id: int):
    """Correct a recorded comment: its article, wording, reason, commenter or consent."""
    comment = load_editable_comment(comment_id)
    form = EntryForm()
    render = lambda: render_template(  # noqa: E731
        "intake/edit_comment.html", form=form, comment=comment, back_url=_back_url(comment), label=label_of(comment))
    if request.method == "GET":
        form.anchor.data = comment_anchor_input(comment)
        form.body.data, form.reason.data = comment.body, comment.reason
        form.commenter_name.data, form.commenter_category.data = comment.commenter_name, comment.commenter_category
        form.contact.data, form.wants_feedback.data = comment.commenter_contact, comment.wants_feedback
        form.consent_personal_info.data, form.is_minor.data = comment.consent_personal_info, comment.commenter_is_minor
        return render()
    return perform(lambda: update_comment(comment, actor=current_user, **form.values()), form=form, rerender=render,
                   success=lambda c: _("意见已更正：%(label)s", label=label_of(c)), redirect_to=_back_url(comment))


@bp.route("/comments/<int:comment_id>/delete", methods=["POST"])
def delete_comment(comment_id: int):
    """Remove a comment entered by mistake (while it may still be corrected)."""
    comment = load_editable_comment(comment_id)
    back = _back_url(comment)
    return perform(lambda: delete(comment, actor=current_user), success=_("意见已删除。"), redirect_to=back)


@bp.route("/drafts/<int:draft_id>/points/<int:contact_point_id>")
def comments(draft_id: int, contact_point_id: int):
    """Every comment a contact point submitted on a draft, a page at a time."""
    draft = load_published_draft(draft_id)
    contact_point = load_point(contact_point_id)
    page = comment_queries.point_comments_page(contact_point, draft, request.args.get("page", 1, type=int),
                                               PER_PAGE)
    return render_template("intake/comments.html", draft=draft, contact_point=contact_point, page=page,
                           labels={c.id: label_of(c) for c in page.items})


def _import_choices(form: ImportForm, points) -> None:
    form.draft_id.choices = options((d.id, d.title) for d in queries.intake_drafts() if d.is_open())
    form.contact_point_id.choices = options((cp.id, f"{cp.name}（{cp.code}）") for cp in points)
    form.meeting_id.choices = options([(0, _("（不关联会议）"))] + [
        (m.id, f"{m.held_on.isoformat()} {m.contact_point.name} · {m.draft.title}")
        for m in queries.meetings_for(points, limit=300)])


@bp.route("/import", methods=["GET", "POST"])
def import_comments():
    """Upload a spreadsheet of comments: every row valid and saved, or nothing saved and every error listed."""
    points = queries.contact_points_for(current_user)
    form = ImportForm()
    _import_choices(form, points)
    refused: dict = {"errors": []}
    render = lambda: render_template("intake/import.html", form=form, errors=refused["errors"])  # noqa: E731
    if request.method == "GET":
        form.draft_id.data = request.args.get("draft_id", type=int)
        form.contact_point_id.data = request.args.get("contact_point_id", type=int)
        form.meeting_id.data = request.args.get("meeting_id", type=int) or 0
        return render()

    def run():
        draft = load_published_draft(form.draft_id.data)
        contact_point = load_point(form.contact_point_id.data)
        meeting = db.session.get(Meeting, form.meeting_id.data) if form.meeting_id.data else None
        check_meeting(meeting, draft, contact_point, field="meeting_id")
        upload = form.file.data
        try:
            result = import_comments_file(upload.read(), upload.filename or "", draft=draft,
                                          contact_point=contact_point, meeting=meeting, actor=current_user)
        except ImportRejected as exc:
            # Row errors are listed above the form; a whole-file error sits beside the file field.
            refused["errors"] = [error for error in exc.errors if error.get("row")]
            raise
        return {**result, "draft_id": draft.id, "contact_point_id": contact_point.id}

    return perform(run, form=form, rerender=render,
                   success=lambda result: _("已导入 %(n)s 条意见。", n=result["created"]),
                   redirect_to=lambda result: url_for(".comments", draft_id=result["draft_id"],
                                                      contact_point_id=result["contact_point_id"]))


@bp.route("/import/template.<fmt>")
def comment_template(fmt: str):
    """Download the spreadsheet template (columns, a 示例 sheet and notes) as .xlsx or .csv."""
    if fmt not in TEMPLATE_TYPES:
        abort(404)
    return Response(build_template(fmt), mimetype=TEMPLATE_TYPES[fmt], headers={
        "Content-Disposition": f"attachment; filename=comment_template.{fmt}"})
