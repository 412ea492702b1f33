"""Benchmark: sustained comment submissions per second through the whole web stack.

Usage: python tests/benchmarks/bench_submit.py [--size N] [--workers W] [--clients C] [--indexing MODE]
       python tests/benchmarks/bench_submit.py --servers 2 [--database-url postgresql://…] [--clients 16]

Starts the app under gunicorn with W workers on a temporary SQLite database (migrated, with a published
draft made through the services), then C client threads fetch the comment form (CSRF token and session
cookie, like a browser) and POST N comments in total to it (latency = the POST and its 303 answer; the
receipt page it redirects to is not fetched). Reports comments/s, p50/p95 latency and checks
that the number of comments stored equals the number sent (exit status 1 if not). The baseline, measured
in the same run: the same N inserts straight through `submit_online_comment` in one process with one
commit per comment, i.e. what the web stack costs over the bare service.
Rate limiting stays on with a limit no run reaches (COMMENT_RATE_LIMIT), so its cost is included.
The last line printed is one JSON object for CI to collect.

`--servers 2` (docs/DEPLOYMENT.md): two gunicorn app servers, each with W workers and its own instance
folder, on one PostgreSQL database (default postgresql://postgres@127.0.0.1:5432/bench_submit, created if
missing, emptied and migrated), SEARCH_BACKEND=postgres, JOB_QUEUE=rq and RATELIMIT_STORAGE_URI on Redis
db 12 (emptied); C clients (default 16) split over both servers. Baseline, same run: the same load with
every client on one server. Then a 100-comment burst over both servers, without and then while an export
(Word summary) of 100,000 comments runs on a `consult worker` process: p95 of the burst in both cases.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

DRAFT_FILE = PROJECT_ROOT / "drafts" / "tourism_promotion_draft.txt"
ANCHORS = ("12", "12.2", "第三条", "总体", "新增", "5")


def free_port() -> int:
    """A TCP port that is free right now on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def quiet_config(db_url: str, index_dir: str) -> dict:
    """Config for this process's own app: outbox rows only, no indexer thread (the bare service)."""
    return {"SQLALCHEMY_DATABASE_URI": db_url, "SEARCH_INDEX_DIR": index_dir, "SEARCH_INDEXING": "external",
            "SECRET_KEY": "bench-submit"}  # a production-like app refuses to start without a key


def prepare_database(db_url: str, index_dir: str) -> int:
    """Migrate a fresh database and publish the sample draft through the services; return the draft id."""
    from flask_migrate import upgrade

    from consult import create_app
    from consult.database import utcnow
    from consult.drafts.services import import_draft, publish_draft
    from consult.extensions import db

    app = create_app(quiet_config(db_url, index_dir))
    with app.app_context():
        upgrade(directory=str(PROJECT_ROOT / "migrations"), revision="heads")
        version = import_draft(DRAFT_FILE.read_bytes(), DRAFT_FILE.name, version_label="征求意见稿")
        now = utcnow()
        publish_draft(version.draft, now - timedelta(days=1), now + timedelta(days=30))
        db.session.commit()
        draft_id = version.draft_id
        db.session.remove()
        db.engine.dispose()
    return draft_id


def count_comments(db_url: str, index_dir: str, draft_id: int) -> int:
    """Comments stored for the draft."""
    from sqlalchemy import func, select

    from consult import create_app
    from consult.comments.models import Comment
    from consult.extensions import db

    app = create_app(quiet_config(db_url, index_dir))
    with app.app_context():
        count = db.session.scalar(select(func.count(Comment.id)).where(Comment.draft_id == draft_id))
        db.session.remove()
        db.engine.dispose()
    return count


def service_baseline(size: int, tmp: Path) -> float:
    """N inserts through submit_online_comment in one process, one commit each; returns comments/s."""
    from consult import create_app
    from consult.comments.services import submit_online_comment
    from consult.drafts.models import Draft
    from consult.extensions import db

    db_url = f"sqlite:///{tmp}/baseline.db"
    draft_id = prepare_database(db_url, str(tmp / "baseline-index"))
    app = create_app(quiet_config(db_url, str(tmp / "baseline-index")))
    with app.app_context():
        draft = db.session.get(Draft, draft_id)
        start = time.perf_counter()
        for i in range(size):
            submit_online_comment(draft, anchor=ANCHORS[i % len(ANCHORS)], body=f"基准第{i}条意见：建议细化。",
                                  consent_personal_info=True)
            db.session.commit()
        elapsed = time.perf_counter() - start
        db.session.remove()
        db.engine.dispose()
    stored = count_comments(db_url, str(tmp / "baseline-index"), draft_id)
    if stored != size:
        raise SystemExit(f"baseline stored {stored} of {size} comments")
    return size / elapsed


class FormReader(HTMLParser):
    """Collect what a browser would submit from the comment form: defaults, hidden fields, CSRF token."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        """Track form fields and their default values."""
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action") or "", "method": (a.get("method") or "get").lower(),
                          "fields": {}, "checkboxes": []}
            self.forms.append(self._form)
        if self._form is None:
            return
        fields = self._form["fields"]
        if tag == "option" and self._select:
            if "selected" in a or self._select not in fields:
                fields[self._select] = a.get("value", "")
            return
        if not a.get("name"):
            return
        name = a["name"]
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind == "checkbox":
                self._form["checkboxes"].append((name, a.get("value") or "y"))
                if "checked" in a:
                    fields[name] = a.get("value") or "y"
            elif kind == "radio":
                if "checked" in a or name not in fields:
                    fields[name] = a.get("value") or ""
            elif kind not in ("submit", "button", "file"):
                fields[name] = a.get("value") or ""
        elif tag == "textarea":
            self._textarea = name
            fields[name] = ""
        elif tag == "select":
            self._select = name

    def handle_data(self, data):
        """Text inside a textarea is its default value."""
        if self._form is not None and self._textarea:
            self._form["fields"][self._textarea] += data

    def handle_endtag(self, tag):
        """Close the current form, textarea or select."""
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            fields = self._form["fields"] if self._form is not None else {}
            if self._textarea in fields and fields[self._textarea][:2] in ("\r\n", "\n"):
                # HTML drops one newline right after <textarea>, as browsers do
                fields[self._textarea] = fields[self._textarea].split("\n", 1)[1]
            self._textarea = None
        elif tag == "select":
            self._select = None


def comment_form(html: str) -> dict:
    """The POST form of the comment page (the one with a `body` field)."""
    reader = FormReader()
    reader.feed(html)
    for form in reader.forms:
        if form["method"] == "post" and "body" in form["fields"]:
            return form
    raise SystemExit("no comment form with a `body` field found on the comment page")


class Client:
    """One visitor: a cookie jar and a connection to the server (reopened when gunicorn closes it)."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(self, method: str, path: str, body: str | None = None):
        """Send a request with the session cookie; return (status, headers, text)."""
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body.encode() if body else None, headers=headers)
                response = self.conn.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                if attempt == 2:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
        return response.status, response, text


def run_client(port: int, path: str, count: int, start_at: int, latencies: list, errors: list,
               barrier: threading.Barrier) -> None:
    """Fetch the form once (CSRF token + session), then POST `count` comments and time each POST."""
    client = Client(port)
    status, _, html = client.request("GET", path)
    if status != 200:
        errors.append(f"GET {path} answered {status}")
        barrier.abort()
        return
    form = comment_form(html)
    fields = dict(form["fields"])  # an anonymous comment without feedback: no box needs ticking
    action = form["action"] or path
    try:
        barrier.wait(timeout=120)
    except threading.BrokenBarrierError:
        return
    for i in range(count):
        data = dict(fields, body=f"压测第{start_at + i}条意见：建议增加无障碍设施。")
        started = time.perf_counter()
        status, response, text = client.request("POST", action, urlencode(data))
        latencies.append(time.perf_counter() - started)
        if status not in (302, 303) or "/comments/new" in (response.getheader("Location") or ""):
            errors.append(f"POST {start_at + i} answered {status}: {page_errors(text)}")


def page_errors(html: str) -> str:
    """The error messages a refused form shows (alerts and field errors), for the report."""
    found = re.findall(r'(?:role="alert"|class="field-error")[^>]*>([^<]+)<', html)
    return "; ".join(m.strip() for m in found if m.strip()) or html[:200]


def start_gunicorn(port: int, workers: int, env: dict) -> subprocess.Popen:
    """gunicorn -w W serving consult:create_app() on 127.0.0.1:PORT; waits until it answers."""
    command = [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}",
               "--log-level", "warning", "consult:create_app()"]
    server = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with status {server.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/drafts/")
            if conn.getresponse().status == 200:
                conn.close()
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not answer within 60 s")


REDIS_URL = "redis://127.0.0.1:6379/12"


def load(ports: list[int], path: str, size: int, clients: int, first: int = 0) -> dict:
    """`size` comments POSTed by `clients` threads, client c on ports[c % len(ports)]; rate and latencies."""
    latencies: list[float] = []
    errors: list[str] = []
    barrier = threading.Barrier(clients + 1)
    shares = [size // clients + (1 if c < size % clients else 0) for c in range(clients)]
    threads, start_at = [], first
    for c, share in enumerate(shares):
        threads.append(threading.Thread(target=run_client, args=(ports[c % len(ports)], path, share, start_at,
                                                                 latencies, errors, barrier)))
        start_at += share
    for thread in threads:
        thread.start()
    barrier.wait(timeout=120)
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    quantiles = statistics.quantiles(latencies, n=100) if len(latencies) >= 2 else latencies * 99
    return {"rate": len(latencies) / elapsed, "elapsed": elapsed, "sent": len(latencies), "errors": errors,
            "p50_ms": quantiles[49] * 1000, "p95_ms": quantiles[94] * 1000}


def fresh_postgres(url: str) -> None:
    """Create the database if missing, then empty its schema (a benchmark database of its own)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database}).scalar():
            conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()
    engine = create_engine(target)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


def bulk_comments(app, draft_id: int, n: int) -> None:
    """n comments inserted in batches (what the export reads), plus a staff account to request it."""
    from sqlalchemy import insert

    from consult.accounts.services import create_user
    from consult.comments.models import Comment
    from consult.database import utcnow
    from consult.drafts.models import Draft
    from consult.extensions import db

    with app.app_context():
        draft = db.session.get(Draft, draft_id)
        version = draft.versions[-1]
        articles = [a.id for a in version.articles]
        now = utcnow()
        for start in range(0, n, 5000):
            db.session.execute(insert(Comment), [dict(
                draft_id=draft_id, version_id=version.id, anchor_kind="article",
                article_id=articles[i % len(articles)], body=f"导出压测第{i}条意见：建议细化第{i % 40}项规定。",
                reason="", proposed_text="", channel="online", commenter_name="", commenter_category="citizen",
                moderation_state="published", receipt_code=f"X{i:08d}", created_at=now, updated_at=now,
                submitted_on=now.date()) for i in range(start, min(n, start + 5000))])
        create_user("benchstaff", "bench-password-1", "staff")
        db.session.commit()
        db.session.remove()


def servers_run(args, tmp: Path) -> dict:
    """Two app servers on PostgreSQL + Redis; the same load on one server as the baseline; a burst with
    and without a 100,000-comment export running on a job worker."""
    import redis

    from consult import create_app
    from consult.exports import jobs
    from consult.exports.models import ExportJob
    from consult.extensions import db

    url = args.database_url
    fresh_postgres(url)
    redis.Redis.from_url(REDIS_URL).flushdb()
    draft_id = prepare_database(url, str(tmp / "unused-index"))
    env = dict(os.environ, DATABASE_URL=url, SEARCH_BACKEND="postgres", SEARCH_INDEXING="inline",
               JOB_QUEUE="rq", JOB_QUEUE_URL=REDIS_URL, EXPORT_STORAGE="database",
               RATELIMIT_STORAGE_URI=REDIS_URL, SECRET_KEY="bench-submit", COMMENT_RATE_LIMIT="1000000 per minute",
               PYTHONPATH=str(PROJECT_ROOT))
    processes, ports = [], []
    try:
        for name in ("a", "b"):
            folder = tmp / f"server-{name}"
            folder.mkdir()
            port = free_port()
            processes.append(start_gunicorn(port, args.workers, dict(
                env, EXPORT_DIR=str(folder / "exports"), SEARCH_INDEX_DIR=str(folder / "index"))))
            ports.append(port)
        path = f"/comments/new/{draft_id}?anchor=12"
        one = load(ports[:1], path, args.size, args.clients)
        two = load(ports, path, args.size, args.clients, first=args.size)
        quiet = load(ports, path, 100, args.clients, first=2 * args.size)
        bulk_comments(create_app(dict(quiet_config(url, str(tmp / "unused-index")))), draft_id, args.export_size)
        worker_dir = tmp / "worker"
        worker_dir.mkdir()
        log = open(worker_dir / "worker.log", "wb")  # noqa: SIM115 - closed with the temporary folder
        processes.append(subprocess.Popen([str(Path(sys.executable).parent / "consult"), "worker"], cwd=worker_dir,
                                          env=dict(env, EXPORT_DIR=str(worker_dir / "exports")),
                                          stdout=log, stderr=subprocess.STDOUT))
        app = create_app(dict(quiet_config(url, str(tmp / "unused-index")), JOB_QUEUE="rq",
                              JOB_QUEUE_URL=REDIS_URL, EXPORT_STORAGE="database"))
        with app.app_context():
            from consult.accounts.models import User
            from consult.drafts.models import Draft
            from consult.exports.services import start_export_job

            staff = db.session.scalar(db.select(User).where(User.username == "benchstaff"))
            job = start_export_job(db.session.get(Draft, draft_id), "summary", {}, actor=staff)
            db.session.commit()
            job_id = job.id
            export_started = time.perf_counter()
            jobs.launch(app, job_id)
            deadline = time.monotonic() + 120
            while db.session.get(ExportJob, job_id).status == "queued" and time.monotonic() < deadline:
                db.session.rollback()
                time.sleep(0.2)
            db.session.rollback()
            busy = load(ports, path, 100, args.clients, first=2 * args.size + 100)
            busy_status = db.session.get(ExportJob, job_id).status
            db.session.rollback()
            while db.session.get(ExportJob, job_id).status in ("queued", "running") and \
                    time.perf_counter() - export_started < 900:
                db.session.rollback()
                time.sleep(0.5)
            job = db.session.get(ExportJob, job_id)
            export_seconds, export_status = time.perf_counter() - export_started, job.status
            db.session.remove()
            db.engine.dispose()
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
    stored = count_comments(url, str(tmp / "unused-index"), draft_id) - args.export_size
    return {"one": one, "two": two, "quiet": quiet, "busy": busy, "busy_status": busy_status,
            "export_seconds": export_seconds, "export_status": export_status, "stored": stored,
            "sent": one["sent"] + two["sent"] + quiet["sent"] + busy["sent"]}


def servers_main(args) -> int:
    """Print the two-server figures and their JSON line; exit 1 unless stored = sent without errors."""
    with tempfile.TemporaryDirectory(prefix="bench-submit-", ignore_cleanup_errors=True) as tmp_name:
        r = servers_run(args, Path(tmp_name))
    one, two, quiet, busy = r["one"], r["two"], r["quiet"], r["busy"]
    print(f"one server  (baseline): {args.size} comments, {args.clients} clients, gunicorn -w {args.workers}: "
          f"{one['rate']:.1f} comments/s, p50 {one['p50_ms']:.1f} ms, p95 {one['p95_ms']:.1f} ms")
    print(f"two servers (ours):     {args.size} comments, {args.clients} clients split, gunicorn -w {args.workers} "
          f"each: {two['rate']:.1f} comments/s, p50 {two['p50_ms']:.1f} ms, p95 {two['p95_ms']:.1f} ms")
    print(f"100-comment burst on both servers: p95 {quiet['p95_ms']:.1f} ms without an export, "
          f"{busy['p95_ms']:.1f} ms while a {args.export_size}-comment summary export ran (job {r['busy_status']} "
          f"during the burst; {r['export_status']} after {r['export_seconds']:.0f} s)")
    errors = one["errors"] + two["errors"] + quiet["errors"] + busy["errors"]
    print(f"stored {r['stored']} of {r['sent']} sent; machine load average {os.getloadavg()[0]:.1f}")
    for error in errors[:5]:
        print(f"error: {error}")
    print(json.dumps({"name": "submit_servers", "size": args.size, "unit": "comments/s", "servers": 2,
                      "ours": round(two["rate"], 1), "baseline": round(one["rate"], 1),
                      "ratio": round(two["rate"] / one["rate"], 3), "p95_ms": round(two["p95_ms"], 1),
                      "baseline_p95_ms": round(one["p95_ms"], 1), "burst_p95_ms": round(quiet["p95_ms"], 1),
                      "burst_p95_ms_during_export": round(busy["p95_ms"], 1), "export_size": args.export_size,
                      "export_seconds": round(r["export_seconds"], 1), "export_status": r["export_status"],
                      "stored": r["stored"], "sent": r["sent"], "errors": len(errors), "clients": args.clients,
                      "workers": args.workers, "loadavg": round(os.getloadavg()[0], 1)}, ensure_ascii=False))
    return 1 if errors or r["stored"] != r["sent"] else 0


def web_run(size: int, workers: int, clients: int, indexing: str, tmp: Path) -> dict:
    """N comments POSTed by C clients to gunicorn with W workers; returns rate, latencies and counts."""
    db_url = f"sqlite:///{tmp}/web.db"
    index_dir = str(tmp / "web-index")
    draft_id = prepare_database(db_url, index_dir)
    port = free_port()
    env = dict(os.environ, DATABASE_URL=db_url, SEARCH_INDEX_DIR=index_dir, SEARCH_INDEXING=indexing,
               SECRET_KEY="bench-submit", COMMENT_RATE_LIMIT="1000000 per minute",
               EXPORT_DIR=str(tmp / "exports"), PYTHONPATH=str(PROJECT_ROOT))
    server = start_gunicorn(port, workers, env)
    try:
        path = f"/comments/new/{draft_id}?anchor=12"
        latencies: list[float] = []
        errors: list[str] = []
        barrier = threading.Barrier(clients + 1)
        shares = [size // clients + (1 if c < size % clients else 0) for c in range(clients)]
        threads, start_at = [], 0
        for share in shares:
            threads.append(threading.Thread(target=run_client, args=(port, path, share, start_at, latencies,
                                                                     errors, barrier)))
            start_at += share
        for thread in threads:
            thread.start()
        barrier.wait(timeout=120)
        started = time.perf_counter()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    stored = count_comments(db_url, index_dir, draft_id)
    quantiles = statistics.quantiles(latencies, n=100) if len(latencies) >= 2 else latencies * 99
    return {"rate": len(latencies) / elapsed, "elapsed": elapsed, "sent": len(latencies), "stored": stored,
            "errors": errors, "p50_ms": quantiles[49] * 1000, "p95_ms": quantiles[94] * 1000}


def main(argv=None) -> int:
    """Run the web benchmark and the service baseline; print a summary and a JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=500, help="comments to submit in total (default 500)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--clients", type=int, default=4, help="concurrent client threads (default 4)")
    parser.add_argument("--indexing", choices=("inline", "external"), default="inline",
                        help="SEARCH_INDEXING of the server (default inline, the demo setting)")
    parser.add_argument("--servers", type=int, choices=(1, 2), default=1,
                        help="2: two app servers on PostgreSQL + Redis (docs/DEPLOYMENT.md)")
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/bench_submit",
                        help="--servers 2: the PostgreSQL database (created if missing, then emptied)")
    parser.add_argument("--export-size", type=int, default=100_000,
                        help="--servers 2: comments in the export that runs during the burst")
    args = parser.parse_args(argv)
    if args.servers == 2:
        if args.clients == 4 and "--clients" not in (argv or sys.argv):
            args.clients = 16
        return servers_main(args)
    with tempfile.TemporaryDirectory(prefix="bench-submit-", ignore_cleanup_errors=True) as tmp_name:
        tmp = Path(tmp_name)
        web = web_run(args.size, args.workers, args.clients, args.indexing, tmp)
        baseline = service_baseline(args.size, tmp)
    print(f"web stack: {args.size} comments, {args.clients} clients, gunicorn -w {args.workers}, "
          f"indexing={args.indexing}: {web['rate']:.1f} comments/s over {web['elapsed']:.2f} s, "
          f"p50 {web['p50_ms']:.1f} ms, p95 {web['p95_ms']:.1f} ms")
    print(f"service baseline (one process, one commit per comment): {baseline:.1f} comments/s")
    print(f"stored {web['stored']} of {web['sent']} sent; machine load average {os.getloadavg()[0]:.1f}")
    for error in web["errors"][:5]:
        print(f"error: {error}")
    print(json.dumps({"name": "submit", "size": args.size, "unit": "comments/s",
                      "ours": round(web["rate"], 1),
                      "baseline": round(baseline, 1), "ratio": round(web["rate"] / baseline, 3),
                      "stored": web["stored"], "sent": web["sent"], "p50_ms": round(web["p50_ms"], 1),
                      "p95_ms": round(web["p95_ms"], 1), "workers": args.workers, "clients": args.clients,
                      "indexing": args.indexing, "errors": len(web["errors"]),
                      "loadavg": round(os.getloadavg()[0], 1)}, ensure_ascii=False))
    if web["errors"] or web["stored"] != web["sent"] or web["sent"] != args.size:
        print(f"FAILED: {len(web['errors'])} errors, stored {web['stored']}, sent {web['sent']}, "
              f"asked {args.size}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
