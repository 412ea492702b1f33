"""Benchmark: time from a committed comment to searchable, under concurrent submissions.

Usage: python tests/benchmarks/bench_fresh.py [--size N] [--writers W] [--per-writer M] [--workdir DIR]
An index of N comments is built first. Then W processes each submit M comments through
`enter_comment` (one commit each, a short pause between) and record the commit time. An observer polls the
index every 20 ms and records when each new comment becomes visible.
* ours: SEARCH_INDEXING=inline — the commit wakes the process's background indexer (outbox, batches).
* baseline: the submitting request itself indexes its comment right after commit (writer with a lock
  timeout, one index commit per comment), so the freshness is immediate but the submitter waits.
Both report freshness p50/p95 and the submit latency p95. The last line printed is one JSON object.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, ROOT)
sys.path.insert(0, HERE)

import _data  # noqa: E402

WRITER = textwrap.dedent('''
    import json, sys, time
    from consult import create_app
    from consult.extensions import db
    from consult.accounts.models import User
    from consult.contact_points.models import ContactPoint
    from consult.comments.services import enter_comment
    from consult.drafts.models import Draft

    uri, index_dir, mode, worker, count, out = sys.argv[1:7]
    app = create_app({"SQLALCHEMY_DATABASE_URI": uri, "SEARCH_INDEX_DIR": index_dir, "RATELIMIT_ENABLED": False,
                      "SEARCH_INDEXING": "inline" if mode == "ours" else "external", "SECRET_KEY": "x"})
    records = []
    with app.app_context():
        draft = db.session.query(Draft).first()
        point = db.session.query(ContactPoint).first()
        staff = db.session.query(User).filter_by(role="staff").first()
        for i in range(int(count)):
            started = time.time()
            c = enter_comment(draft, contact_point=point, anchor=str(1 + i % 50), body=f"新鲜度测试{worker}之{i}号意见",
                              actor=staff)
            db.session.commit()
            committed = time.time()
            if mode == "baseline":
                from consult.search.documents import load_documents
                from consult.search.services import current_backend
                docs = load_documents(db.session, "comment", [c.id])
                current_backend().index_documents(docs)
                outbox = __import__("consult.outbox", fromlist=["x"]).SearchOutbox
                # only this comment's rows: rows other processes left queued must survive for the final sync
                db.session.query(outbox).filter(outbox.entity == "comment", outbox.entity_id == c.id).delete()
                db.session.commit()
            records.append({"id": c.id, "committed": committed, "submit_ms": (time.time() - started) * 1000})
            time.sleep(0.05)
        time.sleep(3 if mode == "ours" else 0)  # let the background indexer finish before exiting
    with open(out, "w") as handle:
        json.dump(records, handle)
''')


def run_mode(app, uri, index_dir, workdir, mode, writers, per_writer):
    """Start the writers, observe the index, return (freshness list ms, submit latency list ms)."""
    from consult.search.services import current_backend

    script = os.path.join(workdir, "writer.py")
    with open(script, "w", encoding="utf-8") as handle:
        handle.write(WRITER)
    env = dict(os.environ, PYTHONPATH=ROOT)
    outs = [os.path.join(workdir, f"{mode}-{w}.json") for w in range(writers)]
    seen: dict[int, float] = {}
    with app.app_context():
        backend = current_backend()
        base = max([0, *backend.arrays(backend.searcher()).eid])
        procs = [subprocess.Popen([sys.executable, script, uri, index_dir, mode, str(w), str(per_writer), outs[w]],
                                  env=env) for w in range(writers)]
        while any(p.poll() is None for p in procs):
            searcher = backend.searcher()
            now = time.time()
            for eid in backend.arrays(searcher).eid:  # column arrays, re-read only for new segments
                if eid > base:
                    seen.setdefault(eid, now)
            time.sleep(0.02)
    records = [r for out in outs for r in json.load(open(out))]
    fresh = [(seen[r["id"]] - r["committed"]) * 1000 for r in records if r["id"] in seen]
    missing = sum(1 for r in records if r["id"] not in seen)
    return fresh, [r["submit_ms"] for r in records], missing


def main() -> None:
    """Build data and index, run both modes, print figures and a JSON line."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--per-writer", type=int, default=50)
    parser.add_argument("--workdir", default=None)
    args = parser.parse_args()
    workdir = args.workdir or tempfile.mkdtemp(prefix="bench_fresh_")
    app = _data.make_app(workdir)
    from consult.accounts.services import create_user
    from consult.extensions import db
    from consult.search.services import rebuild, verify

    with app.app_context():
        _data.build_database(db, args.size)
        create_user("benchstaff", "password123", "staff")
        db.session.commit()
        rebuild()
        uri, index_dir = app.config["SQLALCHEMY_DATABASE_URI"], app.config["SEARCH_INDEX_DIR"]
        db.engine.dispose()
    results = {}
    for mode in ("ours", "baseline"):
        fresh, submit, missing = run_mode(app, uri, index_dir, workdir, mode, args.writers, args.per_writer)
        results[mode] = (_data.percentile(fresh, 50), _data.percentile(fresh, 95), _data.percentile(submit, 95),
                         missing)
        print(f"{mode:<9} freshness p50 {results[mode][0]:7.0f} ms  p95 {results[mode][1]:7.0f} ms   "
              f"submit p95 {results[mode][2]:6.0f} ms   not seen by observer: {missing}")
    with app.app_context():
        from consult.search.services import sync_pending

        sync_pending()
        report = verify()
        print(f"verify after both runs: ok={report['ok']} documents={report['documents']}")
    ours, base = results["ours"], results["baseline"]
    print(json.dumps({"name": "bench_fresh", "size": args.size, "unit": "ms p95 commit→searchable",
                      "ours": round(ours[1]), "baseline": round(base[1]), "ratio": round(ours[1] / max(base[1], 1e-9), 2),
                      "ours_p50": round(ours[0]), "ours_submit_p95_ms": round(ours[2]),
                      "baseline_submit_p95_ms": round(base[2]), "writers": args.writers,
                      "comments": args.writers * args.per_writer, "verify_ok": report["ok"], "target_ms": 2000}))


if __name__ == "__main__":
    main()
