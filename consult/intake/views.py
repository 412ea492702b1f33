"""Facilitator pages (联络员): meetings, fast keyboard entry of residents' comments.

Corrections, a point's list and spreadsheet imports are in consult.intake.comment_views (same blueprint).
"""
from __future__ import annotations

from pathlib import Path

from flask import Response, current_app, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select

from consult.actions import perform
from consult.comments import queries as comment_queries
from consult.comments.anchors import comment_anchor_text
from consult.comments.models import Comment
from consult.comments.services import CommentError, enter_comment, resolve_anchor
from consult.contact_points import queries
from consult.contact_points.forms import MeetingForm, options
from consult.contact_points.models import ContactPoint
from consult.contact_points.services import create_meeting, update_meeting
from consult.drafts.models import Draft, DraftVersion
from consult.extensions import db
from consult.intake import comment_views  # noqa: F401  (registers the correction and import pages)
from consult.intake.blueprint import bp, label_of, load_meeting, wants_json
from consult.intake.forms import ENTRY_FIELDS, EntryForm

__all__ = ["bp"]


@bp.route("/")
def index():
    """The facilitator's contact points, the drafts open for comment, their meetings and counts."""
    points = queries.contact_points_for(current_user)
    meetings = queries.meetings_for(points, limit=200)
    return render_template("intake/index.html", points=points, drafts=queries.intake_drafts(), meetings=meetings,
                           meeting_counts=queries.meeting_comment_counts(meetings),
                           point_counts=comment_queries.point_draft_counts(cp.id for cp in points))


def _meeting_choices(form: MeetingForm) -> None:
    form.draft_id.choices = options((d.id, d.title) for d in queries.intake_drafts() if d.is_open())
    form.contact_point_id.choices = options((cp.id, f"{cp.name}（{cp.code}）")
                                            for cp in queries.contact_points_for(current_user))


@bp.route("/meetings/new", methods=["GET", "POST"])
def meeting_new():
    """Record a new meeting, then go straight to its fast entry page."""
    form = MeetingForm()
    _meeting_choices(form)
    render = lambda: render_template("intake/meeting_form.html", form=form, meeting=None)  # noqa: E731
    if request.method == "GET":
        form.draft_id.data = request.args.get("draft_id", type=int)
        form.contact_point_id.data = request.args.get("contact_point_id", type=int)
        return render()
    return perform(lambda: create_meeting(
        db.session.get(Draft, form.draft_id.data or 0), db.session.get(ContactPoint, form.contact_point_id.data or 0),
        held_on=form.held_on.data, kind=form.kind.data, place=form.place.data, attendance=form.attendance.data or 0,
        deputies_present=form.deputies_present.data, notes=form.notes.data, actor=current_user),
        form=form, success=_("会议已登记，现在可以录入意见。"), rerender=render,
        redirect_to=lambda meeting: url_for(".entry", meeting_id=meeting.id))


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
def meeting_edit(meeting_id: int):
    """Correct a meeting's date, kind, place, attendance, deputies or notes."""
    meeting = load_meeting(meeting_id)
    form = MeetingForm(obj=meeting)
    del form.draft_id, form.contact_point_id  # fixed once the meeting exists
    render = lambda: render_template("intake/meeting_form.html", form=form, meeting=meeting)  # noqa: E731
    if request.method == "GET":
        return render()
    return perform(lambda: update_meeting(
        meeting, actor=current_user, held_on=form.held_on.data, kind=form.kind.data, place=form.place.data,
        attendance=form.attendance.data or 0, deputies_present=form.deputies_present.data, notes=form.notes.data),
        form=form, success=_("会议信息已保存。"), rerender=render,
        redirect_to=url_for(".entry", meeting_id=meeting.id))


def _preview(draft: Draft, anchor: str) -> dict | None:
    """What the typed anchor resolves to, for showing beside the form (None when it does not resolve)."""
    if not (anchor or "").strip():
        return None
    try:
        resolved = resolve_anchor(draft.current_version, anchor)
    except CommentError:
        return None
    return {"label": resolved.label, "text": resolved.text}


def check_same_text(draft: Draft, version_id: int | None, anchor: str) -> None:
    """An entry typed against an earlier version (queued offline): refuse if its article now reads otherwise.

    The article number alone would silently land on a renumbered or amended article; an article that no
    longer exists is refused by enter_comment itself. Re-saving with the current version's id accepts it.
    """
    current = draft.current_version
    if not version_id or current is None or version_id == current.id:
        return
    earlier = db.session.get(DraftVersion, version_id)
    if earlier is None or earlier.draft_id != draft.id:
        return
    try:
        before, now = resolve_anchor(earlier, anchor), resolve_anchor(current, anchor)
    except CommentError:
        return
    if before.article is not None and before.text != now.text:
        raise CommentError(_("草案已更新为新版本，%(label)s的条文已改变：请核对条款后重新保存。", label=now.label),
                           "anchor")


def _render_entry(meeting, form: EntryForm):
    if request.method == "POST" and wants_json():
        errors = {name: list(form[name].errors) for name in ENTRY_FIELDS if form[name].errors}
        current = meeting.draft.current_version
        return jsonify(ok=False, errors=errors, form_errors=list(form.form_errors),
                       version_id=current.id if current else None), 422
    return render_template("intake/entry.html", meeting=meeting, draft=meeting.draft, form=form,
                           rows=[(c, label_of(c), comment_anchor_text(c)) for c in comment_queries.meeting_comments(meeting)],
                           preview=_preview(meeting.draft, form.anchor.data))


@bp.route("/meetings/<int:meeting_id>", methods=["GET", "POST"])
def entry(meeting_id: int):
    """Fast, keyboard-only entry of the comments made at one meeting (saves and comes back, PRG)."""
    meeting = load_meeting(meeting_id)
    form = EntryForm()
    if request.method == "GET":
        return _render_entry(meeting, form)
    fetch = wants_json()
    # offline-entry.js names each queued entry with a UUID: a repeat (lost answer) returns the first comment.
    key = request.form.get("idempotency_key") or None
    version_id = request.form.get("version_id", type=int)  # the version the entry was typed against

    def save():
        if key is None or not db.session.scalar(select(Comment.id).where(Comment.idempotency_key == key)):
            check_same_text(meeting.draft, version_id, form.anchor.data)  # a repeat answers as the first did
        return enter_comment(meeting.draft, contact_point=meeting.contact_point, meeting=meeting,
                             channel="meeting", submitted_on=meeting.held_on, actor=current_user,
                             idempotency_key=key, **form.values())

    return perform(save, form=form, rerender=lambda: _render_entry(meeting, form),
                   success=None if fetch else (lambda c: _("已保存：%(label)s", label=label_of(c))),
                   # intake.js follows the redirect and reads the saved row as JSON.
                   redirect_to=lambda c: url_for(".entry_row", comment_id=c.id) if fetch else url_for(
                       ".entry", meeting_id=meeting.id))


@bp.route("/resolve")
def resolve():
    """JSON: what an anchor typed on the entry form points at, before anything is saved."""
    draft = db.session.get(Draft, request.args.get("draft_id", type=int) or 0)
    if draft is None or draft.current_version is None or not draft.is_published:
        return jsonify(ok=False, error=_("找不到该草案。")), 404
    try:
        resolved = resolve_anchor(draft.current_version, request.args.get("anchor", ""))
    except CommentError as exc:
        return jsonify(ok=False, error=exc.message)
    return jsonify(ok=True, label=resolved.label, text=resolved.text, kind=resolved.kind)


@bp.route("/token")
def token():
    """JSON: a fresh CSRF token for the signed-in user (offline-entry.js asks before sending its queue)."""
    response = jsonify(ok=True, csrf_token=generate_csrf(), user_id=current_user.id)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/sw.js")
def service_worker():
    """The offline entry's service worker, scoped to /intake/ (it caches the entry pages and their assets)."""
    script = Path(current_app.static_folder, "js", "intake-sw.js").read_bytes()
    response = Response(script, mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = url_for(".index")
    response.headers["Cache-Control"] = "no-cache"
    return response
