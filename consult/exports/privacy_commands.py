"""`consult privacy purge`: erase commenters' contact details of a closed consultation everywhere they are
stored — the comments' contact column and every export file made from them (which may hold contacts).

It lives with the exports because it reaches both stores, and exports sit above comments in the layers.
"""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from consult.cli import DRAFT_ID, fail
from consult.comments.rules import CommentError
from consult.comments.services import purge_contact_details
from consult.drafts.models import Draft
from consult.exports.storage import purge_draft_exports, retention_days
from consult.extensions import db

privacy_cli = AppGroup("privacy", help="Personal information: purge contact details.")


@privacy_cli.command("purge")
@click.option("--draft", "draft_id", type=DRAFT_ID, required=True, help="A draft whose comment window has closed.")
def purge_command(draft_id: int):
    """Erase commenters' contact details of a closed consultation; the comments and decisions stay."""
    draft = db.session.get(Draft, draft_id)
    try:
        count = purge_contact_details(draft, actor=None)
    except CommentError as exc:
        db.session.rollback()
        fail(exc.message)
    # Export files made earlier may hold the contacts: every stored export of the draft goes too.
    removed = purge_draft_exports(draft, retention_days(current_app.config))
    db.session.commit()
    click.echo(f"purged the contact details of {count} comments of draft {draft.id}")
    click.echo(f"deleted {len(removed)} stored exports of draft {draft.id}"
               + "".join(f"\n  job {job.id}: {job.filename}" for job in removed))
