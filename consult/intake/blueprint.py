"""The intake blueprint and what every intake page starts with: a signed-in facilitator, loaded objects."""
from __future__ import annotations

from flask import Blueprint, abort, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from consult.accounts.permissions import can_edit_comment, can_enter_comments
from consult.comments.anchors import comment_anchor_label
from consult.comments.models import Comment
from consult.contact_points.models import ContactPoint, Meeting
from consult.contact_points.vocabulary import MEETING_KIND
from consult.drafts.models import Draft
from consult.extensions import db, login_manager

bp = Blueprint("intake", __name__, url_prefix="/intake")
# Served to anyone: the offline entry's service worker script (nothing in it is personal or secret).
OPEN_ENDPOINTS = {"intake.service_worker"}


def wants_json() -> bool:
    """True when intake.js / offline-entry.js sent the request with fetch and expects JSON back."""
    return request.headers.get("X-Requested-With") == "fetch"


@bp.before_request
def require_intake_role():
    """Every intake page needs a signed-in facilitator (bound to a point) or staff.

    A fetch from the entry page whose session has ended gets 401 JSON (its queue waits for a new sign-in),
    not the login page.
    """
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    if not current_user.is_authenticated:
        if wants_json():
            return jsonify(ok=False, signed_out=True, error=_("登录已过期，请重新登录。")), 401
        return login_manager.unauthorized()
    if not can_enter_comments(current_user):
        abort(403)
    return None


@bp.context_processor
def meeting_words():
    """The meeting kinds' words for intake templates (`meeting_kind.label(m.kind)`)."""
    return {"meeting_kind": MEETING_KIND}


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


def load_editable_comment(comment_id: int) -> Comment:
    """A contact point's comment this user may still correct (until staff lock it), else 404/403."""
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.contact_point_id is None:  # online comments are corrected in review, not here
        abort(404)
    if not can_edit_comment(current_user, comment):
        abort(403)
    return comment


def label_of(comment) -> str:
    """How intake pages cite a comment's place in the text (第十二条第二款 …), even if the article is gone."""
    return comment_anchor_label(comment) or _("（条文已不存在）")
