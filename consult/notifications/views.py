"""Unsubscribe (anyone with the link) and the staff status page of a release's notifications."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _
from sqlalchemy import select

from consult.accounts.permissions import is_staff
from consult.accounts.access import require
from consult.comments.privacy import mask_contact
from consult.drafts.models import Draft
from consult.errors import UserError
from consult.extensions import db
from consult.notifications import services
from consult.notifications.models import Notification, NotificationBatch
from consult.notifications.tokens import unsubscribe_digest

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token: str):
    """GET asks to confirm (mail scanners open links); POST records the opt-out."""
    digest = unsubscribe_digest(token)
    if digest is None:
        return render_template("notifications/unsubscribe.html", error=_("退订链接无效：请使用邮件中的完整链接。"),
                               done=False), 400
    if request.method == "POST":
        try:
            services.unsubscribe(token)
        except UserError as error:  # pragma: no cover - the token was checked above
            db.session.rollback()
            return render_template("notifications/unsubscribe.html", error=error.message, done=False), 400
        db.session.commit()
        return render_template("notifications/unsubscribe.html", done=True, error=None)
    return render_template("notifications/unsubscribe.html", done=services.digest_opted_out(digest), error=None)


@bp.route("/drafts/<int:draft_id>")
@require(is_staff)
def status(draft_id: int):
    """Per release of the draft's report: how many messages went out, wait, or failed (with the reason)."""
    draft = db.session.get(Draft, draft_id)
    if draft is None:
        abort(404)
    batches = list(db.session.scalars(select(NotificationBatch).where(NotificationBatch.draft_id == draft.id)
                                      .order_by(NotificationBatch.revision.desc())))
    rows = []
    for batch in batches:
        problems = list(db.session.scalars(select(Notification).where(
            Notification.batch_id == batch.id, Notification.status.in_(("pending", "failed", "sending")))
            .order_by(Notification.id).limit(200)))
        rows.append((batch, services.status_counts(batch), problems))
    return render_template("notifications/status.html", draft=draft, rows=rows, mask_contact=mask_contact)
