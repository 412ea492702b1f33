"""`consult comments` commands (the same services as the web pages)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from consult.cli import DRAFT_ID, fail
from consult.comments.imports import ImportRejected, format_error, import_comments_file
from consult.contact_points.models import ContactPoint, Meeting
from consult.drafts.models import Draft
from consult.extensions import db

comments_cli = AppGroup("comments", help="Comments: import from spreadsheets.")


def _draft(draft_id: int) -> Draft:
    draft = db.session.get(Draft, draft_id)
    if draft is None:
        fail(f"no draft with id {draft_id}")
    return draft


@comments_cli.command("import")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--draft", "draft_id", type=DRAFT_ID, required=True, help="The draft the comments are about.")
@click.option("--contact-point", "point_code", default=None, help="Contact point code for rows without one.")
@click.option("--meeting", "meeting_id", type=int, default=None, help="Meeting the comments were made at.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def import_command(path: Path, draft_id: int, point_code: str | None, meeting_id: int | None, as_json: bool):
    """Import a .xlsx/.csv file of comments; on any bad row print every error and save nothing."""
    if not path.is_file():
        fail(f"file not found: {path}")
    draft = _draft(draft_id)
    point = meeting = None
    if point_code:
        point = db.session.scalar(select(ContactPoint).where(ContactPoint.code == point_code))
        if point is None:
            fail(f"no contact point with code {point_code}")
    if meeting_id is not None:
        meeting = db.session.get(Meeting, meeting_id)
        if meeting is None:
            fail(f"no meeting with id {meeting_id}")
    try:
        result = import_comments_file(path.read_bytes(), path.name, draft=draft, contact_point=point,
                                      meeting=meeting)
    except ImportRejected as exc:
        db.session.rollback()
        if as_json:
            click.echo(json.dumps({"errors": exc.errors}, ensure_ascii=False))
        else:
            for error in exc.errors:
                click.echo(format_error(error), err=True)
            click.echo(f"nothing imported: {len(exc.errors)} error(s)", err=True)
        sys.exit(1)
    db.session.commit()
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
    else:
        click.echo(f"imported {result['created']} comments (import {result['import_id']})")
