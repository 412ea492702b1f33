"""Benchmark: releasing the public report of a draft with N comments, and reading it.

Usage: python tests/benchmarks/bench_report.py [--size N]

On a file SQLite database with the 53-article sample draft and N synthetic comments (tests/benchmarks/
_data.py; about half counted: published online comments and meeting records), every counted one decided:
  ours      — `release_report`: the snapshot of every counted comment's decision in batched INSERTs;
  baseline  — the same snapshot the plain ORM way: one `ReleasedDecision` object per comment added to
              the session and flushed (in a transaction rolled back afterwards);
also timed: the public report page, the participation page and all its charts, and the full CSV and
JSON downloads through the test client (streamed in keyset-paged chunks), with peak memory (ru_maxrss).
The last line is one JSON object; ratio = ours / baseline (below 1: faster).
"""
from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from tests.benchmarks._data import build_database, make_app  # noqa: E402


def _decide_all(db, draft_id: int) -> int:
    from sqlalchemy import select, update

    from consult.comments.models import Comment

    rng = random.Random(3)
    ids = list(db.session.scalars(select(Comment.id).where(Comment.draft_id == draft_id)))
    codes = ["adopted", "partly_adopted", "not_adopted", "under_study", None]
    for code in codes:
        chosen = [i for i in ids if rng.random() < 0.2]
        db.session.execute(update(Comment).where(Comment.id.in_(chosen)).values(
            decision=code, decision_reason="已在相关条款中体现。" if code else ""))
    db.session.commit()
    return len(ids)


def _baseline_snapshot(db, draft) -> float:
    from sqlalchemy import select

    from consult.comments.models import Comment
    from consult.report.models import ReleasedDecision
    from consult.report.services import COUNTED_STATES

    started = time.perf_counter()
    for comment in db.session.scalars(select(Comment).where(Comment.draft_id == draft.id,
                                                            Comment.moderation_state.in_(COUNTED_STATES))):
        db.session.add(ReleasedDecision(comment_id=comment.id, draft_id=draft.id, decision=comment.decision,
                                        reason=comment.decision_reason or "", changed_in=1))
    db.session.flush()
    seconds = time.perf_counter() - started
    db.session.rollback()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=100_000)
    args = parser.parse_args()
    from consult.drafts.models import Draft
    from consult.drafts.services import close_draft
    from consult.extensions import db
    from consult.report.services import release_report

    with tempfile.TemporaryDirectory() as workdir:
        app = make_app(workdir)
        with app.app_context():
            built = build_database(db, args.size)
            _decide_all(db, built["draft_id"])
            draft = db.session.get(Draft, built["draft_id"])
            close_draft(draft)
            db.session.commit()
            baseline = _baseline_snapshot(db, draft)
            started = time.perf_counter()
            release = release_report(draft, None)
            db.session.commit()
            ours = time.perf_counter() - started
            counted = release.comment_count
            db.session.remove()
        client = app.test_client()
        timings = {}
        for name, path in (("report_page_s", ""), ("participation_page_s", "/participation"),
                           ("csv_s", "/comments.csv"), ("json_s", "/comments.json")):
            started = time.perf_counter()
            response = client.get(f"/report/drafts/{built['draft_id']}{path}")
            body = response.get_data()
            timings[name] = round(time.perf_counter() - started, 3)
            assert response.status_code == 200, (path, response.status_code)
            if name == "csv_s":
                timings["csv_mb"] = round(len(body) / 1e6, 1)
                assert body.count(b"\n") == counted + 1
        started = time.perf_counter()
        for chart in ("decision", "channel", "district", "article", "time"):
            assert client.get(f"/report/drafts/{built['draft_id']}/charts/{chart}.svg").status_code == 200
        timings["charts_s"] = round(time.perf_counter() - started, 3)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"release of {counted} counted comments: ours {ours:.2f} s, ORM objects {baseline:.2f} s; {timings}")
    print(json.dumps({"name": "report", "size": args.size, "unit": "s", "ours": round(ours, 3),
                      "baseline": round(baseline, 3), "ratio": round(ours / baseline, 3) if baseline else None,
                      "counted": counted, "peak_mb": round(peak), **timings}))


if __name__ == "__main__":
    main()
