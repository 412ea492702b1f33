"""Benchmark: key terms and clusters (意见主题) for every article of a draft with N comments, against a plain
baseline, each in its own subprocess (time and peak memory belong to that computation alone).

Usage: python tests/benchmarks/bench_themes.py [--size N] [--workdir DIR]

Data: the sample draft (53 articles) plus N comments in a SQLite file. Comments are spread over the
articles and the three non-article sections with a skewed (Zipf 0.8) distribution, as real drafts draw
most comments on a few articles (the busiest gets ~10 %: past 2,000 comments the clustering samples). Each
section gets 3 topics drawn from the 24 of tests/themes/corpus.py (so a topic recurs across articles); a
comment is a paraphrase of its topic, half of them followed by an unrelated clause of the sample
comments, and 8 % are pure noise (random clauses, no topic).

  ours      — `consult review themes`' work: `start_run` + `run_job` (load the comments, the analysis of
              consult/themes/analysis.py per article, store key terms, clusters and memberships).
  baseline  — what one would do without it: load the same comments, scikit-learn TfidfVectorizer (character
              2–3-grams, sublinear tf, min_df=2) and KMeans over all comments at once, k = the true number
              of planted (section, topic) pairs (a generous choice the baseline cannot know), top centroid
              n-grams per cluster as its "key terms". Nothing stored.
Both report the adjusted Rand index of their clusters against the planted (section, topic) labels over the
topical comments (a comment no cluster took is its own singleton). The last line is one JSON object.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from tests.benchmarks import _data  # noqa: E402
from tests.themes.corpus import TOPICS, comment  # noqa: E402

NOISE = 0.08
TOPICS_PER_SECTION = 3


def build(workdir: Path, n: int, seed: int = 5) -> dict:
    """The SQLite database with n topical comments; writes truth.json (comment id → label or null)."""
    from sqlalchemy import insert, select

    from consult.comments.models import Comment
    from consult.database import utcnow
    from consult.extensions import db

    app = _data.make_app(str(workdir))
    rng = random.Random(seed)
    pool = _data.clauses()
    with app.app_context():
        from consult.drafts.services import import_draft, publish_draft

        text = (PROJECT_ROOT / "drafts" / "tourism_promotion_draft.txt").read_bytes()
        version = import_draft(text, "tourism_promotion_draft.txt")
        now = utcnow()
        publish_draft(version.draft, now - timedelta(days=1), now + timedelta(days=30))
        db.session.commit()
        sections = [("article", a.id) for a in version.articles] + [("general", None), ("title", None),
                                                                    ("new_article", None)]
        rng.shuffle(sections)
        weights = [1 / (rank + 1) ** 0.8 for rank in range(len(sections))]
        topics = {s: rng.sample(range(len(TOPICS)), TOPICS_PER_SECTION) for s in sections}
        rows, truth = [], []
        for i in range(n):
            section = rng.choices(sections, weights)[0]
            if rng.random() < NOISE:
                body, label = "，".join(rng.sample(pool, 2)) + "。", None
            else:
                topic = rng.choice(topics[section])
                body = comment(TOPICS[topic], rng)
                if rng.random() < 0.5:
                    body += rng.choice(pool) + "。"
                label = f"{section[0]}:{section[1]}:{topic}"
            kind, article_id = section
            rows.append(dict(draft_id=version.draft.id, version_id=version.id, anchor_kind=kind,
                             article_id=article_id, body=body, reason="", proposed_text="", channel="online",
                             moderation_state="published", receipt_code=f"T{i:08d}", created_at=now,
                             updated_at=now))
            truth.append(label)
            if len(rows) >= 5000:
                db.session.execute(insert(Comment), rows)
                rows = []
        if rows:
            db.session.execute(insert(Comment), rows)
        db.session.commit()
        ids = list(db.session.scalars(select(Comment.id).order_by(Comment.id)))
        (workdir / "truth.json").write_text(json.dumps(dict(zip(map(str, ids), truth))))
        return {"draft_id": version.draft.id, "labels": len({t for t in truth if t})}


def _app(workdir: Path):
    from consult import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'bench.db'}",
                       "SEARCH_INDEX_DIR": str(workdir / "index"), "SEARCH_INDEXING": "external",
                       "RATELIMIT_ENABLED": False, "SECRET_KEY": "bench"})


def _ari(workdir: Path, predicted: dict[int, object]) -> float:
    from sklearn.metrics import adjusted_rand_score

    truth = json.loads((workdir / "truth.json").read_text())
    pairs = [(label, predicted.get(int(cid), f"alone-{cid}")) for cid, label in truth.items() if label]
    return round(float(adjusted_rand_score([a for a, _ in pairs], [str(b) for _, b in pairs])), 4)


def child_ours(workdir: Path, draft_id: int) -> dict:
    """The themes analysis through the database, as `consult review themes DRAFT_ID` runs it."""
    app = _app(workdir)
    with app.app_context():
        from sqlalchemy import func, select

        from consult.drafts.models import Draft
        from consult.extensions import db
        from consult.themes.jobs import run_job
        from consult.themes.models import KeyTerm, Theme, ThemeMember
        from consult.themes.services import start_run

        started, cpu = time.perf_counter(), time.process_time()
        run = start_run(db.session.get(Draft, draft_id), actor=None)
        db.session.commit()
        run = run_job(run.id)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        assert run.status == "done", run.error
        members = dict(db.session.execute(select(ThemeMember.comment_id, ThemeMember.theme_id)).all())
        figures = {"seconds": seconds, "cpu": cpu, "ari": _ari(workdir, members),
                   "themes": db.session.scalar(select(func.count(Theme.id))),
                   "key_terms": db.session.scalar(select(func.count(KeyTerm.id))),
                   "clustered": len(members), "comments": run.comments, "analysis_s": run.seconds}
    figures["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return figures


def child_baseline(workdir: Path, draft_id: int, k: int) -> dict:
    """TF-IDF (character n-grams) + k-means over all comments at once."""
    app = _app(workdir)
    with app.app_context():
        import numpy as np
        from sklearn.cluster import KMeans
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sqlalchemy import select

        from consult.comments.models import Comment
        from consult.extensions import db

        started, cpu = time.perf_counter(), time.process_time()
        rows = db.session.execute(select(Comment.id, Comment.body).where(Comment.draft_id == draft_id)
                                  .order_by(Comment.id)).all()
        ids, texts = [r[0] for r in rows], [r[1] for r in rows]
        vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(2, 3), min_df=2, sublinear_tf=True,
                                     dtype=np.float32)
        matrix = vectorizer.fit_transform(texts)
        model = KMeans(n_clusters=min(k, len(texts)), n_init=1, random_state=0).fit(matrix)
        names = vectorizer.get_feature_names_out()
        terms = [[names[j] for j in np.argsort(-centre)[:10]] for centre in model.cluster_centers_]
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        labels = dict(zip(ids, model.labels_.tolist()))
        figures = {"seconds": seconds, "cpu": cpu, "ari": _ari(workdir, labels), "clusters": len(terms)}
    figures["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return figures


def _child(kind: str, workdir: Path, draft_id: int, k: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", kind, "--workdir", str(workdir),
                          "--draft", str(draft_id), "--k", str(k)], capture_output=True, text=True)
    if out.returncode != 0:
        sys.stderr.write(out.stderr)
        raise SystemExit(f"{kind} failed")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    """Build the data, measure ours and the baseline in subprocesses, print figures and a JSON line."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--workdir", default=None)
    parser.add_argument("--child", choices=("ours", "baseline"))
    parser.add_argument("--draft", type=int)
    parser.add_argument("--k", type=int, default=0)
    args = parser.parse_args()
    if args.child:
        workdir = Path(args.workdir)
        figures = (child_ours(workdir, args.draft) if args.child == "ours"
                   else child_baseline(workdir, args.draft, args.k))
        print(json.dumps(figures))
        return
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="bench_themes_"))
    started = time.perf_counter()
    info = build(workdir, args.size)
    print(f"data: {args.size} comments, {info['labels']} planted (section, topic) pairs "
          f"({time.perf_counter() - started:.0f} s); {os.cpu_count()} cores")
    ours = _child("ours", workdir, info["draft_id"], info["labels"])
    print(f"ours:     {ours['seconds']:.1f} s (cpu {ours['cpu']:.1f} s, "
          f"analysis {ours['analysis_s']:.1f} s), "
          f"peak {ours['peak_mb']:.0f} MB, {ours['themes']} clusters holding {ours['clustered']} comments, "
          f"{ours['key_terms']} key terms, ARI {ours['ari']}")
    baseline = _child("baseline", workdir, info["draft_id"], info["labels"])
    print(f"baseline: {baseline['seconds']:.1f} s (cpu {baseline['cpu']:.1f} s), "
          f"peak {baseline['peak_mb']:.0f} MB, "
          f"k={baseline['clusters']}, ARI {baseline['ari']}")
    ratio = ours["seconds"] / baseline["seconds"] if baseline["seconds"] else float("nan")
    print(json.dumps({
        "name": "themes", "size": args.size, "unit": "s", "ours": round(ours["seconds"], 2),
        "baseline": round(baseline["seconds"], 2), "ratio": round(ratio, 3),
        "ours_cpu_s": round(ours["cpu"], 2), "baseline_cpu_s": round(baseline["cpu"], 2),
        "ours_peak_mb": round(ours["peak_mb"]), "baseline_peak_mb": round(baseline["peak_mb"]),
        "ours_ari": ours["ari"], "baseline_ari": baseline["ari"], "themes": ours["themes"],
        "target_s": 60, "target_mb": 2048,
        "within_target": ours["seconds"] < 60 and ours["peak_mb"] < 2048,
    }))


if __name__ == "__main__":
    main()
