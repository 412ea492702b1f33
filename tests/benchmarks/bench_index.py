"""Benchmark: full index rebuild (comments/s), ours against a single-process bigram index built plainly.

Usage: python tests/benchmarks/bench_index.py [--size N] [--workdir DIR]
Ours = `consult.search.services.rebuild()`: every field, 2 forked worker processes that each read one half
of the comment ids from the database and write their own segment (no merge), drafts and articles in the
main process, swapped in as a new directory.
Baseline = the straightforward way: one process, one writer, the same bigram analyzer, body text only.
The last line printed is one JSON object.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import _data  # noqa: E402


def baseline(db, workdir: str) -> tuple[int, float]:
    """Single process: SELECT bodies, add_document each into a bigram-analysed field, one commit."""
    from sqlalchemy import text
    from whoosh import fields, index

    from consult.search.analysis import BigramAnalyzer

    path = os.path.join(workdir, "baseline_index")
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    schema = fields.Schema(id=fields.ID(stored=True, unique=True),
                           body=fields.TEXT(analyzer=BigramAnalyzer(), phrase=True))
    started = time.perf_counter()
    ix = index.create_in(path, schema)
    writer = ix.writer(limitmb=512)
    count = 0
    for comment_id, body in db.session.execute(text("SELECT id, body FROM comments")):
        writer.add_document(id=str(comment_id), body=body)
        count += 1
    writer.commit()
    return count, time.perf_counter() - started


def main() -> None:
    """Build the data, time both indexers, print the figures and a JSON line."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--workdir", default=None)
    args = parser.parse_args()
    workdir = args.workdir or tempfile.mkdtemp(prefix="bench_index_")
    app = _data.make_app(workdir)
    from consult.extensions import db
    from consult.search.services import rebuild

    with app.app_context():
        info = _data.build_database(db, args.size)
        print(f"data: {args.size} comments in {info['seconds']:.1f} s ({workdir})")
        started = time.perf_counter()
        docs = rebuild()
        ours_s = time.perf_counter() - started
        ours = args.size / ours_s
        print(f"ours:     rebuild {docs} documents ({args.size} comments) in {ours_s:.1f} s = {ours:.0f} comments/s")
        count, base_s = baseline(db, workdir)
        base = count / base_s
        print(f"baseline: single-process bigram index, {count} comments in {base_s:.1f} s = {base:.0f} comments/s")
    result = {"name": "bench_index", "size": args.size, "unit": "comments/s", "ours": round(ours),
              "baseline": round(base), "ratio": round(ours / base, 2), "target": 2000, "cpus": os.cpu_count()}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
