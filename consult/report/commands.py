"""`consult report` commands: release a draft's public report, write its open data to a file."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from consult.cli import DRAFT_ID, fail
from consult.drafts.models import Draft
from consult.extensions import db
from consult.report import opendata, queries
from consult.report.services import ReportError, release_report

report_cli = AppGroup("report", help="Public report on the comments: release it, write its open data.")


@report_cli.command("release")
@click.argument("draft_id", type=DRAFT_ID)
def release_command(draft_id: int):
    """Release (or release again) a draft's report; refused while its comment window is open."""
    draft = db.session.get(Draft, draft_id)
    try:
        release = release_report(draft, None)
    except ReportError as exc:
        db.session.rollback()
        fail(exc.message)
    db.session.commit()
    click.echo(f"released the report of draft {draft.id} (release {release.revision}): "
               f"{release.comment_count} comments")


@report_cli.command("opendata")
@click.argument("draft_id", type=DRAFT_ID)
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="File to write.")
def opendata_command(draft_id: int, fmt: str, out: Path):
    """Write the released open data of a draft (what the public downloads) to a file."""
    draft = db.session.get(Draft, draft_id)
    if queries.release_of(draft) is None:
        fail(f"the report of draft {draft_id} has not been released")
    report = queries.load_report(draft, preview=False)
    meta = {"draft": {"id": draft.id, "title": draft.title}, "revision": report.release.revision,
            "released_at": report.release.released_at.isoformat(), "preview": False}

    def fetch(after_id: int):
        return meta, list(opendata.iter_records(report, after_id, opendata.BATCH))

    try:
        with out.open("w", encoding="utf-8", newline="") as handle:
            for chunk in opendata.iter_document(fetch, fmt, opendata.BATCH):
                handle.write(chunk)
    except OSError as exc:
        fail(f"cannot write {out}: {exc.strerror}")
    click.echo(f"wrote {out}")
