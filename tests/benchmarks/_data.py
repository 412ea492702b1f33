"""Synthetic data for the search benchmarks: the sample draft plus N seeded Chinese comments (20–200 chars).

Comment bodies are random recombinations of the clauses of `drafts/sample_comments.csv` (fictional, written
for this project), with a sprinkle of traditional characters and Latin/digit words, so the text statistics
look like real residents' comments. Everything is reproducible from the seed.
"""
from __future__ import annotations

import csv
import random
import re
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXTRA = ["5G信号", "A级景区", "4A级旅游景区", "APP预约", "Wi-Fi覆盖", "旅遊服務", "景區門票", "導遊",
         "停车场", "全域旅游", "旅游客运", "民宿登记", "文明旅游", "大数据杀熟", "无障碍设施"]
CHANNELS = ["meeting", "online", "letter", "email"]
CATEGORIES = ["居民", "人大代表", "企业", "社会组织", "专家学者", "律师", "学生", "村民"]
STATES = ["published", "internal", "pending", "rejected"]
QUERIES = ["旅游", "域旅", "游客", "景区", "民宿", "停车", "门票", "旅遊", "5G", "导游",
           "全域旅游", "大数据", "文明旅游", "无障碍", "杀熟", "预约"]


def clauses() -> list[str]:
    """Clauses of the sample comments (split on Chinese punctuation)."""
    text = (ROOT / "drafts" / "sample_comments.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    parts: set[str] = set()
    for row in rows:
        for field in ("意见", "理由", "建议修改为"):
            for piece in re.split(r"[，。；！？、：\n]", row.get(field) or ""):
                piece = piece.strip()
                if 4 <= len(piece) <= 60:
                    parts.add(piece)
    return sorted(parts)


def bodies(n: int, seed: int = 7):
    """Yield n comment bodies of 20–200 characters."""
    rng = random.Random(seed)
    pool = clauses()
    for _ in range(n):
        target = rng.randint(20, 200)
        out: list[str] = []
        length = 0
        while length < target:
            piece = rng.choice(EXTRA) if rng.random() < 0.08 else rng.choice(pool)
            out.append(piece)
            length += len(piece) + 1
        yield ("，".join(out) + "。")[: max(target, 20)]


def build_database(db, n: int, seed: int = 7, batch: int = 5000) -> dict:
    """Import the sample draft and bulk-insert n comments (no outbox rows: benchmarks rebuild)."""
    from sqlalchemy import insert, select

    from consult.comments.models import Comment
    from consult.contact_points.imports import import_contact_points
    from consult.contact_points.models import ContactPoint
    from consult.database import utcnow
    from consult.drafts.services import import_draft, publish_draft

    started = time.perf_counter()
    text = (ROOT / "drafts" / "tourism_promotion_draft.txt").read_bytes()
    version = import_draft(text, "tourism_promotion_draft.txt")
    now = utcnow()
    publish_draft(version.draft, now - timedelta(days=1), now + timedelta(days=30))
    import_contact_points((ROOT / "drafts" / "contact_points.csv").read_text(encoding="utf-8"))
    db.session.commit()
    draft = version.draft
    article_ids = [a.id for a in version.articles]
    points = list(db.session.scalars(select(ContactPoint)))
    rng = random.Random(seed + 1)
    rows = []
    for i, body in enumerate(bodies(n, seed)):
        roll = rng.random()
        kind = "general" if roll < 0.04 else "title" if roll < 0.05 else "new_article" if roll < 0.08 else "article"
        channel = rng.choice(CHANNELS)
        rows.append(dict(
            draft_id=draft.id, version_id=version.id, anchor_kind=kind,
            article_id=rng.choice(article_ids) if kind == "article" else None,
            body=body, reason="", proposed_text="", channel=channel,
            contact_point_id=rng.choice(points).id if channel == "meeting" else None,
            submitted_on=date(2026, 11, 16) + timedelta(days=rng.randint(0, 29)),
            commenter_name="", commenter_category=rng.choice(CATEGORIES),
            moderation_state="internal" if channel == "meeting" else rng.choice(STATES),
            receipt_code=f"B{seed}-{i:08d}", created_at=now, updated_at=now,
        ))
        if len(rows) >= batch:
            db.session.execute(insert(Comment), rows)
            rows = []
    if rows:
        db.session.execute(insert(Comment), rows)
    db.session.commit()
    return {"draft_id": draft.id, "seconds": time.perf_counter() - started}


def make_app(workdir: str, **overrides):
    """An app on a file SQLite database and index under `workdir` (fresh schema)."""
    import os

    from consult import create_app
    from consult.extensions import db

    os.makedirs(workdir, exist_ok=True)
    db_path = os.path.join(workdir, "bench.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db_path + suffix):
            os.remove(db_path + suffix)
    config = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}", "SEARCH_INDEX_DIR": os.path.join(workdir, "index"),
              "SEARCH_INDEXING": "external", "RATELIMIT_ENABLED": False, "SECRET_KEY": "bench"}
    config.update(overrides)
    app = create_app(config)
    with app.app_context():
        db.create_all()
    return app


def percentile(values, pct: float) -> float:
    """The pct-th percentile (nearest rank) of a list of numbers."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, int(round(pct / 100 * len(ordered) + 0.5)) - 1))
    return ordered[index]
