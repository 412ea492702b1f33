"""`consult users` and `consult contact-points` commands."""
from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import AppGroup

from consult.accounts.services import AccountError, create_user
from consult.cli import fail
from consult.contact_points.imports import ContactPointImportError, decode_csv, import_contact_points
from consult.contact_points.queries import point_by_code
from consult.extensions import db

users_cli = AppGroup("users", help="User accounts.")
contact_points_cli = AppGroup("contact-points", help="Contact points (基层立法联系点).")


@users_cli.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(["citizen", "facilitator", "staff", "admin"]), required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--name", "display_name", default="", help="Name shown in the interface.")
@click.option("--email", default=None)
@click.option("--contact-point", "codes", multiple=True, help="Code of a contact point (facilitators).")
def create_user_command(username, role, password, display_name, email, codes):
    """Create a user account."""
    points = []
    for code in codes:
        cp = point_by_code(code)
        if cp is None:
            fail(f"unknown contact point: {code}")
        points.append(cp)
    try:
        user = create_user(username, password, role, display_name=display_name, email=email,
                           contact_points=points)
    except AccountError as exc:
        fail(str(exc))
    db.session.commit()
    click.echo(f"created user {user.username} (id {user.id}, role {user.role})")


@contact_points_cli.command("import")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True)
def import_contact_points_command(path: Path, as_json: bool):
    """Create or update contact points from a CSV file (code,name,district,kind,community,address)."""
    if not path.exists():
        fail(f"file not found: {path}")
    try:
        result = import_contact_points(decode_csv(path.read_bytes()))
    except ContactPointImportError as exc:
        db.session.rollback()
        fail(f"{path.name}: {exc}")
    db.session.commit()
    click.echo(json.dumps(result) if as_json else
               f"contact points: {result['created']} created, {result['updated']} updated")
