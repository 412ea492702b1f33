"""Benchmark: match two N-article readings of a draft and build the comparison table (修改对照表), against
difflib.SequenceMatcher ratio on every pair of articles with a greedy best assignment.

Usage: python tests/benchmarks/bench_compare.py [--size N] [--seed S] [--baseline-pairs P]

The generator writes an old version of N articles (clauses of the sample draft recombined, stock phrases,
cross-references) and a new one with articles inserted (some as 第X条之一) and deleted — so everything is
renumbered and the cross-references with it —, adjacent articles merged, articles split in two and 10 % of
the articles rewritten; it knows the true lineage. Both contenders are scored by precision and recall of
their links against it. Ours: `consult.drafts.lineage.match_articles`, then the pure comparison-table
builder (`consult.exports.comparison_data.arrange` and `comparison.build_comparison` to a .docx in memory).
The baseline cannot see merges or splits (one-to-one only), and costs N² ratio() calls: above
--baseline-pairs pairs its time is measured on a random sample of 3,000 pairs and extrapolated, and its
quality is measured on the first --window articles of each version (both said in the JSON).
The last line printed is one JSON object for CI to collect.
"""
from __future__ import annotations

import argparse
import difflib
import io
import json
import os
import random
import re
import sys
import time

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))

from consult.drafts.lineage import ArticleText, match_articles  # noqa: E402
from consult.lawtext import article_label, int_to_cn  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
STOCK = ["违反本条例规定的，由有关部门按照职责责令改正", "市、区（县）人民政府应当", "有关部门应当按照各自职责",
         "法律、法规另有规定的，从其规定", "具体办法由市人民政府另行制定", "旅游经营者应当"]
BASELINE_THRESHOLD = 0.5  # a pair below this ratio is not linked


def clauses() -> list[str]:
    """Clauses of the sample draft's articles (split on Chinese punctuation), deduplicated."""
    from consult.lawtext import parse_text

    with open(os.path.join(ROOT, "drafts", "tourism_promotion_draft.txt"), encoding="utf-8") as handle:
        parsed = parse_text(handle.read())
    parts = set()
    for article in parsed.articles:
        for paragraph in article.paragraphs:
            for piece in re.split(r"[，。；：\n]", paragraph):
                piece = piece.strip()
                if 4 <= len(piece) <= 40 and "第" not in piece:
                    parts.add(piece)
    return sorted(parts)


class Generator:
    """Two readings and the true lineage. An article is a list of paragraphs; a paragraph is a list of
    tokens: a clause, or ("ref", article key) rendered as 第X条 with the cited article's number in that version."""

    def __init__(self, size: int, seed: int):
        self.rng = random.Random(seed)
        self.pool = clauses()
        self.next_key = 0
        self.old = [self.article() for _ in range(size)]

    def key(self) -> int:
        self.next_key += 1
        return self.next_key

    def paragraph(self) -> list:
        rng = self.rng
        tokens: list = []
        if rng.random() < 0.25:
            tokens.append(rng.choice(STOCK))
        if rng.random() < 0.15 and self.next_key > 3:
            tokens.append(("ref", rng.randrange(1, self.next_key)))
        tokens.extend(rng.sample(self.pool, rng.randint(2, 5)))
        return tokens

    def article(self) -> dict:
        return {"key": self.key(), "paragraphs": [self.paragraph() for _ in range(self.rng.choice((1, 1, 2, 2, 3)))]}

    def rewrite(self, article: dict) -> dict:
        """About a third of the clauses replaced or added: the same article, reworded by the committee."""
        rng = self.rng
        paragraphs = []
        for paragraph in article["paragraphs"]:
            tokens = [rng.choice(self.pool) if isinstance(t, str) and rng.random() < 0.3 else t for t in paragraph]
            if rng.random() < 0.3:
                tokens.insert(rng.randrange(len(tokens) + 1), rng.choice(self.pool))
            paragraphs.append(tokens)
        return {"key": self.key(), "paragraphs": paragraphs}

    def next_reading(self) -> tuple[list[dict], set[tuple[int, int]]]:
        """The new version (entries with "suffix" for 之一 inserts) and the true (old key, new key) links."""
        rng = self.rng
        new: list[dict] = []
        truth: set[tuple[int, int]] = set()
        old = self.old
        i = 0
        while i < len(old):
            article = old[i]
            roll = rng.random()
            if roll < 0.03:                                   # deleted
                i += 1
                continue
            if roll < 0.05 and i + 1 < len(old):              # merged with the next one
                merged = {"key": self.key(), "paragraphs": article["paragraphs"] + old[i + 1]["paragraphs"]}
                truth |= {(article["key"], merged["key"]), (old[i + 1]["key"], merged["key"])}
                new.append(merged)
                i += 2
                continue
            if roll < 0.07:                                   # split in two
                paragraphs = article["paragraphs"]
                if len(paragraphs) == 1:
                    tokens = paragraphs[0]            # every paragraph has at least two clauses
                    half = len(tokens) // 2
                    parts = [[tokens[:half]], [tokens[half:]]]
                else:
                    half = len(paragraphs) // 2
                    parts = [paragraphs[:half], paragraphs[half:]]
                for part in parts:
                    piece = {"key": self.key(), "paragraphs": part}
                    truth.add((article["key"], piece["key"]))
                    new.append(piece)
                i += 1
                continue
            successor = self.rewrite(article) if roll < 0.17 else {"key": self.key(), "paragraphs": article["paragraphs"]}
            truth.add((article["key"], successor["key"]))
            new.append(successor)
            i += 1
            if rng.random() < 0.04:                           # a new article after it (之一 half of the time)
                added = self.article()
                added["suffix"] = 1 if rng.random() < 0.5 else None
                new.append(added)
        # a cross-reference follows the article it cites (to its first successor; deleted ones keep the key)
        successor_of: dict[int, int] = {}
        for old_key, new_key in sorted(truth):
            successor_of.setdefault(old_key, new_key)
        for article in new:
            article["paragraphs"] = [[("ref", successor_of.get(t[1], t[1])) if isinstance(t, tuple) else t
                                      for t in paragraph] for paragraph in article["paragraphs"]]
        return new, truth


def render(version: list[dict], first_id: int) -> tuple[list[ArticleText], dict[int, int]]:
    """ArticleTexts (ids first_id + position) and key → id; numbers in cross-references as in this version."""
    numbers, number = {}, 0
    labelled = []
    for article in version:
        suffix = article.get("suffix")
        if suffix is None:
            number += 1
        numbers[article["key"]] = number
        labelled.append((number, suffix))
    texts, ids = [], {}
    for position, (article, (number, suffix)) in enumerate(zip(version, labelled)):
        body = "\n".join("，".join(f"依照本条例第{int_to_cn(numbers.get(t[1], 1))}条" if isinstance(t, tuple) else t
                                  for t in paragraph) + "。" for paragraph in article["paragraphs"])
        ids[article["key"]] = first_id + position
        texts.append(ArticleText(id=first_id + position, label=article_label(number, suffix), number=number,
                                 suffix=suffix, position=position, text=body))
    return texts, ids


def quality(predicted: set[tuple[int, int]], truth: set[tuple[int, int]]) -> tuple[float, float]:
    hits = len(predicted & truth)
    return (hits / len(predicted) if predicted else 1.0), (hits / len(truth) if truth else 1.0)


def baseline_match(old: list[ArticleText], new: list[ArticleText]) -> set[tuple[int, int]]:
    """difflib ratio on every pair, then greedily the best remaining pair while it is above the threshold."""
    scored = []
    for a in old:
        matcher = difflib.SequenceMatcher(None, autojunk=False)
        matcher.set_seq2(a.text)
        for b in new:
            matcher.set_seq1(b.text)
            scored.append((matcher.ratio(), a.id, b.id))
    scored.sort(reverse=True)
    used_old, used_new, links = set(), set(), set()
    for ratio, a, b in scored:
        if ratio < BASELINE_THRESHOLD:
            break
        if a not in used_old and b not in used_new:
            used_old.add(a)
            used_new.add(b)
            links.add((a, b))
    return links


def baseline_pair_seconds(old: list[ArticleText], new: list[ArticleText], pairs: int, rng) -> float:
    """Mean seconds per ratio() call on a random sample of pairs."""
    sample = [(rng.choice(old), rng.choice(new)) for _ in range(pairs)]
    start = time.perf_counter()
    for a, b in sample:
        difflib.SequenceMatcher(None, b.text, a.text, autojunk=False).ratio()
    return (time.perf_counter() - start) / pairs


def build_table(old: list[ArticleText], new: list[ArticleText], matching) -> int | None:
    """The comparison table .docx in memory through the comparison helper's pure builder (None if absent)."""
    try:
        from consult.exports.comparison import build_comparison
        from consult.exports.comparison_data import ArticleSide, ComparisonData, Link, arrange
    except ImportError:
        return None
    old_sides = [ArticleSide(a.id, a.label, a.text, a.position) for a in old]
    outline = []
    for a in new:
        if a.position % 30 == 0:
            outline.append(("division", (f"第{int_to_cn(a.position // 30 + 1)}章　规定", 1)))
        outline.append(("article", ArticleSide(a.id, a.label, a.text, a.position)))
    rows = arrange(old_sides, outline, [Link(l.old_id, l.new_id, l.kind) for l in matching.links])
    data = ComparisonData(draft_title="基准测试条例", from_label="一审稿", to_label="二审稿", rows=rows)
    return build_comparison(data, io.BytesIO())


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print a human line, then a JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1300, help="articles in the old version (default 1300)")
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--baseline-pairs", type=int, default=15_000,
                        help="above this many pairs the baseline is timed on a sample and extrapolated (default 15000)")
    parser.add_argument("--window", type=int, default=120,
                        help="articles of each version the sampled baseline's quality is measured on (default 120)")
    args = parser.parse_args(argv)
    generator = Generator(args.size, args.seed)
    new_version, truth_keys = generator.next_reading()
    old, old_ids = render(generator.old, 1)
    new, new_ids = render(new_version, 10 ** 7)
    truth = {(old_ids[o], new_ids[n]) for o, n in truth_keys}

    match_articles(old[:50], new[:50])  # warm-up (imports, first allocations)
    start, cpu_start = time.perf_counter(), time.process_time()
    matching = match_articles(old, new)
    matched = time.perf_counter() - start
    matched_cpu = time.process_time() - cpu_start
    rows = build_table(old, new, matching)
    ours = time.perf_counter() - start
    ours_cpu = time.process_time() - cpu_start
    ours_precision, ours_recall = quality({(l.old_id, l.new_id) for l in matching.links}, truth)

    pairs = len(old) * len(new)
    sampled = pairs > args.baseline_pairs
    rng = random.Random(args.seed)
    if sampled:
        per_pair = baseline_pair_seconds(old, new, min(3_000, args.baseline_pairs), rng)
        baseline = per_pair * pairs
        window_old, window_new = old[:args.window], new[:args.window]
        in_window = {(o, n) for o, n in truth if o <= window_old[-1].id and n <= window_new[-1].id}
        base_links = baseline_match(window_old, window_new)
        base_precision, base_recall = quality(base_links, in_window)
        ours_in_window = {(l.old_id, l.new_id) for l in match_articles(window_old, window_new).links}
        window = {"old": len(window_old), "new": len(window_new),
                  "ours_precision": round(quality(ours_in_window, in_window)[0], 4),
                  "ours_recall": round(quality(ours_in_window, in_window)[1], 4)}
    else:
        start = time.perf_counter()
        base_links = baseline_match(old, new)
        baseline = time.perf_counter() - start
        base_precision, base_recall = quality(base_links, truth)
        window = None

    shapes = {}
    for link in matching.links:
        shapes[link.shape] = shapes.get(link.shape, 0) + 1
    print(f"compare: {len(old)} → {len(new)} articles, {len(truth)} true links — ours {ours:.3f} s "
          f"(matching {matched:.3f} s{'' if rows is None else f', table of {rows} rows'}), precision "
          f"{ours_precision:.3f} recall {ours_recall:.3f}; difflib baseline {baseline:.1f} s"
          f"{' (extrapolated from a sample of pairs)' if sampled else ''}, precision {base_precision:.3f} "
          f"recall {base_recall:.3f}{f' (on the first {args.window} articles)' if sampled else ''}")
    print(json.dumps({
        "name": "compare", "size": args.size, "unit": "s", "ours": round(ours, 4), "baseline": round(baseline, 4),
        "ratio": round(ours / baseline, 5), "ours_matching": round(matched, 4), "ours_cpu": round(ours_cpu, 4),
        "ours_matching_cpu": round(matched_cpu, 4), "load_average": round(os.getloadavg()[0], 2),
        "ours_includes_table": rows is not None, "table_rows": rows,
        "articles_new": len(new), "true_links": len(truth), "ours_links": len(matching.links),
        "ours_shapes": shapes, "ours_precision": round(ours_precision, 4), "ours_recall": round(ours_recall, 4),
        "baseline_precision": round(base_precision, 4), "baseline_recall": round(base_recall, 4),
        "baseline_extrapolated": sampled, "baseline_quality_window": window,
    }, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
