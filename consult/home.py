"""The home page `/`: each role finds every page it needs from here by links.

Staff and admins get a dashboard of their work (each draft's workbench, duplicates, statistics, exports;
moderation, comment search, draft management); facilitators get their intake pages; everyone gets the
published drafts.
"""
from __future__ import annotations

from flask import render_template
from flask_login import current_user

from consult.accounts.permissions import can_enter_comments, is_staff
from consult.drafts.queries import all_drafts, published_drafts


def index():
    """The dashboard of the signed-in role above the list of published drafts."""
    staff = is_staff(current_user)
    return render_template("home.html", staff_drafts=all_drafts() if staff else [],
                           drafts=published_drafts(), intake=can_enter_comments(current_user) and not staff)
