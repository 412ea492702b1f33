"""`consult drafts` commands: parse a file without saving, import it as a draft or a new version."""
from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import AppGroup

from consult.cli import fail
from consult.drafts.models import Draft
from consult.drafts.services import DraftError, import_draft, parse_upload
from consult.extensions import db
from consult.lawtext import LawTextError

drafts_cli = AppGroup("drafts", help="Draft regulations: parse and import .docx/.txt files.")


def _read(path: Path) -> bytes:
    if not path.exists():
        fail(f"file not found: {path}")
    if not path.is_file():
        fail(f"not a file: {path}")
    try:
        return path.read_bytes()
    except OSError as exc:
        fail(f"cannot read {path}: {exc.strerror}")


@drafts_cli.command("parse")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the parse as JSON.")
def parse_command(path: Path, as_json: bool):
    """Parse a draft file and print its structure; nothing is saved."""
    data = _read(path)
    try:
        parsed = parse_upload(data, path.name)
    except (DraftError, LawTextError) as exc:
        fail(str(exc))
    result = parsed.to_dict()
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=1))
        return
    click.echo(f"{result['title']}（{result['version_label'] or '-'}）")
    click.echo(f"divisions: {len(result['divisions'])}, articles: {len(result['articles'])}, "
               f"warnings: {len(result['warnings'])}")
    for warning in result["warnings"]:
        click.echo(f"  line {warning['line']}: {warning['message']}")


@drafts_cli.command("import")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--title", default=None, help="Title (default: the title line of the file).")
@click.option("--version-label", default=None, help="Version label, e.g. 征求意见稿, 一审稿.")
@click.option("--draft", "draft_id", type=int, default=None, help="Add a new version to this draft.")
@click.option("--json", "as_json", is_flag=True)
def import_command(path: Path, title, version_label, draft_id, as_json):
    """Import a draft file as a new draft, or as the new current version of --draft ID."""
    data = _read(path)
    draft = None
    if draft_id is not None:
        draft = db.session.get(Draft, draft_id)
        if draft is None:
            fail(f"no draft with id {draft_id}")
    try:
        version = import_draft(data, path.name, title=title, version_label=version_label, draft=draft)
    except DraftError as exc:
        db.session.rollback()
        fail(str(exc))
    db.session.commit()
    result = {"draft_id": version.draft_id, "version_id": version.id, "label": version.label,
              "title": version.draft.title, "divisions": len(version.divisions),
              "articles": len(version.articles), "warnings": len(version.warnings)}
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
    else:
        click.echo(f"imported draft {result['draft_id']} version {result['version_id']} ({result['label']}): "
                   f"{result['articles']} articles, {result['divisions']} divisions, "
                   f"{result['warnings']} warnings")
