"""Benchmark: parse a synthetic Civil-Code-sized draft, against a naive single re.split baseline.

Usage: python tests/benchmarks/bench_parse.py [--size N] [--repeat R]
The last line printed is one JSON object for CI to collect.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))

from consult.lawtext import cn_to_int, int_to_cn, parse_text  # noqa: E402

SENTENCES = [
    "民事主体在民事活动中的法律地位一律平等。",
    "民事主体从事民事活动，应当遵循自愿原则，按照自己的意思设立、变更、终止民事法律关系。",
    "民事主体从事民事活动，应当遵循公平原则，合理确定各方的权利和义务。",
    "依照本法第二十条第二款的规定，处理民事纠纷，应当依照法律；法律没有规定的，可以适用习惯。",
    "前款规定的期间届满的，当事人可以向人民法院提起诉讼。",
]
PART_TITLES = ["总则", "物权", "合同", "人格权", "婚姻家庭", "继承", "侵权责任"]
ITEMS = ["（一）具有相应的民事行为能力；", "（二）意思表示真实；", "（三）不违反法律、行政法规的强制性规定。"]


def build_draft(size: int) -> str:
    """Return a draft of `size` articles with parts, chapters, sections, items and a table of contents."""
    parts = max(1, size // 180)
    per_part = -(-size // parts)
    body: list[str] = []
    toc: list[str] = ["目　　录"]
    number = 0
    for part in range(1, parts + 1):
        heading = f"第{int_to_cn(part)}编　{PART_TITLES[(part - 1) % len(PART_TITLES)]}"
        body.append(heading)
        toc.append(heading)
        chapters = max(1, per_part // 30)
        for chapter in range(1, chapters + 1):
            heading = f"第{int_to_cn(chapter)}章　一般规定{chapter}"
            body.append(heading)
            toc.append(heading)
            for section in range(1, 4):
                body.append(f"第{int_to_cn(section)}节　具体规则{section}")
                for _ in range(max(1, per_part // chapters // 3)):
                    if number >= size:
                        break
                    number += 1
                    sentence = SENTENCES[number % len(SENTENCES)]
                    body.append(f"第{int_to_cn(number)}条　{sentence}")
                    if number % 4 == 0:
                        body.append("有下列情形之一的，民事法律行为有效：")
                        body.extend(ITEMS)
                    if number % 3 == 0:
                        body.append(SENTENCES[(number + 1) % len(SENTENCES)])
    while number < size:
        number += 1
        body.append(f"第{int_to_cn(number)}条　{SENTENCES[0]}")
    head = ["中华人民共和国民法典（草案）", "（2019年12月23日第十三届全国人民代表大会常务委员会第十五次会议审议）"]
    return "\n".join(head + toc + body + ["附件：说明"]) + "\n"


_NAIVE_RE = re.compile(r"^第([零〇一二两三四五六七八九十百千]+)条", re.M)


def naive_parse(text: str) -> list[tuple[int, str]]:
    """The honest baseline: one re.split on line-initial labels plus the same numeral conversion."""
    parts = _NAIVE_RE.split(text)
    return [(cn_to_int(parts[i]), parts[i + 1].strip()) for i in range(1, len(parts) - 1, 2)]


def best_and_median(fn, repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print a human line, then a JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1300, help="number of articles (default 1300)")
    parser.add_argument("--repeat", type=int, default=7, help="timed runs per contender (default 7)")
    args = parser.parse_args(argv)
    text = build_draft(args.size)
    draft = parse_text(text)
    naive = naive_parse(text)
    if len(draft.articles) != args.size or len(naive) != args.size:
        print(f"article count mismatch: ours {len(draft.articles)}, naive {len(naive)}, expected {args.size}",
              file=sys.stderr)
        return 1
    if draft.warnings:
        print(f"unexpected warnings: {draft.warnings[:3]}", file=sys.stderr)
        return 1
    ours_best, ours_median = best_and_median(lambda: parse_text(text), args.repeat)
    base_best, base_median = best_and_median(lambda: naive_parse(text), args.repeat)
    print(f"parse_text: {args.size} articles, {len(draft.divisions)} divisions, {len(text)} chars — "
          f"ours best {ours_best * 1000:.1f} ms (median {ours_median * 1000:.1f} ms), "
          f"naive re.split best {base_best * 1000:.1f} ms (median {base_median * 1000:.1f} ms), "
          f"ratio {ours_best / base_best:.1f}×")
    print(json.dumps({"name": "parse", "size": args.size, "unit": "s", "ours": round(ours_best, 6),
                      "baseline": round(base_best, 6), "ratio": round(ours_best / base_best, 3),
                      "articles": len(draft.articles)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
