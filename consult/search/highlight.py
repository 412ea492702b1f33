"""Highlighted snippets and the whole-word test, computed on the database text (never on the index).

Everything is escaped first, then the hits are wrapped in <mark>; matching uses the same normalisation
as the index (width, case, traditional → simplified), with one normalised character per original one.
"""
from __future__ import annotations

from markupsafe import Markup, escape

from consult.search.analysis import normalize, normalize_aligned, word_tokens

SNIPPET_CHARS = 160


def _needles(terms) -> list[str]:
    needles = set()
    for term in terms or ():
        folded = "".join(normalize(term).split())
        if folded:
            needles.add(folded)
    return sorted(needles, key=len, reverse=True)


def hit_spans(text: str, terms) -> list[tuple[int, int]]:
    """Merged (start, end) character spans of `text` where any query term occurs."""
    if not text:
        return []
    folded = normalize_aligned(text)
    spans = []
    for needle in _needles(terms):
        start = folded.find(needle)
        while start != -1:
            spans.append((start, start + len(needle)))
            start = folded.find(needle, start + 1)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(text: str, terms, limit: int | None = SNIPPET_CHARS) -> Markup:
    """Escaped text (cut around the first hit when longer than `limit`) with hits in <mark>."""
    text = text or ""
    spans = hit_spans(text, terms)
    start, end = 0, len(text)
    if limit and len(text) > limit:
        first = spans[0][0] if spans else 0
        start = max(0, min(first - limit // 4, len(text) - limit))
        end = start + limit
    out = [Markup("…") if start > 0 else Markup("")]
    cursor = start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        out.append(escape(text[cursor:s]))
        out.append(Markup("<mark>") + escape(text[s:e]) + Markup("</mark>"))
        cursor = e
    out.append(escape(text[cursor:end]))
    if end < len(text):
        out.append(Markup("…"))
    return Markup("").join(out)


def is_whole_word_hit(text: str, terms) -> bool:
    """True when some occurrence of a query term is a whole jieba word (or whole words) in its context."""
    folded = normalize(text or "")
    for needle in _needles(terms):
        if len(needle) < 2:
            continue
        start = folded.find(needle)
        while start != -1:
            lo = max(0, start - 4)
            window = folded[lo:start + len(needle) + 4]
            bounds, offset = {0}, 0
            for word in _cut(window):
                offset += len(word)
                bounds.add(offset)
            if (start - lo) in bounds and (start - lo + len(needle)) in bounds:
                return True
            start = folded.find(needle, start + 1)
    return False


def _cut(text: str) -> list[str]:
    from consult.search.analysis import _jieba

    return list(_jieba().cut(text, HMM=False))


__all__ = ["highlight", "hit_spans", "is_whole_word_hit", "word_tokens"]
