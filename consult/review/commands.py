"""`consult review` commands: workbench chores that suit a shell or a cron job."""
from __future__ import annotations

import json

import click
from flask.cli import AppGroup

from consult.cli import DRAFT_ID, fail
from consult.drafts.models import Draft
from consult.extensions import db
from consult.review.services import find_duplicate_groups

review_cli = AppGroup("review", help="Staff workbench: near-duplicate detection.")


@review_cli.command("duplicates")
@click.argument("draft_id", type=DRAFT_ID)
@click.option("--json", "as_json", is_flag=True)
def duplicates_command(draft_id: int, as_json: bool):
    """Recompute the unconfirmed near-duplicate groups of a draft (confirmed groups are kept)."""
    draft = db.session.get(Draft, draft_id)
    if draft is None:
        fail(f"no draft with id {draft_id}")
    groups = find_duplicate_groups(draft)
    db.session.commit()
    sizes = sorted((len(g.comments) for g in groups), reverse=True)
    if as_json:
        click.echo(json.dumps({"groups": len(groups), "comments": sum(sizes), "largest": sizes[:5]}))
    else:
        click.echo(f"{len(groups)} groups covering {sum(sizes)} comments (largest: {sizes[:5]})")


@review_cli.command("themes")
@click.argument("draft_id", type=DRAFT_ID)
@click.option("--json", "as_json", is_flag=True)
def themes_command(draft_id: int, as_json: bool):
    """Compute key terms and clusters of comments (意见主题) for every article of a draft, now."""
    from consult.errors import UserError
    from consult.themes.jobs import run_job
    from consult.themes.services import start_run

    draft = db.session.get(Draft, draft_id)
    try:
        run = start_run(draft, actor=None)
    except UserError as error:
        db.session.rollback()
        fail(error.message)
    db.session.commit()
    run = run_job(run.id)
    if run.status != "done":
        fail(run.error or "the analysis failed")
    summary = {"run": run.id, "comments": run.comments, "anchors": run.total, "seconds": run.seconds}
    click.echo(json.dumps(summary) if as_json else
               f"analysed {run.comments} comments on {run.total} articles/sections in {run.seconds:.1f} s "
               f"(run {run.id})")
