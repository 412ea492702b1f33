"""Evaluating a parsed query on a Whoosh searcher: docnum sets, substring confirmation, BM25 on few candidates.

Terms are matched as substrings: documents holding every bigram of a term are candidates, confirmed on
the normalised text column (the index keeps no positions). Boolean operators are set algebra; no scoring
happens while matching. Only the shortest candidates are scored (BM25 falls with length for a rare term).
"""
from __future__ import annotations

import heapq
from collections import defaultdict

from whoosh import query as Q
from whoosh.reading import TermNotFound

from consult.comments.selection import INDEX_FIELDS
from consult.search.analysis import bigram_tokens, has_sequence, query_cjk_run, query_pieces
from consult.search.whoosh_internals import term_docnums


class Arrays:
    """Per-docnum values of one searcher, read once from the columns: eid, order, body length, text."""

    __slots__ = ("eid", "order", "blen", "text", "by_length", "every")

    def __init__(self, eid, order, blen, text):
        self.eid, self.order, self.blen, self.text = eid, order, blen, text
        self.by_length = None  # docnums sorted by body length, built on first use
        self.every = None  # set of live docnums, built on first NOT


def date_number(value: str) -> int:
    """2026-12-01 → 20261201 (the index stores days as numbers)."""
    return int(value.replace("-", ""))


def filter_queries(filters: dict) -> list:
    """Whoosh queries for backend filters ({index field: value}, date_from/date_to, draft_ids)."""
    out = []
    for key, value in filters.items():
        if key in ("date_from", "date_to"):
            continue
        if key == "draft_ids":
            out.append(Q.Or([Q.Term("draft", str(v)) for v in value]) if value else Q.NullQuery)
            continue
        out.append(Q.Term(key, str(value)))
    if "date_from" in filters or "date_to" in filters:
        low = date_number(filters["date_from"]) if "date_from" in filters else None
        high = date_number(filters["date_to"]) if "date_to" in filters else None
        out.append(Q.NumericRange("date", low, high))
    return out


def evaluate(searcher, arrays: Arrays, node) -> set:
    """Docnums matching a parsed query, as a set (terms as confirmed substrings, boolean set algebra)."""
    if node.op == "term":
        return substring_set(searcher, arrays, node.text)
    if node.op == "field":
        return set(searcher.docs_for_query(Q.Term(INDEX_FIELDS.get(node.name, node.name), node.text)))
    if node.op == "not":
        return every(searcher, arrays) - evaluate(searcher, arrays, node.children[0])
    if node.op == "or":
        out: set = set()
        for child in node.children:
            out |= evaluate(searcher, arrays, child)
        return out
    positives = [c for c in node.children if c.op != "not"]
    negatives = [c.children[0] for c in node.children if c.op == "not"]
    if positives:
        sets = sorted((evaluate(searcher, arrays, c) for c in positives), key=len)
        out = sets[0].intersection(*sets[1:])
    else:
        out = set(every(searcher, arrays))
    for child in negatives:
        if not out:
            break
        out -= evaluate(searcher, arrays, child)
    return out


def every(searcher, arrays: Arrays) -> set:
    """Every live docnum (cached on the arrays of this searcher)."""
    if arrays.every is None:
        arrays.every = set(searcher.docs_for_query(Q.Every()))
    return arrays.every


def substring_set(searcher, arrays: Arrays, text: str) -> set:
    """Docnums whose body contains `text`: documents holding all its tokens, then confirmed on the
    normalised text (`query in text` for a pure-CJK query, consecutive tokens otherwise)."""
    pieces = query_pieces(text)
    if not pieces:
        return set()
    run = query_cjk_run(text)
    if run is not None and len(pieces) > 1:
        # Exact on the text: the documents of the run's rarest bigram are candidates enough (each document
        # containing the run holds every bigram), so the common bigrams' long posting lists are never read.
        rarest = min(dict.fromkeys(word for word, _ in pieces), key=lambda w: searcher.doc_frequency("body", w))
        texts = arrays.text
        return {d for d in term_docnums(searcher, "body", rarest) if run in texts[d]}
    sets = []
    for word, is_prefix in dict.fromkeys(pieces):
        found = set(searcher.docs_for_query(Q.Prefix("body", word)) if is_prefix
                    else term_docnums(searcher, "body", word))
        if not found:
            return set()
        sets.append(found)
    sets.sort(key=len)
    candidates = sets[0].intersection(*sets[1:])
    if len(pieces) == 1:
        return candidates
    texts = arrays.text
    return {d for d in candidates if has_sequence(bigram_tokens(texts[d]), pieces)}


def groups(arrays: Arrays, docnums) -> tuple[int, list[tuple[int, list[int]]]]:
    """(total, [(order, [comment ids ascending])]) in text order for matching docnums."""
    orders, eids = arrays.order, arrays.eid
    out: dict[int, list[int]] = defaultdict(list)
    for docnum in docnums:
        out[orders[docnum]].append(eids[docnum])
    return len(docnums), [(order, sorted(ids)) for order, ids in sorted(out.items())]


def shortest(arrays: Arrays, matched: list[int], k: int) -> list[int]:
    """The k matching docnums with the shortest bodies, ascending by docnum."""
    if len(matched) <= k:
        return matched
    blen = arrays.blen
    if len(matched) * 8 < len(blen):
        return sorted(heapq.nsmallest(k, matched, key=blen.__getitem__))
    if arrays.by_length is None:
        arrays.by_length = sorted(range(len(blen)), key=blen.__getitem__)
    wanted = set(matched)
    out = []
    for docnum in arrays.by_length:
        if docnum in wanted:
            out.append(docnum)
            if len(out) == k:
                break
    return sorted(out)


def bm25(searcher, docnums: list[int], node) -> dict[int, float]:
    """Sum of the BM25 scores of the query's (positive) bigram terms for the given ascending docnums."""
    words = []
    for text in node.positive_terms():
        for word, is_prefix in query_pieces(text):
            if not is_prefix and word not in words:
                words.append(word)
    scores: dict[int, float] = defaultdict(float)
    for word in words:
        try:
            matcher = searcher.postings("body", word)
        except TermNotFound:
            continue
        for docnum in docnums:
            if not matcher.is_active():
                break
            if matcher.id() < docnum:
                matcher.skip_to(docnum)
                if not matcher.is_active():
                    break
            if matcher.id() == docnum:
                scores[docnum] += matcher.score()
    return scores
