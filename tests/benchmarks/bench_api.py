"""Benchmark: comment submissions through the JSON API against the same submissions through the HTML form.

Usage: python tests/benchmarks/bench_api.py [--size N] [--workers W] [--clients C]

Starts the app under gunicorn with W workers on a temporary SQLite database (migrated, a published draft
and an API token with the comments:submit scope, made through the services), then in the same run:

- baseline: C client threads fetch the comment form once (CSRF token and session cookie, like a browser)
  and POST N comments in total to it (latency = the POST and its 303 answer);
- ours: C client threads POST the same N comments as JSON to /api/v1/drafts/<id>/comments with the token
  and one Idempotency-Key per comment (what a careful client sends), expecting 201 and a receipt code.

Both go through the same comment service, rules and rate limiting (limits set high enough that no run
reaches them). Reports comments/s and p50/p95 latency of each and checks that the comments stored equal
the comments sent after each phase (exit status 1 if not). The last line is one JSON object.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from tests.benchmarks.bench_submit import (  # noqa: E402
    ANCHORS, Client, comment_form, count_comments, free_port, page_errors, prepare_database, quiet_config,
    start_gunicorn)


def make_token(db_url: str, index_dir: str) -> str:
    """An API token allowed to submit comments; returns its secret."""
    from consult import create_app
    from consult.api.services import create_token
    from consult.extensions import db

    app = create_app(quiet_config(db_url, index_dir))
    with app.app_context():
        _token, secret = create_token("bench", ["comments:submit"], actor=None)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return secret


def form_client(port, path, count, start_at, latencies, errors, barrier) -> None:
    """Fetch the form once (CSRF token + session), then POST `count` comments and time each POST."""
    client = Client(port)
    status, _, html = client.request("GET", path)
    if status != 200:
        errors.append(f"GET {path} answered {status}")
        barrier.abort()
        return
    form = comment_form(html)
    fields, action = dict(form["fields"]), form["action"] or path
    try:
        barrier.wait(timeout=120)
    except threading.BrokenBarrierError:
        return
    for i in range(count):
        n = start_at + i
        data = dict(fields, anchor=ANCHORS[n % len(ANCHORS)], body=f"压测第{n}条意见：建议增加无障碍设施。")
        started = time.perf_counter()
        status, response, text = client.request("POST", action, urlencode(data))
        latencies.append(time.perf_counter() - started)
        if status not in (302, 303) or "/comments/new" in (response.getheader("Location") or ""):
            errors.append(f"form POST {n} answered {status}: {page_errors(text)}")


def api_client(port, path, secret, count, start_at, latencies, errors, barrier) -> None:
    """POST `count` comments as JSON with the token, one Idempotency-Key each; time each POST."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        barrier.wait(timeout=120)
    except threading.BrokenBarrierError:
        return
    for i in range(count):
        n = start_at + i
        body = json.dumps({"anchor": ANCHORS[n % len(ANCHORS)], "body": f"压测第{n}条意见：建议增加无障碍设施。"})
        headers = {"Authorization": f"Bearer {secret}", "Content-Type": "application/json",
                   "Idempotency-Key": f"bench-api-{n:08d}"}
        started = time.perf_counter()
        for attempt in (1, 2):
            try:
                conn.request("POST", path, body=body.encode(), headers=headers)
                response = conn.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                conn.close()  # a retry is safe: the Idempotency-Key makes it the same submission
                if attempt == 2:
                    raise
        latencies.append(time.perf_counter() - started)
        if response.status != 201 or "receipt_code" not in text:
            errors.append(f"API POST {n} answered {response.status}: {text[:200]}")
        if response.getheader("Connection", "").lower() == "close":
            conn.close()


def warm_up(port: int, draft_id: int, workers: int) -> None:
    """Let every worker load both paths once, so neither phase pays for the other's first requests."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for _ in range(10 * workers):
        for path in (f"/comments/new/{draft_id}", f"/api/v1/drafts/{draft_id}/articles/12"):
            conn.request("GET", path)
            conn.getresponse().read()
    conn.close()


def phase(target, args_for, size: int, clients: int) -> dict:
    """Run `clients` threads sharing `size` submissions; rate and latency quantiles."""
    latencies: list[float] = []
    errors: list[str] = []
    barrier = threading.Barrier(clients + 1)
    shares = [size // clients + (1 if c < size % clients else 0) for c in range(clients)]
    threads, start_at = [], 0
    for share in shares:
        threads.append(threading.Thread(target=target, args=(*args_for(share, start_at), latencies, errors,
                                                             barrier)))
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


def main(argv=None) -> int:
    """Form phase, then API phase, against one server; print a summary and a JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=500, help="comments per phase (default 500)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-api-", ignore_cleanup_errors=True) as tmp_name:
        tmp = Path(tmp_name)
        db_url, index_dir = f"sqlite:///{tmp}/api.db", str(tmp / "index")
        draft_id = prepare_database(db_url, index_dir)
        secret = make_token(db_url, index_dir)
        port = free_port()
        env = dict(os.environ, DATABASE_URL=db_url, SEARCH_INDEX_DIR=index_dir, SEARCH_INDEXING="external",
                   SECRET_KEY="bench-api", COMMENT_RATE_LIMIT="1000000 per minute",
                   API_COMMENT_RATE_LIMIT="1000000 per minute", EXPORT_DIR=str(tmp / "exports"),
                   PYTHONPATH=str(PROJECT_ROOT))
        server = start_gunicorn(port, args.workers, env)
        try:
            warm_up(port, draft_id, args.workers)
            form = phase(form_client, lambda share, start: (port, f"/comments/new/{draft_id}", share, start),
                         args.size, args.clients)
            form["stored"] = count_comments(db_url, index_dir, draft_id)
            api = phase(api_client, lambda share, start: (port, f"/api/v1/drafts/{draft_id}/comments", secret,
                                                          share, start + args.size), args.size, args.clients)
            api["stored"] = count_comments(db_url, index_dir, draft_id) - form["stored"]
        finally:
            server.terminate()
            server.wait(timeout=30)
    for name, run in (("HTML form (baseline)", form), ("JSON API (ours)", api)):
        print(f"{name}: {run['sent']} comments, {args.clients} clients, gunicorn -w {args.workers}: "
              f"{run['rate']:.1f} comments/s over {run['elapsed']:.2f} s, p50 {run['p50_ms']:.1f} ms, "
              f"p95 {run['p95_ms']:.1f} ms, stored {run['stored']}")
        for error in run["errors"][:5]:
            print(f"error: {error}")
    print(f"machine load average {os.getloadavg()[0]:.1f}")
    print(json.dumps({"name": "api", "size": args.size, "unit": "comments/s", "ours": round(api["rate"], 1),
                      "baseline": round(form["rate"], 1), "ratio": round(api["rate"] / form["rate"], 3),
                      "p95_ms": round(api["p95_ms"], 1), "baseline_p95_ms": round(form["p95_ms"], 1),
                      "p50_ms": round(api["p50_ms"], 1), "baseline_p50_ms": round(form["p50_ms"], 1),
                      "sent": api["sent"], "stored": api["stored"], "baseline_sent": form["sent"],
                      "baseline_stored": form["stored"], "workers": args.workers, "clients": args.clients,
                      "errors": len(form["errors"]) + len(api["errors"]),
                      "loadavg": round(os.getloadavg()[0], 1)}, ensure_ascii=False))
    bad = [(n, r) for n, r in (("form", form), ("api", api))
           if r["errors"] or r["stored"] != r["sent"] or r["sent"] != args.size]
    if bad:
        for name, run in bad:
            print(f"FAILED {name}: {len(run['errors'])} errors, stored {run['stored']}, sent {run['sent']}, "
                  f"asked {args.size}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
