"""Benchmark: grouped staff search latency (p50/p95), ours against SQL LIKE and SQLite FTS5 trigram.

Usage: python tests/benchmarks/bench_search.py [--size N] [--repeat R] [--workdir DIR]
                                              [--backend whoosh|postgres] [--database-url URL]
Each query (2–4 characters, fixed set) returns the grouped counts (every group, every id, text order)
plus the top 20 comments highlighted. Ours = `search_comments(per_group=0, top=20)`, what the staff search page asks (one index search for both).
`--backend postgres` also loads the same comments (same seed) into PostgreSQL (`--database-url`, default
postgresql://postgres@127.0.0.1:5432/bench_search, created if missing; its tables are replaced) with
SEARCH_BACKEND=postgres, and reports that backend as "ours", the Whoosh backend beside it, and FTS5
trigram as the baseline.
Baselines on the same SQLite file in the same run:
* LIKE: GROUP BY count with body/reason/proposed_text LIKE '%q%', then 20 rows highlighted;
* FTS5 trigram (the fastest exact method measured; needs ≥ 3 characters, so 2-character queries fall
  back to LIKE): the same grouped count + 20 rows.
The last line printed is one JSON object.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import _data  # noqa: E402

GROUP_SQL = ("SELECT c.version_id, c.anchor_kind, c.article_id, count(*), group_concat(c.id) FROM comments c "
             "WHERE c.draft_id = :d AND ({where}) GROUP BY c.version_id, c.anchor_kind, c.article_id")
TOP_SQL = "SELECT c.id, c.body FROM comments c WHERE c.draft_id = :d AND ({where}) ORDER BY c.id LIMIT 20"
LIKE_WHERE = "c.body LIKE :p OR c.reason LIKE :p OR c.proposed_text LIKE :p"
FTS_WHERE = "c.id IN (SELECT rowid FROM comments_fts WHERE comments_fts MATCH :m)"


def timed(fn, queries, repeat):
    times = {}
    for _ in range(repeat):
        for q in queries:
            started = time.perf_counter()
            fn(q)
            times.setdefault(q, []).append((time.perf_counter() - started) * 1000)
    flat = [t for ts in times.values() for t in ts]
    return flat, {q: statistics.median(ts) for q, ts in times.items()}


def summary(name, flat):
    p50, p95 = _data.percentile(flat, 50), _data.percentile(flat, 95)
    print(f"{name:<34} p50 {p50:8.1f} ms   p95 {p95:8.1f} ms   max {max(flat):8.1f} ms")
    return p50, p95


def main() -> None:
    """Build data + index, run the query set against each method, print figures and a JSON line."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--workdir", default=None)
    parser.add_argument("--backend", choices=("whoosh", "postgres"), default="whoosh")
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/bench_search")
    args = parser.parse_args()
    workdir = args.workdir or tempfile.mkdtemp(prefix="bench_search_")
    app = _data.make_app(workdir)
    from sqlalchemy import text

    from consult.extensions import db
    from consult.search.highlight import highlight
    from consult.search.queries import search_comments
    from consult.search.services import rebuild

    queries = _data.QUERIES
    with app.app_context():
        info = _data.build_database(db, args.size)
        draft_id = info["draft_id"]
        started = time.perf_counter()
        rebuild()
        print(f"data: {args.size} comments ({info['seconds']:.0f} s), index rebuilt in "
              f"{time.perf_counter() - started:.0f} s; {len(queries)} queries × {args.repeat}")
        db.session.execute(text("CREATE VIRTUAL TABLE comments_fts USING fts5(body, tokenize='trigram', "
                                "content='comments', content_rowid='id')"))
        db.session.execute(text("INSERT INTO comments_fts(comments_fts) VALUES('rebuild')"))
        db.session.commit()
        conn = db.session.connection()

        def ours(q):
            results = search_comments(q, draft_id=draft_id, per_group=0, top=20)
            return results.total, len(results.top)

        def sql(where, params, q):
            groups = conn.execute(text(GROUP_SQL.format(where=where)), params).all()
            rows = conn.execute(text(TOP_SQL.format(where=where)), params).all()
            snippets = [highlight(body, [q]) for _, body in rows]
            return sum(g[3] for g in groups), len(snippets)

        def like(q):
            return sql(LIKE_WHERE, {"d": draft_id, "p": f"%{q}%"}, q)

        def fts(q):
            if len(q) < 3:
                return like(q)
            return sql(FTS_WHERE, {"d": draft_id, "m": '"' + q.replace('"', '""') + '"'}, q)

        for fn in (ours, like, fts):  # warm-up: caches, jieba dictionary, searcher
            for q in queries:
                fn(q)
        counts = {q: (ours(q)[0], like(q)[0], fts(q)[0]) for q in queries}
        print("matches per query (ours / LIKE / FTS5):",
              ", ".join(f"{q}={o}/{l}/{f}" for q, (o, l, f) in counts.items()))
        ours_flat, ours_med = timed(ours, queries, args.repeat)
        like_flat, _ = timed(like, queries, args.repeat)
        fts_flat, _ = timed(fts, queries, args.repeat)
        long_queries = [q for q in queries if len(q) >= 3]
        fts3_flat, _ = timed(fts, long_queries, args.repeat)
        ours3_flat, _ = timed(ours, long_queries, args.repeat)
        o50, o95 = summary("ours (Whoosh, grouped + top 20)", ours_flat)
        l50, l95 = summary("LIKE '%q%'", like_flat)
        f50, f95 = summary("FTS5 trigram (LIKE for 2 chars)", fts_flat)
        o3_50, o3_95 = summary("ours, 3–4 char queries only", ours3_flat)
        f3_50, f3_95 = summary("FTS5 trigram, 3–4 char queries", fts3_flat)
        print("ours median per query (ms):", ", ".join(f"{q}={t:.0f}" for q, t in ours_med.items()))
    if args.backend == "postgres":
        pg = postgres_figures(args, queries, long_queries, counts)
        result = {"name": "bench_search", "backend": "postgres", "size": args.size, "unit": "ms p95",
                  "ours": round(pg["p95"], 1), "baseline": round(f95, 1), "ratio": round(pg["p95"] / f95, 2),
                  "ours_p50": round(pg["p50"], 1), "fts5_p50": round(f50, 1), "whoosh_p50": round(o50, 1),
                  "whoosh_p95": round(o95, 1), "like_p95": round(l95, 1),
                  "ours_3plus_p95": round(pg["p95_3plus"], 1), "fts5_3plus_p95": round(f3_95, 1),
                  "whoosh_3plus_p95": round(o3_95, 1), "ratio_vs_fts5_3plus": round(pg["p95_3plus"] / f3_95, 2),
                  "index_seconds": round(pg["index_seconds"], 1), "target_p95_ms": 100}
        print(json.dumps(result, ensure_ascii=False))
        return
    result = {"name": "bench_search", "size": args.size, "unit": "ms p95", "ours": round(o95, 1),
              "baseline": round(l95, 1), "ratio": round(o95 / l95, 2), "ours_p50": round(o50, 1),
              "like_p50": round(l50, 1), "fts5_p50": round(f50, 1), "fts5_p95": round(f95, 1),
              "ours_3plus_p95": round(o3_95, 1), "fts5_3plus_p95": round(f3_95, 1),
              "ratio_vs_fts5_3plus": round(o3_95 / f3_95, 1), "target_p95_ms": 150}
    print(json.dumps(result, ensure_ascii=False))


def postgres_figures(args, queries, long_queries, expected) -> dict:
    """Load the same comments into PostgreSQL, index them with the postgres backend, time the query set."""
    import psycopg
    from sqlalchemy.engine import make_url

    from consult.extensions import db
    from consult.search.queries import search_comments
    from consult.search.services import rebuild

    url = make_url(args.database_url)
    admin = url.set(database="postgres").render_as_string(hide_password=False).replace("+psycopg", "")
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (url.database,)).fetchone():
            conn.execute(f'CREATE DATABASE "{url.database}"')
    workdir = tempfile.mkdtemp(prefix="bench_search_pg_")
    from consult import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database_url, "SEARCH_BACKEND": "postgres",
                      "SEARCH_INDEX_DIR": os.path.join(workdir, "index"), "SEARCH_INDEXING": "external",
                      "RATELIMIT_ENABLED": False, "SECRET_KEY": "bench"})
    with app.app_context():
        db.drop_all()
        db.create_all()
        info = _data.build_database(db, args.size)
        draft_id = info["draft_id"]
        started = time.perf_counter()
        rebuild()
        index_seconds = time.perf_counter() - started
        print(f"postgres: {args.size} comments loaded ({info['seconds']:.0f} s), indexed in {index_seconds:.0f} s "
              f"({args.size / max(index_seconds, 1e-9):.0f} comments/s)")

        def ours(q):
            results = search_comments(q, draft_id=draft_id, per_group=0, top=20)
            return results.total, len(results.top)

        for q in queries:
            total = ours(q)[0]
            if total != expected[q][0]:
                raise SystemExit(f"postgres backend found {total} for {q!r}, Whoosh {expected[q][0]}")
        flat, _ = timed(ours, queries, args.repeat)
        flat3, _ = timed(ours, long_queries, args.repeat)
        p50, p95 = summary("ours (PostgreSQL backend)", flat)
        _, p95_3 = summary("ours (PostgreSQL), 3–4 char queries", flat3)
        db.session.remove()
        db.engine.dispose()
    return {"p50": p50, "p95": p95, "p95_3plus": p95_3, "index_seconds": index_seconds}


if __name__ == "__main__":
    main()
