"""Facilitator pages about comments already entered: corrections, a point's list, spreadsheet imports."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from consult.accounts.permissions import can_edit_comment
from consult.comments.imports import ImportRejected, import_comments_file
from consult.comments.imports import comment_template as build_template
from consult.comments.models import Comment, Meeting
from consult.comments.services import CommentError, delete_comment as delete, update_comment
from consult.extensions import db
from consult.intake import queries
from consult.intake.forms import EntryForm, ImportForm, options
from consult.intake.views import _field_error, bp, load_point, load_published_draft

TEMPLATE_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def load_editable_comment(comment_id: int) -> Comment:
    """The comment if this user may still correct it (until staff lock it), else 404/403."""
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.contact_point_id is None:  # online comments are corrected in review, not here
        abort(404)
    if not can_edit_comment(current_user, comment):
        abort(403)
    return comment


def _back_url(comment: Comment) -> str:
    if comment.meeting_id:
        return url_for("intake.entry", meeting_id=comment.meeting_id)
    return url_for("intake.comments", draft_id=comment.draft_id, contact_point_id=comment.contact_point_id)


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
def edit_comment(comment_id: int):
    """Correct a recorded comment: its article, wording, reason or commenter."""
    comment = load_editable_comment(comment_id)
    form = EntryForm()
    if request.method == "GET":
        form.anchor.data = queries.anchor_input(comment)
        form.body.data, form.reason.data = comment.body, comment.reason
        form.commenter_name.data, form.commenter_category.data = comment.commenter_name, comment.commenter_category
        form.contact.data = comment.commenter_contact
    if form.validate_on_submit():
        try:
            update_comment(comment, actor=current_user, anchor=form.anchor.data, body=form.body.data,
                           reason=form.reason.data or "", commenter_name=form.commenter_name.data or "",
                           commenter_category=form.commenter_category.data or "", contact=form.contact.data or "")
        except CommentError as exc:
            db.session.rollback()
            _field_error(form, exc)
        else:
            db.session.commit()
            flash(_("意见已更正：%(label)s", label=queries.anchor_label(comment)), "success")
            return redirect(_back_url(comment))
    status = 422 if request.method == "POST" else 200
    return render_template("intake/edit_comment.html", form=form, comment=comment, back_url=_back_url(comment),
                           label=queries.anchor_label(comment)), status


@bp.route("/comments/<int:comment_id>/delete", methods=["POST"])
def delete_comment(comment_id: int):
    """Remove a comment entered by mistake (while it may still be corrected)."""
    comment = load_editable_comment(comment_id)
    back = _back_url(comment)
    try:
        delete(comment, actor=current_user)
    except CommentError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(_("意见已删除。"), "success")
    return redirect(back)


@bp.route("/drafts/<int:draft_id>/points/<int:contact_point_id>")
def comments(draft_id: int, contact_point_id: int):
    """Every comment a contact point submitted on a draft."""
    draft = load_published_draft(draft_id)
    contact_point = load_point(contact_point_id)
    rows = queries.point_comments(contact_point, draft)
    return render_template("intake/comments.html", draft=draft, contact_point=contact_point, comments=rows,
                           labels={c.id: queries.anchor_label(c) for c in rows})


def _import_choices(form: ImportForm, points) -> None:
    form.draft_id.choices = options((d.id, d.title) for d in queries.intake_drafts() if d.is_open())
    form.contact_point_id.choices = options((cp.id, f"{cp.name}（{cp.code}）") for cp in points)
    form.meeting_id.choices = options([(0, _("（不关联会议）"))] + [
        (m.id, f"{m.held_on.isoformat()} {m.contact_point.name} · {m.draft.title}")
        for m in queries.meetings_for(points)[:300]])


@bp.route("/import", methods=["GET", "POST"])
def import_comments():
    """Upload a spreadsheet of comments: every row valid and saved, or nothing saved and every error listed."""
    points = queries.contact_points_for(current_user)
    form = ImportForm()
    _import_choices(form, points)
    if request.method == "GET":
        form.draft_id.data = request.args.get("draft_id", type=int)
        form.contact_point_id.data = request.args.get("contact_point_id", type=int)
        form.meeting_id.data = request.args.get("meeting_id", type=int) or 0
    errors = []
    if form.validate_on_submit():
        draft = load_published_draft(form.draft_id.data)
        contact_point = load_point(form.contact_point_id.data)
        meeting = db.session.get(Meeting, form.meeting_id.data) if form.meeting_id.data else None
        if meeting is not None and (meeting.contact_point_id != contact_point.id or meeting.draft_id != draft.id):
            form.meeting_id.errors = [_("所选会议不属于该联系点或该草案。")]
        else:
            upload = form.file.data
            try:
                result = import_comments_file(upload.read(), upload.filename or "", draft=draft,
                                              contact_point=contact_point, meeting=meeting, actor=current_user)
            except ImportRejected as exc:
                db.session.rollback()
                errors = list(getattr(exc, "errors", None) or [{"row": None, "column": "", "message": str(exc)}])
            else:
                db.session.commit()
                flash(_("已导入 %(n)s 条意见。", n=result.get("created", 0)), "success")
                return redirect(url_for(".comments", draft_id=draft.id, contact_point_id=contact_point.id))
    status = 422 if request.method == "POST" else 200
    return render_template("intake/import.html", form=form, errors=errors), status


@bp.route("/import/template.<fmt>")
def comment_template(fmt: str):
    """Download the empty spreadsheet with the expected columns (.xlsx or .csv)."""
    if fmt not in TEMPLATE_TYPES:
        abort(404)
    return Response(build_template(fmt), mimetype=TEMPLATE_TYPES[fmt], headers={
        "Content-Disposition": f"attachment; filename=comment_template.{fmt}"})
