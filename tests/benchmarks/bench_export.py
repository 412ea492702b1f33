"""Benchmark: the Word summary of N comments, against python-docx's plain `table.add_row()` approach.

Usage: python tests/benchmarks/bench_export.py [--size N] [--baseline-rows B] [--end-to-end]

Each figure is measured in its own subprocess so that peak memory (ru_maxrss) belongs to that build alone:
  ours      — `consult.exports.summary.build_summary` on N synthetic comments (~111 characters each, spread
              over 60 articles in 3 chapters, one table per article) written to a .docx;
  ours@B    — the same builder at the baseline's row count B = min(N, 20,000);
  baseline  — the same document structure (heading + one 8-column table per article) built with plain
              python-docx: `table.add_row().cells[i].text = …`, at B rows.
The JSON compares like with like: "ours" and "baseline" are seconds at the same B rows and structure, and
"ratio" = ours / baseline (below 1 means faster; its inverse is the speed-up); it is also given on CPU time
(process time of the timed build), which a busy shared machine distorts far less. "ours_full_s" and
"peak_mb" are the build at all N comments.
--end-to-end also times `export_summary` through the database (SQLite file, N comments bulk-inserted):
selection (census + streaming in text order) plus the build. The last line is one JSON object.
"""
from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

ARTICLES = 60
CHAPTERS = 3
CLAUSES = ["建议明确民宿登记的具体办理期限", "方便经营者及时办理相关手续", "避免因登记拖延而影响正常经营",
           "景区应当设置无障碍设施和母婴室", "旅游客运车辆应当安装卫星定位装置", "建议增加文明旅游宣传的内容",
           "门票价格调整应当提前公示", "鼓励发展乡村旅游和全域旅游", "停车场收费标准应当明码标价",
           "导游人员应当佩戴导游证", "大数据杀熟行为应当依法查处", "对游客的投诉应当及时处理并反馈"]
HEADERS = ("序号", "条款", "修改意见或建议", "理由", "提出人/单位", "来源", "采纳情况", "说明")


def comment_text(rng: random.Random, length: int = 111) -> str:
    """About `length` characters of plausible comment text."""
    text = ""
    while len(text) < length:
        text += rng.choice(CLAUSES) + rng.choice("，。；")
    return text[:length - 1] + "。"


_POOL: list[str] = []


def pooled_text(i: int) -> str:
    """Comment text i from a fixed pool of 997, so generating input costs (almost) nothing in the timings."""
    if not _POOL:
        rng = random.Random(11)
        _POOL.extend(comment_text(rng) for _ in range(997))
    return _POOL[i % len(_POOL)]


def synthetic_rows(n: int, seed: int = 11):
    """N CommentRows in text order over ARTICLES articles."""
    from consult.exports.records import CommentRow

    pooled_text(0)
    for i in range(n):
        article = i * ARTICLES // n + 1
        yield CommentRow(id=i + 1, section="article", article_id=article, anchor_label=f"第{article}条",
                         body=pooled_text(i + seed), reason="便于执行。" if i % 3 == 0 else "",
                         commenter="张*（居民）", source="东湖街道基层立法联系点（座谈会 2027-01-05）",
                         decision="待研究", decision_reason="")


def synthetic_summary(n: int):
    """A SummaryData of N comments: 3 chapters × 20 articles, counts filled in."""
    from consult.exports.records import OutlineEntry, SummaryData, SummaryStats

    per_article = [0] * (ARTICLES + 1)
    for i in range(n):
        per_article[i * ARTICLES // n + 1] += 1
    outline = []
    for chapter in range(CHAPTERS):
        outline.append(OutlineEntry("division", f"第{chapter + 1}章", 1))
        for k in range(ARTICLES // CHAPTERS):
            number = chapter * (ARTICLES // CHAPTERS) + k + 1
            outline.append(OutlineEntry("article", f"第{number}条", 2, article_id=number,
                                        paragraphs=["本条的条文内容。"], count=per_article[number]))
    return SummaryData(draft_title="清江市全域旅游促进条例（草案）", version_label="征求意见稿",
                       stats=SummaryStats(total=n), outline=outline, comments=synthetic_rows(n))


def child_ours(n: int, out: Path) -> dict:
    """Build our summary of N comments."""
    from consult.exports.summary import build_summary

    start, cpu = time.perf_counter(), time.process_time()
    rows = build_summary(synthetic_summary(n), str(out))
    return {"seconds": time.perf_counter() - start, "cpu_s": time.process_time() - cpu, "rows": rows}


def child_baseline(n: int, out: Path) -> dict:
    """The same structure with plain python-docx add_row()."""
    from docx import Document

    pooled_text(0)
    start, cpu = time.perf_counter(), time.process_time()
    doc = Document()
    doc.add_heading("关于《清江市全域旅游促进条例（草案）》征求意见情况的汇总", 0)
    rows = 0
    table = None
    current = None
    for i in range(n):
        article = i * ARTICLES // n + 1
        if article != current:
            current = article
            doc.add_heading(f"第{article}条", 2)
            table = doc.add_table(rows=1, cols=len(HEADERS))
            table.style = doc.styles["Table Grid"]
            for cell, text in zip(table.rows[0].cells, HEADERS):
                cell.text = text
        cells = table.add_row().cells
        values = (str(i + 1), f"第{article}条", pooled_text(i + 11), "便于执行。" if i % 3 == 0 else "",
                  "张*（居民）",                  "东湖街道基层立法联系点（座谈会 2027-01-05）", "待研究", "")
        for cell, value in zip(cells, values):
            cell.text = value
        rows += 1
    doc.save(str(out))
    return {"seconds": time.perf_counter() - start, "cpu_s": time.process_time() - cpu, "rows": rows}


def child_end_to_end(n: int, out: Path, workdir: Path) -> dict:
    """Insert N comments into a SQLite file, then time export_summary (selection + build)."""
    from datetime import timedelta

    from sqlalchemy import insert

    from consult import create_app
    from consult.comments.models import Comment
    from consult.database import utcnow
    from consult.drafts.services import import_draft, publish_draft
    from consult.exports.selection import ExportOptions
    from consult.exports.services import export_summary
    from consult.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'e2e.db'}",
                      "SEARCH_INDEX_DIR": str(workdir / "index"), "SEARCH_INDEXING": "external"})
    from consult.lawtext import int_to_cn

    lines = ["示例条例（草案）"]
    for chapter in range(CHAPTERS):
        lines.append(f"第{int_to_cn(chapter + 1)}章　第{int_to_cn(chapter + 1)}章标题")
        for k in range(ARTICLES // CHAPTERS):
            lines.append(f"第{int_to_cn(chapter * (ARTICLES // CHAPTERS) + k + 1)}条　本条的条文内容。")
    text = "\n".join(lines) + "\n"
    with app.app_context():
        db.create_all()
        version = import_draft(text.encode(), "draft.txt")
        now = utcnow()
        publish_draft(version.draft, now - timedelta(days=1), now + timedelta(days=30))
        articles = [a.id for a in version.articles]
        rng = random.Random(5)
        batch = []
        for i in range(n):
            batch.append({"draft_id": version.draft_id, "version_id": version.id,
                          "article_id": articles[i * len(articles) // n], "anchor_kind": "article",
                          "body": comment_text(rng), "channel": "online", "moderation_state": "published",
                          "commenter_name": "张三", "receipt_code": f"B{i:09d}"})
            if len(batch) == 5000:
                db.session.execute(insert(Comment), batch)
                batch = []
        if batch:
            db.session.execute(insert(Comment), batch)
        db.session.commit()
        draft = version.draft
        start, cpu = time.perf_counter(), time.process_time()
        rows = export_summary(draft, str(out), options=ExportOptions())
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        db.session.rollback()
    return {"seconds": seconds, "cpu_s": cpu, "rows": rows}


def run_child(mode: str, size: int) -> dict:
    """Run one measurement in a fresh interpreter; returns its JSON result with peak_mb."""
    result = subprocess.run([sys.executable, __file__, "--child", mode, "--size", str(size)],
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"{mode} failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    """Parse arguments; as parent run the children and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--baseline-rows", type=int, default=20_000)
    parser.add_argument("--end-to-end", action="store_true")
    parser.add_argument("--child", choices=("ours", "baseline", "e2e"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "summary.docx"
            if args.child == "ours":
                result = child_ours(args.size, out)
            elif args.child == "baseline":
                result = child_baseline(args.size, out)
            else:
                result = child_end_to_end(args.size, out, Path(tmp))
            result["bytes"] = out.stat().st_size
        result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
        return
    n, b = args.size, min(args.size, args.baseline_rows)
    ours = run_child("ours", n)
    print(f"ours:     {n:>7} comments  {ours['seconds']:7.2f} s  peak {ours['peak_mb']:6.0f} MB  "
          f"{ours['bytes'] / 1e6:.1f} MB .docx  ({ours['seconds'] / n * 1e6:.0f} µs/row)")
    ours_b = ours if b == n else run_child("ours", b)
    if b != n:
        print(f"ours@B:   {b:>7} comments  {ours_b['seconds']:7.2f} s  peak {ours_b['peak_mb']:6.0f} MB  "
              f"({ours_b['seconds'] / b * 1e6:.0f} µs/row)")
    base = run_child("baseline", b)
    print(f"baseline: {b:>7} comments  {base['seconds']:7.2f} s  peak {base['peak_mb']:6.0f} MB  "
          f"({base['seconds'] / b * 1e6:.0f} µs/row)  python-docx table.add_row().cells[i].text")
    ratio = base["seconds"] / ours_b["seconds"]
    ratio_cpu = base["cpu_s"] / ours_b["cpu_s"]
    print(f"ratio: baseline / ours at the same {b} rows and structure = {ratio:.1f}x wall, "
          f"{ratio_cpu:.1f}x CPU")
    print(f"CPU seconds: ours {ours['cpu_s']:.1f} at {n}; ours {ours_b['cpu_s']:.1f} vs baseline "
          f"{base['cpu_s']:.1f} at {b} (CPU time is fairer on a loaded machine)")
    summary = {"name": "export_summary", "size": n, "unit": "s", "ours": round(ours_b["seconds"], 3),
               "baseline": round(base["seconds"], 3), "ratio": round(ours_b["seconds"] / base["seconds"], 4),
               "ratio_basis": f"same {b} rows", "speedup": round(ratio, 1), "baseline_rows": b,
               "ours_full_s": round(ours["seconds"], 3), "peak_mb": round(ours["peak_mb"]),
               "ours_cpu_s": round(ours["cpu_s"], 2), "speedup_cpu": round(ratio_cpu, 1)}
    if args.end_to_end:
        e2e = run_child("e2e", n)
        print(f"end-to-end (SQLite selection + build): {n} comments {e2e['seconds']:.2f} s "
              f"peak {e2e['peak_mb']:.0f} MB")
        summary.update(e2e_s=round(e2e["seconds"], 3), e2e_peak_mb=round(e2e["peak_mb"]),
                       e2e_cpu_s=round(e2e["cpu_s"], 2))
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    main()
