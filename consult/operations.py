"""Operator commands: `consult worker` (background jobs) and `consult check` (what this configuration shares).

`consult check` answers the question an operator asks before adding a second app server: which state of
this configuration lives on one machine, and which every server sees. It exits 1 when a setting cannot
work across servers (`--servers N`, N > 1) or when a shared service does not answer.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass

import click
from flask import current_app
from flask.cli import with_appcontext


@dataclass
class Finding:
    """One piece of state: where it lives, whether every server sees it, and what to do if not."""

    what: str
    where: str
    shared: bool
    ok: bool = True
    advice: str = ""


def _database(config) -> Finding:
    from sqlalchemy import text

    from consult.extensions import db

    url = db.engine.url
    where = url.render_as_string(hide_password=True)
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        ok, advice = True, ""
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        ok, advice = False, f"the database does not answer: {exc.__class__.__name__}"
    shared = url.get_backend_name() != "sqlite"
    if not shared:
        advice = advice or "a SQLite file is one machine's: use DATABASE_URL=postgresql://… for several servers"
    return Finding("database", where, shared, ok, advice)


def _search(config) -> Finding:
    from consult.search.services import current_backend

    kind = config.get("SEARCH_BACKEND") or "whoosh"
    try:
        state = current_backend().state()
        ok, advice = state.readable, "" if state.readable else f"index unreadable: {state.error}"
    except ValueError as exc:
        return Finding("search index", kind, False, False, str(exc))
    if kind == "postgres":
        return Finding("search index", "table search_documents in the database", True, ok, advice)
    advice = advice or ("a Whoosh directory is one machine's: SEARCH_BACKEND=postgres for several servers "
                        "(then `consult search rebuild` once)")
    return Finding("search index", f"Whoosh directory {config['SEARCH_INDEX_DIR']}", False, ok, advice)


def _indexing(config) -> Finding:
    mode = config.get("SEARCH_INDEXING") or "inline"
    where = ("after each commit, in the web process that made the change" if mode == "inline"
             else "by `consult search worker` processes")
    return Finding("index maintenance", f"{mode}: {where} (the queue of changes is in the database)", True)


def _jobs(config) -> Finding:
    from consult import queue

    try:
        mode = queue.mode(config)
    except ValueError as exc:
        return Finding("background jobs", str(config.get("JOB_QUEUE")), False, False, str(exc))
    if mode == "thread":
        return Finding("background jobs", "threads of the web process that took the request", False, True,
                       "a job dies with its web worker: JOB_QUEUE=rq and `consult worker` for several servers")
    try:
        connection = queue.redis_connection(config)
        connection.ping()
        waiting = queue.rq_queue(config).count
        return Finding("background jobs", f"RQ queue on {config.get('JOB_QUEUE_URL')} ({waiting} waiting)", True)
    except Exception as exc:  # noqa: BLE001
        return Finding("background jobs", f"RQ queue on {config.get('JOB_QUEUE_URL')}", True, False,
                       f"Redis does not answer: {exc.__class__.__name__}")


def _exports(config) -> Finding:
    if (config.get("EXPORT_STORAGE") or "directory") == "database":
        return Finding("export files", "table export_files in the database", True)
    return Finding("export files", f"directory {config['EXPORT_DIR']}", False, True,
                   "shared only if every server mounts this same directory; else EXPORT_STORAGE=database")


def _rate_limits(config) -> Finding:
    uri = config.get("RATELIMIT_STORAGE_URI") or "memory://"
    if uri.startswith("memory"):
        return Finding("rate limits", "memory of each web worker", False, True,
                       "each worker counts alone: RATELIMIT_STORAGE_URI=redis://… for shared limits")
    ok, advice = True, ""
    if uri.startswith("redis"):
        try:
            from redis import Redis

            Redis.from_url(uri).ping()
        except Exception as exc:  # noqa: BLE001
            ok, advice = False, f"Redis does not answer: {exc.__class__.__name__}"
    return Finding("rate limits", uri, True, ok, advice)


def _sessions(config) -> Finding:
    return Finding("sign-in sessions", "signed cookies (nothing stored on a server)", True, True,
                   "every server needs the same SECRET_KEY")


def findings(config) -> list[Finding]:
    """What this configuration keeps where."""
    return [check(config) for check in (_database, _search, _indexing, _jobs, _exports, _rate_limits, _sessions)]


@click.command("check")
@click.option("--servers", type=click.IntRange(min=1), default=1, show_default=True,
              help="How many app servers will run this configuration (more than 1: local state is an error).")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
@with_appcontext
def check_command(servers, as_json):
    """Tell what this configuration shares between app servers and what it keeps on one machine."""
    found = findings(current_app.config)
    failing = [f for f in found if not f.ok or (servers > 1 and not f.shared)]
    if as_json:
        click.echo(json.dumps({"servers": servers, "ok": not failing, "findings": [asdict(f) for f in found]},
                              ensure_ascii=False))
    else:
        for f in found:
            mark = "shared " if f.shared else "LOCAL  "
            state = "" if f.ok else "  [NOT WORKING]"
            click.echo(f"{mark} {f.what:<18} {f.where}{state}")
            if f.advice and (not f.shared or not f.ok):
                click.echo(f"{'':26}→ {f.advice}")
        click.echo("ok" if not failing else f"{len(failing)} problem(s) for {servers} server(s)")
    if failing:
        raise SystemExit(1)


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty (tests, cron).")
@with_appcontext
def worker_command(burst):
    """Run background jobs from the RQ queue (JOB_QUEUE=rq); start as many as you need.

    Jobs: exports, notifications, themes, duplicate detection, queued index rebuilds. Every
    JOB_STALL_SECONDS / 2 each worker also re-queues stalled exports and sends the notifications whose
    retry has come."""
    from consult import queue
    from consult.cli import fail

    if queue.mode() != "rq":
        fail("JOB_QUEUE is 'thread': jobs run inside the web processes; set JOB_QUEUE=rq (and JOB_QUEUE_URL) "
             "to use workers")
    try:
        queue.redis_connection().ping()
    except Exception as exc:  # noqa: BLE001
        fail(f"the job queue at {current_app.config.get('JOB_QUEUE_URL')} does not answer: {exc.__class__.__name__}")
    queue.work(current_app._get_current_object(), burst=burst, recover=worker_round)


def worker_round() -> None:
    """A worker's periodic round: stalled exports queued again or failed, due notification retries sent."""
    from consult.exports.jobs import recover_stalled
    from consult.notifications.jobs import send_retries

    recover_stalled()
    send_retries()
