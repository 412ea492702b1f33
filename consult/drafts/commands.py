"""`consult drafts` commands: parse a file, import it as a draft or a new version (proposing the article
lineage to the version before), compare two versions, publish, close."""
from __future__ import annotations

import json
from datetime import datetime, time, timedelta
from pathlib import Path

import click
from flask.cli import AppGroup

from consult.cli import DRAFT_ID, fail
from consult.drafts.localtime import local_to_utc, utc_to_local, zone
from consult.drafts.models import Draft
from consult.drafts.lineage_services import compare, lineage_summary
from consult.drafts.services import DraftError, close_draft, import_draft, parse_upload, publish_draft
from consult.extensions import db
from consult.lawtext import LawTextError

drafts_cli = AppGroup("drafts", help="Draft regulations: parse, import, publish and close.")
LOCAL_FORMATS = ["%Y-%m-%d", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"]


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
@click.option("--draft", "draft_id", type=DRAFT_ID, default=None, help="Add a new version to this draft.")
@click.option("--json", "as_json", is_flag=True)
def import_command(path: Path, title, version_label, draft_id, as_json):
    """Import a draft file as a new draft, or as the new current version of --draft ID."""
    data = _read(path)
    draft = db.session.get(Draft, draft_id) if draft_id is not None else None
    try:
        version = import_draft(data, path.name, title=title, version_label=version_label, draft=draft)
    except DraftError as exc:
        db.session.rollback()
        fail(str(exc))
    db.session.commit()
    result = {"draft_id": version.draft_id, "version_id": version.id, "label": version.label,
              "title": version.draft.title, "divisions": len(version.divisions),
              "articles": len(version.articles), "warnings": len(version.warnings)}
    if version.lineage_state:
        result["lineage"] = lineage_summary(version)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
    else:
        click.echo(f"imported draft {result['draft_id']} version {result['version_id']} ({result['label']}): "
                   f"{result['articles']} articles, {result['divisions']} divisions, "
                   f"{result['warnings']} warnings")
        if "lineage" in result:
            lineage = result["lineage"]
            click.echo(f"proposed lineage: {lineage['links']} links ({lineage['unchanged']} unchanged), "
                       f"{lineage['deleted']} deleted, {lineage['added']} added; "
                       f"review it before use: consult drafts compare {result['draft_id']}")


@drafts_cli.command("amend")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--draft", "draft_id", type=DRAFT_ID, required=True,
              help="The draft whose current text is amended.")
@click.option("--version-label", default=None, help="Label of the amended version (default 修正稿).")
@click.option("--json", "as_json", is_flag=True)
def amend_command(path: Path, draft_id: int, version_label, as_json: bool):
    """Apply an amendment draft (修改决定/修正案) to the current text of --draft: the result is its new version."""
    from consult.drafts.amend_services import apply_amendment

    data = _read(path)
    draft = db.session.get(Draft, draft_id)
    try:
        version, amended = apply_amendment(data, path.name, draft, version_label=version_label)
    except DraftError as exc:
        db.session.rollback()
        fail(exc.message)
    db.session.commit()
    result = {"draft_id": draft.id, "version_id": version.id, "label": version.label,
              "articles": len(version.articles), "renumbered": amended.renumbered,
              "items": [{"item": o.label, "applied": o.applied, "message": o.message}
                        for o in amended.outcomes],
              "notes": amended.notes, "lineage": lineage_summary(version)}
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
        return
    click.echo(f"applied {len(amended.outcomes) - len(amended.failed)} of {len(amended.outcomes)} items to draft "
               f"{draft.id}: version {version.id} ({version.label}), {len(version.articles)} articles")
    for outcome in amended.failed:
        click.echo(f"  warning: item {outcome.label} not applied: {outcome.message}")
    for note in amended.notes:
        click.echo(f"  check: {note}")


@drafts_cli.command("compare")
@click.argument("draft_id", type=DRAFT_ID)
@click.option("--from", "from_ref", default=None, help="Earlier version: label (一审稿) or version id "
                                                        "(default: the version before --to).")
@click.option("--to", "to_ref", default=None, help="Later version: label or version id (default: current).")
@click.option("--json", "as_json", is_flag=True, help="Print the lineage as JSON.")
def compare_command(draft_id: int, from_ref, to_ref, as_json: bool):
    """Which article of one version became which of another: links, deleted and added articles."""
    draft = db.session.get(Draft, draft_id)
    try:
        result = compare(draft, from_ref, to_ref)
    except DraftError as exc:
        db.session.rollback()
        fail(exc.message)
    db.session.rollback()  # comparing never changes anything
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
        return
    click.echo(f"{result['from']['label']} ({result['from']['version_id']}) → "
               f"{result['to']['label']} ({result['to']['version_id']}): {len(result['links'])} links, "
               f"{len(result['deleted'])} deleted, {len(result['added'])} added")
    for link in result["links"]:
        click.echo(f"  {link['old']} → {link['new']}  {link['kind']} {link['shape']} {link['similarity']:.2f}")
    for label in result["deleted"]:
        click.echo(f"  {label} deleted")
    for label in result["added"]:
        click.echo(f"  {label} added")


def _local(value: datetime | None, end_of_day: bool) -> datetime | None:
    """A typed local date/time → naive UTC; a bare closing date means the end of that day."""
    if value is None:
        return None
    if end_of_day and value.time() == time(0, 0):
        value += timedelta(days=1)
    return local_to_utc(value)


def _shown(value: datetime) -> str:
    return f"{utc_to_local(value):%Y-%m-%d %H:%M}"


@drafts_cli.command("publish")
@click.argument("draft_id", type=DRAFT_ID)
@click.option("--closes", required=True, type=click.DateTime(LOCAL_FORMATS),
              help="Last day of comments, local time (YYYY-MM-DD: through the end of that day).")
@click.option("--opens", type=click.DateTime(LOCAL_FORMATS), default=None,
              help="First day of comments, local time (default: now).")
def publish_command(draft_id: int, closes: datetime, opens: datetime | None):
    """Publish a draft with its comment window; refused while the parse has unresolved numbering problems."""
    draft = db.session.get(Draft, draft_id)
    try:
        publish_draft(draft, _local(opens, end_of_day=False), _local(closes, end_of_day=True))
    except DraftError as exc:
        db.session.rollback()
        fail(exc.message)
    db.session.commit()
    click.echo(f"published draft {draft.id}: comments from {_shown(draft.comment_opens_at)} "
               f"until {_shown(draft.comment_closes_at)} ({zone().key})")


@drafts_cli.command("close")
@click.argument("draft_id", type=DRAFT_ID)
def close_command(draft_id: int):
    """End a draft's comment window now."""
    draft = db.session.get(Draft, draft_id)
    try:
        close_draft(draft)
    except DraftError as exc:
        db.session.rollback()
        fail(exc.message)
    db.session.commit()
    click.echo(f"closed draft {draft.id}: comments ended {_shown(draft.comment_closes_at)} ({zone().key})")
