"""Facilitator pages (联络员): meetings, fast keyboard entry of residents' comments, corrections, imports."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from consult.accounts.permissions import can_enter_comments
from consult.comments.models import ContactPoint, Meeting
from consult.comments.services import CommentError, enter_comment, resolve_anchor
from consult.drafts.models import Draft
from consult.extensions import db
from consult.intake import queries
from consult.intake.forms import EntryForm, MeetingForm, options
from consult.intake.services import IntakeError, create_meeting, update_meeting

bp = Blueprint("intake", __name__, url_prefix="/intake")

ENTRY_FIELDS = ("anchor", "body", "reason", "commenter_name", "commenter_category", "contact")


@bp.before_request
@login_required
def require_intake_role():
    """Every intake page needs a signed-in facilitator (bound to a point) or staff."""
    if not can_enter_comments(current_user):
        abort(403)


def load_meeting(meeting_id: int) -> Meeting:
    """The meeting if this user may enter comments for its contact point, else 404/403."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        abort(404)
    if not can_enter_comments(current_user, meeting.contact_point):
        abort(403)
    return meeting


def load_point(contact_point_id: int) -> ContactPoint:
    """The contact point if this user may enter comments for it, else 404/403."""
    contact_point = db.session.get(ContactPoint, contact_point_id)
    if contact_point is None:
        abort(404)
    if not can_enter_comments(current_user, contact_point):
        abort(403)
    return contact_point


def load_published_draft(draft_id: int) -> Draft:
    """A published draft with a current text, else 404."""
    draft = db.session.get(Draft, draft_id)
    if draft is None or not draft.is_published or draft.current_version is None:
        abort(404)
    return draft


def wants_json() -> bool:
    """True when intake.js sent the form with fetch and expects JSON back."""
    return request.headers.get("X-Requested-With") == "fetch"


def upload_too_large(error):
    """A clear page for an upload above MAX_CONTENT_LENGTH: the limit, and that nothing was saved."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    shown = f"{limit / 1024 / 1024:.0f} MB" if limit >= 1024 * 1024 else f"{max(1, limit // 1024)} KB"
    message = _("上传的文件过大（上限 %(limit)s），未保存任何内容。请拆分或压缩文件后重新上传。", limit=shown)
    return render_template("errors/error.html", code=413, message=message, description=""), 413


bp.register_error_handler(413, upload_too_large)


@bp.route("/")
def index():
    """The facilitator's contact points, the drafts open for comment, their meetings and counts."""
    points = queries.contact_points_for(current_user)
    meetings = queries.meetings_for(points)[:200]
    return render_template("intake/index.html", points=points, drafts=queries.intake_drafts(),
                           meetings=meetings, meeting_counts=queries.meeting_comment_counts(meetings),
                           point_counts=queries.point_draft_counts(points), kinds=queries.MEETING_KIND_LABELS)


def _meeting_choices(form: MeetingForm) -> None:
    form.draft_id.choices = options((d.id, d.title) for d in queries.intake_drafts() if d.is_open())
    form.contact_point_id.choices = options((cp.id, f"{cp.name}（{cp.code}）")
                                            for cp in queries.contact_points_for(current_user))


def _field_error(form, exc) -> None:
    """Attach a service error to the form field it concerns (or to the form as a whole)."""
    field = getattr(exc, "field", None)
    target = form[field] if field and field in form else None
    if target is None:
        form.form_errors.append(exc.message if hasattr(exc, "message") else str(exc))
    else:
        target.errors = list(target.errors) + [exc.message]


@bp.route("/meetings/new", methods=["GET", "POST"])
def meeting_new():
    """Record a new meeting, then go straight to its fast entry page."""
    form = MeetingForm()
    _meeting_choices(form)
    if request.method == "GET":
        form.draft_id.data = request.args.get("draft_id", type=int)
        form.contact_point_id.data = request.args.get("contact_point_id", type=int)
    if form.validate_on_submit():
        draft = load_published_draft(form.draft_id.data)
        contact_point = load_point(form.contact_point_id.data)
        try:
            meeting = create_meeting(
                draft, contact_point, held_on=form.held_on.data, kind=form.kind.data, place=form.place.data,
                attendance=form.attendance.data or 0, deputies_present=form.deputies_present.data,
                notes=form.notes.data, actor=current_user)
        except IntakeError as exc:
            db.session.rollback()
            _field_error(form, exc)
        else:
            db.session.commit()
            flash(_("会议已登记，现在可以录入意见。"), "success")
            return redirect(url_for(".entry", meeting_id=meeting.id))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("intake/meeting_form.html", form=form, meeting=None), status


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
def meeting_edit(meeting_id: int):
    """Correct a meeting's date, kind, place, attendance, deputies or notes."""
    meeting = load_meeting(meeting_id)
    form = MeetingForm(obj=meeting)
    del form.draft_id, form.contact_point_id  # fixed once the meeting exists
    if form.validate_on_submit():
        try:
            update_meeting(meeting, actor=current_user, held_on=form.held_on.data, kind=form.kind.data,
                           place=form.place.data, attendance=form.attendance.data or 0,
                           deputies_present=form.deputies_present.data, notes=form.notes.data)
        except IntakeError as exc:
            db.session.rollback()
            _field_error(form, exc)
        else:
            db.session.commit()
            flash(_("会议信息已保存。"), "success")
            return redirect(url_for(".entry", meeting_id=meeting.id))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("intake/meeting_form.html", form=form, meeting=meeting), status


def _preview(draft: Draft, anchor: str) -> dict | None:
    """What the typed anchor resolves to, for showing beside the form (None when it does not resolve)."""
    if not (anchor or "").strip():
        return None
    try:
        resolved = resolve_anchor(draft.current_version, anchor)
    except (CommentError, ValueError):
        return None
    return {"label": resolved.label, "text": resolved.text}


def _render_entry(meeting: Meeting, form: EntryForm, status: int = 200):
    rows = [(c, queries.anchor_label(c), queries.anchor_text(c)) for c in queries.meeting_comments(meeting)]
    focus = next((name for name in ENTRY_FIELDS if form[name].errors), "anchor")
    return render_template("intake/entry.html", meeting=meeting, draft=meeting.draft, form=form,
                           rows=rows, focus=focus, kinds=queries.MEETING_KIND_LABELS,
                           preview=_preview(meeting.draft, form.anchor.data)), status


@bp.route("/meetings/<int:meeting_id>", methods=["GET", "POST"])
def entry(meeting_id: int):
    """Fast, keyboard-only entry of the comments made at one meeting (saves and comes back, PRG)."""
    meeting = load_meeting(meeting_id)
    form = EntryForm()
    if form.validate_on_submit():
        try:
            comment = enter_comment(
                meeting.draft, contact_point=meeting.contact_point, anchor=form.anchor.data,
                body=form.body.data, meeting=meeting, channel="meeting", reason=form.reason.data or "",
                commenter_name=form.commenter_name.data or "", commenter_category=form.commenter_category.data or "",
                contact=form.contact.data or "", submitted_on=meeting.held_on, actor=current_user)
        except CommentError as exc:
            db.session.rollback()
            _field_error(form, exc)
        else:
            db.session.commit()
            label = queries.anchor_label(comment)
            if wants_json():
                return jsonify(ok=True, id=comment.id, label=label, count=len(meeting.comments),
                               html=render_template("intake/_comment_row.html", comment=comment,
                                                    label=label, text=queries.anchor_text(comment)))
            flash(_("已保存：%(label)s", label=label), "success")
            return redirect(url_for(".entry", meeting_id=meeting.id))
    if request.method == "POST" and wants_json():
        errors = {name: list(form[name].errors) for name in ENTRY_FIELDS if form[name].errors}
        return jsonify(ok=False, errors=errors, form_errors=list(form.form_errors)), 422
    return _render_entry(meeting, form, 422 if request.method == "POST" else 200)


@bp.route("/resolve")
def resolve():
    """JSON: what an anchor typed on the entry form points at, before anything is saved."""
    draft = db.session.get(Draft, request.args.get("draft_id", type=int) or 0)
    if draft is None or draft.current_version is None or not draft.is_published:
        return jsonify(ok=False, error=_("找不到该草案。")), 404
    try:
        resolved = resolve_anchor(draft.current_version, request.args.get("anchor", ""))
    except (CommentError, ValueError) as exc:
        return jsonify(ok=False, error=getattr(exc, "message", None) or str(exc))
    return jsonify(ok=True, label=resolved.label, text=resolved.text, kind=resolved.kind)


from consult.intake import comment_views  # noqa: E402,F401  (registers the correction and import pages)
