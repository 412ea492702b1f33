"""`consult search` commands: sync, rebuild, verify, worker, comments (the staff search as JSON)."""
from __future__ import annotations

import json
import time

import click
from flask.cli import AppGroup

from consult.cli import DRAFT_ID

search_cli = AppGroup("search", help="search commands.")
# `consult search comments` options: the Selection keys besides the draft and the query text
FILTER_OPTIONS = ("version_id", "division_id", "article_id", "article_no", "paragraph_no", "contact_point",
                  "district", "channel", "category", "moderation_state", "decision", "tag", "duplicate_group_id",
                  "date_from", "date_to", "carried")
UNREADABLE = "search index unreadable ({error}); run `consult search rebuild`"


@search_cli.command("sync")
def sync_command():
    """Index whatever is still queued in the outbox (e.g. after a crash)."""
    from consult.cli import fail
    from consult.search.backend import IndexUnavailable
    from consult.search.services import current_backend, pending_count, sync_pending

    try:
        done = sync_pending()
    except IndexUnavailable as exc:
        fail(UNREADABLE.format(error=_short(exc)))
    state = current_backend().state()
    if not state.readable:
        fail(UNREADABLE.format(error=state.error.splitlines()[0][:200]))
    left = pending_count()
    click.echo(f"indexed {done} queued change(s); {left} still queued")
    if left:
        raise SystemExit(1)


def _short(exc) -> str:
    """The first line of an error, bounded (never a traceback)."""
    return str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__


@search_cli.command("rebuild")
@click.option("--queue", "on_queue", is_flag=True,
              help="Leave the rebuild to a `consult worker` (JOB_QUEUE=rq) instead of running it here.")
def rebuild_command(on_queue):
    """Rebuild the index from the database into a new directory and swap it in."""
    from consult.search.services import REBUILD_TARGET, rebuild, rebuild_total

    if on_queue:
        from consult import queue
        from consult.cli import fail

        if queue.mode() != "rq":
            fail("--queue needs JOB_QUEUE=rq (and JOB_QUEUE_URL): with JOB_QUEUE=thread there is no worker; "
                 "run `consult search rebuild` without --queue")
        queue.enqueue(REBUILD_TARGET, timeout=6 * 3600)
        click.echo(f"queued: a `consult worker` rebuilds the index ({rebuild_total()} documents); "
                   "`consult search verify` tells when it is complete")
        return

    started = time.perf_counter()
    with click.progressbar(length=rebuild_total(), label="indexing", show_pos=True) as bar:
        count = rebuild(progress=bar.update)
    seconds = time.perf_counter() - started
    click.echo(f"rebuilt: {count} documents in {seconds:.1f} s ({count / max(seconds, 1e-9):.0f}/s)")


@search_cli.command("verify")
@click.option("--json", "as_json", is_flag=True, help="Print the full report as JSON.")
def verify_command(as_json):
    """Compare index and database; exit 1 on any missing, stale or orphaned document."""
    from consult.cli import fail
    from consult.search.backend import IndexUnavailable
    from consult.search.services import verify

    try:
        report = verify()
    except IndexUnavailable as exc:
        fail(UNREADABLE.format(error=_short(exc)))
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False))
    else:
        click.echo(f"documents {report['documents']}, indexed {report['indexed']}, "
                   f"missing {len(report['missing'])}, stale {len(report['stale'])}, "
                   f"orphaned {len(report['orphaned'])}, queued {report['pending']}")
        for name in ("missing", "stale", "orphaned"):
            for key in report[name][:20]:
                click.echo(f"  {name}: {key}")
    if not report["ok"]:
        raise SystemExit(1)


@search_cli.command("worker")
@click.option("--interval", default=0.5, show_default=True, help="Seconds between polls when idle.")
@click.option("--once", is_flag=True, help="Drain the outbox once and exit.")
def worker_command(interval, once):
    """Drain the outbox continuously (SEARCH_INDEXING=external deployments run one of these)."""
    from consult.search.services import sync_pending

    click.echo("search worker: draining the outbox (Ctrl-C to stop)")
    while True:
        try:
            done = sync_pending()
        except Exception as exc:  # noqa: BLE001 - the database or index may be briefly unavailable
            click.echo(f"sync failed, retrying: {exc}", err=True)
            done = 0
        if once:
            click.echo(f"indexed {done} queued change(s)")
            return
        if not done:
            time.sleep(interval)


def _filter_options(func):
    for key in reversed(FILTER_OPTIONS):
        func = click.option(f"--{key.replace('_', '-')}", key, default=None, help=f"Filter: {key}.")(func)
    return func


@search_cli.command("comments")
@click.argument("query", required=False, default="")
@click.option("--draft", "draft_id", type=DRAFT_ID, default=None, help="Only comments on this draft.")
@_filter_options
@click.option("--map-to-current", "to_current", is_flag=True,
              help="Group by the article each comment's article became in the current version (article lineage).")
@click.option("--json", "as_json", is_flag=True, help="Print {total, groups} as JSON.")
def comments_command(query, draft_id, as_json, to_current, **filters):
    """Search comments like the staff page: groups by article in text order (of the original version, or
    with --map-to-current of the current one)."""
    from consult.cli import fail
    from consult.comments.selection import Selection
    from consult.drafts.models import Draft
    from consult.errors import UserError
    from consult.extensions import db
    from consult.search.queries import search_comments

    draft = None
    if draft_id is not None:
        draft = db.session.get(Draft, draft_id)
        if draft is None:
            fail(f"no draft with id {draft_id}")
    try:
        selection = Selection.from_args({**filters, "q": query}, draft=draft, strict=True)
        results = search_comments(selection, per_group=0, to_current=to_current)
    except UserError as exc:
        fail(exc.message)
    if as_json:
        click.echo(json.dumps(results.as_dict(), ensure_ascii=False))
        return
    click.echo(f"{results.total} comment(s)")
    for group in results.groups:
        fate = f"\t{group.status}" if group.status else ""
        click.echo(f"{group.anchor}\t{group.count}\t{' '.join(map(str, group.comment_ids))}{fate}")
