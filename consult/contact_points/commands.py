"""`consult contact-points` commands (the same import as the admin page)."""
from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import AppGroup

from consult.cli import fail
from consult.contact_points.imports import ContactPointImportError, decode_csv, import_contact_points
from consult.extensions import db

contact_points_cli = AppGroup("contact-points", help="Contact points (基层立法联系点).")


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
