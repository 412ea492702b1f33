"""Article lineage (条文沿革) between two versions of a draft: which new article each old one became.

Pure: no database, no Flask. `match_articles(old, new)` links every article of the new text to the
article(s) of the old one it comes from:

- one-to-one (unchanged, renumbered, reworded) by an assignment solver
  (`scipy.optimize.linear_sum_assignment`) over a score that is mostly text similarity — TF-IDF
  weighted character 2- and 3-grams, so it works on Chinese without word segmentation and stock phrases
  every article shares (应当, 依照本条例, 人民政府) weigh little — plus position (where the neighbours'
  alignment predicts the article) and number as tie-breakers;
- merges (two old → one new, 合并) and splits (one old → two new, 拆分) by containment: the part of an
  unmatched old article that its would-be partner's other source does not already explain must be found
  in the new article (and the converse for splits);
- what is left is deleted (old) or added (new).

Texts are compared after `normalize_for_comparison`: whitespace, the article's own label and the
numbers inside cross-references (第十四条第二款 → 第#条第#款) do not count, so renumbering alone never
makes an article "modified". Vectors are sparse (scipy.sparse); no all-pairs Python loop, so two
1,300-article versions match in a fraction of a second.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.optimize import linear_sum_assignment

from consult.lawtext.normalize import fold, visible
from consult.lawtext.scanner import NUM

KINDS = ("unchanged", "modified")
SHAPES = ("one-to-one", "merge", "split")

# A cross-reference: 第十四条, 第三条之一, 第二款, 第（三）项, 第十条至第十二条, 第五、六条 … (after fold()).
_REF_RE = re.compile(rf"第\s*(?:{NUM}(?:\s*[、,，至和或及]\s*(?:第\s*)?{NUM})*|\(\s*{NUM}\s*\))"
                     rf"(?:\s*-\s*\d+)?\s*(条|款|项|目|章|节|编)(?:\s*之\s*{NUM})?")
_OWN_LABEL_RE = re.compile(rf"^\s*第\s*{NUM}(?:\s*-\s*\d+)?\s*条(?:\s*之\s*{NUM})?\s*[:：]?")

# Decision thresholds (on the TF-IDF cosine of the normalized texts).
ANCHOR_SIMILARITY = 0.6      # pairs this similar fix the alignment that predicts positions
BLOCK_SIMILARITY = 0.9       # the neighbours of a pair this similar count as near it, wherever it moved
FAR_LINK_SIMILARITY = 0.6    # a one-to-one pair needs this much text in common anywhere in the text …
LINK_SIMILARITY = 0.3        # … or this much near where the alignment expects it (NEAR_DISTANCE) …
NEAR_DISTANCE = 3
NEAR_LINK_SIMILARITY = 0.15  # … or this much when it sits exactly where the alignment expects it
CONTAINMENT = 0.6            # share of an article's distinctive n-grams found in its merge/split partner
SOFT_CONTAINMENT = 0.4       # the same, near and with a one-to-one-worthy cosine
WEAK_SIMILARITY = 0.5        # a one-to-one pair below this may give way to a merge/split …
RELINK_CONTAINMENT = 0.8     # … when the article sits this completely in another one nearby
POSITION_WEIGHT = 0.15
FAR_PENALTY = 0.4            # a far pair must beat the near ones by this much to take their place
NUMBER_WEIGHT = 0.02
COMMON_DF = 64               # n-grams in at least this many articles (and 10 %) are multiplied dense


@dataclass(frozen=True)
class ArticleText:
    """What the matcher needs to know of one article."""

    id: int
    label: str            # as printed: 第三条, 第五条之一
    number: int
    suffix: int | None
    position: int         # order in its version
    text: str             # the body, paragraphs joined by "\n"
    division: str = ""    # heading of the chapter/section it is in (not used for matching yet)


@dataclass
class ProposedLink:
    """One edge: old article `old_id` became (wholly or in part) new article `new_id`."""

    old_id: int
    new_id: int
    kind: str             # "unchanged" | "modified"
    shape: str            # "one-to-one" | "merge" | "split"
    similarity: float     # 0..1, `text_similarity` of the two texts


@dataclass
class Matching:
    """The proposed lineage: links, old articles deleted, new articles added (ids, in text order)."""

    links: list[ProposedLink] = field(default_factory=list)
    deleted: list[int] = field(default_factory=list)
    added: list[int] = field(default_factory=list)


def normalize_for_comparison(text: str, label: str | None = None) -> str:
    """The text as compared: folded, no whitespace, no own label, cross-reference numbers replaced by #."""
    text = fold(text or "")
    if label:
        folded_label = visible(fold(label))
        stripped = visible(text)
        if stripped.startswith(folded_label):
            text = stripped[len(folded_label):].lstrip(":：")
    text = _OWN_LABEL_RE.sub("", text, count=1)
    text = _REF_RE.sub(lambda m: f"第#{m.group(1)}", text)
    return visible(text)


def is_unchanged(old_text: str, new_text: str) -> bool:
    """True when two article texts differ only in whitespace, own number and cross-reference numbers."""
    return normalize_for_comparison(old_text) == normalize_for_comparison(new_text)


def _bigrams(text: str) -> Counter:
    return Counter(text[i:i + 2] for i in range(len(text) - 1)) if len(text) > 1 else Counter(text)


def text_similarity(old_text: str, new_text: str) -> float:
    """Similarity shown to people (0..1): Dice coefficient of the character bigrams of the normalized texts.

    Computed the same way for proposed and staff links, so the numbers on the review page compare.
    """
    return _dice(normalize_for_comparison(old_text), normalize_for_comparison(new_text))


def _dice(old_normalized: str, new_normalized: str) -> float:
    a, b = _bigrams(old_normalized), _bigrams(new_normalized)
    total = sum(a.values()) + sum(b.values())
    if not total:
        return 1.0
    return round(2 * sum((a & b).values()) / total, 3)


def derive_shapes(pairs: list[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """The shape of each (old, new) edge from the link graph: several old → one new is a merge, one old →
    several new a split, otherwise one-to-one."""
    into = Counter(new for _, new in pairs)
    out = Counter(old for old, _ in pairs)
    return {(old, new): "merge" if into[new] > 1 else "split" if out[old] > 1 else "one-to-one"
            for old, new in pairs}


# ---- vectors ------------------------------------------------------------------------------------------


class _Vectors:
    """Sparse TF-IDF rows (L2-normalized) and binary idf-weighted rows for the articles of both versions."""

    def __init__(self, texts: list[str]):
        n_docs = len(texts)
        codes, doc_of = [], []
        for doc, text in enumerate(texts):
            codes.append(np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64))
            doc_of.append(np.full(len(text), doc, dtype=np.int64))
        cp = np.concatenate(codes) if codes else np.zeros(0, dtype=np.int64)
        docs = np.concatenate(doc_of) if doc_of else np.zeros(0, dtype=np.int64)
        keys, rows = [], []
        for n in (2, 3):
            if len(cp) < n:
                continue
            valid = docs[:len(cp) - n + 1] == docs[n - 1:]
            key = np.zeros(len(cp) - n + 1, dtype=np.int64)
            for k in range(n):
                key = (key << 21) | cp[k:len(cp) - n + 1 + k]
            # 2-gram keys are < 2**42 and 3-gram keys >= 2**42 (a first character is never NUL): no clash
            keys.append(key[valid])
            rows.append(docs[:len(cp) - n + 1][valid])
        # a text of one character still needs a term
        singles = [doc for doc, text in enumerate(texts) if len(text) == 1]
        if singles:
            keys.append(np.array([int(cp[np.searchsorted(docs, d)]) for d in singles], dtype=np.int64))
            rows.append(np.array(singles, dtype=np.int64))
        key = np.concatenate(keys) if keys else np.zeros(0, dtype=np.int64)
        row = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
        _, col = np.unique(key, return_inverse=True)
        n_terms = int(col.max()) + 1 if len(col) else 0
        counts = sparse.csr_matrix((np.ones(len(col)), (row, col)), shape=(n_docs, n_terms))
        counts.sum_duplicates()
        df = np.bincount(counts.indices, minlength=n_terms)
        self.idf = np.log((n_docs + 1) / (df + 1)) + 1.0
        # n-grams in many articles make a sparse product slow (its cost is the sum of df_old × df_new):
        # their part of every product is done dense (BLAS), the rare ones sparse — the same numbers
        self.common = np.flatnonzero(df >= max(COMMON_DF, n_docs // 10))
        self.rare = np.flatnonzero(df < max(COMMON_DF, n_docs // 10))
        tf = counts.copy()
        tf.data = 1.0 + np.log(tf.data)
        tfidf = tf.multiply(self.idf).tocsr()
        norms = np.sqrt(np.asarray(tfidf.multiply(tfidf).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        self.tfidf = sparse.diags(1.0 / norms) @ tfidf
        binary = counts.copy()
        binary.data = np.ones_like(binary.data)
        self.binary = binary.tocsr()
        self.weighted = self.binary.multiply(self.idf).tocsr()
        self.idf_list = self.idf.tolist()
        self._sets: dict[int, frozenset] = {}

    def product(self, left: sparse.csr_matrix, right: sparse.csr_matrix) -> np.ndarray:
        """left @ right.T as a dense array (rows of this corpus' matrices)."""
        dense = left[:, self.common].toarray() @ right[:, self.common].toarray().T
        return dense + (left[:, self.rare] @ right[:, self.rare].T).toarray()

    def term_set(self, doc: int) -> frozenset:
        """The n-gram ids of article `doc` (small sets: Python set operations beat numpy's here)."""
        cached = self._sets.get(doc)
        if cached is None:
            cached = self._sets[doc] = frozenset(
                self.binary.indices[self.binary.indptr[doc]:self.binary.indptr[doc + 1]].tolist())
        return cached


def _increasing_subsequence(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest chain of (old, new) pairs increasing in both (drops crossing anchors)."""
    import bisect

    pairs = sorted(pairs)
    tails: list[int] = []
    tail_index: list[int] = []
    parent = [-1] * len(pairs)
    for i, (_, new) in enumerate(pairs):
        k = bisect.bisect_left(tails, new)
        if k == len(tails):
            tails.append(new)
            tail_index.append(i)
        else:
            tails[k] = new
            tail_index[k] = i
        parent[i] = tail_index[k - 1] if k else -1
    chain, i = [], tail_index[-1] if tail_index else -1
    while i >= 0:
        chain.append(pairs[i])
        i = parent[i]
    return chain[::-1]


def _predicted_positions(n_old: int, anchors: list[tuple[int, int]]) -> np.ndarray:
    """For each old index, the new index the anchors' alignment predicts (offset interpolation)."""
    chain = _increasing_subsequence(anchors)
    index = np.arange(n_old, dtype=float)
    if not chain:
        return index
    xs = np.array([o for o, _ in chain], dtype=float)
    offsets = np.array([n - o for o, n in chain], dtype=float)
    return index + np.interp(index, xs, offsets)


def _assign(score: np.ndarray) -> list[tuple[int, int]]:
    rows, cols = linear_sum_assignment(score, maximize=True)
    return list(zip(rows.tolist(), cols.tolist()))


# ---- the matcher --------------------------------------------------------------------------------------


def match_articles(old: list[ArticleText], new: list[ArticleText]) -> Matching:
    """Propose the lineage from `old` (previous version) to `new` (next version)."""
    old = sorted(old, key=lambda a: a.position)
    new = sorted(new, key=lambda a: a.position)
    n_old, n_new = len(old), len(new)
    if not n_old or not n_new:
        return Matching(deleted=[a.id for a in old], added=[a.id for a in new])
    old_norm = [normalize_for_comparison(a.text, a.label) for a in old]
    new_norm = [normalize_for_comparison(a.text, a.label) for a in new]
    vectors = _Vectors(old_norm + new_norm)
    tfidf_old, tfidf_new = vectors.tfidf[:n_old], vectors.tfidf[n_old:]
    cosine = vectors.product(tfidf_old, tfidf_new)
    # identical normalized texts are certain, whatever the n-grams say (very short or empty bodies)
    by_text: dict[str, list[int]] = {}
    for j, text in enumerate(new_norm):
        by_text.setdefault(text, []).append(j)
    for i, text in enumerate(old_norm):
        for j in by_text.get(text, ()):
            cosine[i, j] = 1.0
    cosine = np.clip(cosine, 0.0, 1.0)
    candidate = cosine >= NEAR_LINK_SIMILARITY
    # pass 1: text with a hint of relative position → anchors → predicted position of every old article
    relative = np.abs(np.arange(n_old)[:, None] / max(n_old - 1, 1)
                      - np.arange(n_new)[None, :] / max(n_new - 1, 1))
    first = _assign(np.where(candidate, cosine + 0.05 * (1.0 - relative), 0.0))
    anchors = [(i, j) for i, j in first if cosine[i, j] >= ANCHOR_SIMILARITY]
    predicted = _predicted_positions(n_old, anchors)

    # pass 2: text + closeness to the predicted position + same number, among the acceptable pairs only:
    # far from where the alignment expects it an article must be clearly the same text, unless its
    # neighbours moved with it (a block of articles moved together)
    distance = np.abs(np.arange(n_new)[None, :] - predicted[:, None])
    near = distance <= NEAR_DISTANCE
    for i, j in first:   # beside an (almost) identical pair that moved, an article moved with it
        if cosine[i, j] < BLOCK_SIMILARITY:
            continue
        if i + 1 < n_old and j + 1 < n_new:
            near[i + 1, j + 1] = True
        if i and j:
            near[i - 1, j - 1] = True
    acceptable = ((cosine >= FAR_LINK_SIMILARITY) | ((cosine >= LINK_SIMILARITY) & near)
                  | ((cosine >= NEAR_LINK_SIMILARITY) & (distance <= 1.0)))
    old_numbers = np.array([a.number * 1000 + (a.suffix or 0) for a in old], dtype=np.int64)
    new_numbers = np.array([a.number * 1000 + (a.suffix or 0) for a in new], dtype=np.int64)
    score = (cosine + POSITION_WEIGHT * np.exp(-distance / 1.5) - FAR_PENALTY * ~near
             + NUMBER_WEIGHT * (old_numbers[:, None] == new_numbers))
    pairs = [(i, j) for i, j in _assign(np.where(acceptable, score, 0.0)) if acceptable[i, j]]
    # merges and splits: containment of the unmatched remainder
    pairs, extra = _containment_links(vectors, n_old, n_new, pairs, cosine, distance)
    edges = pairs + extra
    linked_old = {i for i, _ in edges}
    linked_new = {j for _, j in edges}

    shapes = derive_shapes(edges)
    links = []
    for i, j in sorted(edges, key=lambda e: (e[1], e[0])):
        unchanged = old_norm[i] == new_norm[j] and shapes[(i, j)] == "one-to-one"
        links.append(ProposedLink(
            old_id=old[i].id, new_id=new[j].id, kind="unchanged" if unchanged else "modified",
            shape=shapes[(i, j)],
            similarity=1.0 if unchanged else min(_dice(old_norm[i], new_norm[j]), 0.999)))
    return Matching(links=links, deleted=[old[i].id for i in range(n_old) if i not in linked_old],
                    added=[new[j].id for j in range(n_new) if j not in linked_new])


def _share(vectors: _Vectors, doc: int, terms: frozenset, minus: frozenset | None) -> tuple[float, float]:
    """(weight of doc's distinctive terms also in `terms`, weight of doc's distinctive terms), where
    distinctive = not in `minus` (the text the partner's other source already explains)."""
    own = vectors.term_set(doc)
    if minus:
        own = own - minus
    idf = vectors.idf_list
    return sum(idf[t] for t in own & terms), sum(idf[t] for t in own)


def _top(row: np.ndarray, k: int = 5) -> np.ndarray:
    """Indices of the k largest values of `row`, largest first."""
    if len(row) > k:
        idx = np.argpartition(-row, k)[:k]
    else:
        idx = np.arange(len(row))
    return idx[np.argsort(-row[idx])]


def _containment_links(vectors: _Vectors, n_old: int, n_new: int, pairs: list[tuple[int, int]],
                       cosine: np.ndarray, distance: np.ndarray
                       ) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Merges (an old article inside a new one beside that one's own source) and splits (a new article
    inside an old one beside its own successor), by containment of the remainder: the part of the article
    that the partner's other side does not already explain must be found in the partner.

    Candidates are the articles the assignment left alone, and those it paired weakly (cosine below
    WEAK_SIMILARITY) when their text sits almost whole in another article (RELINK_CONTAINMENT): the weak
    pair is then dropped for the merge/split. Returns the one-to-one pairs kept and the extra edges.
    """
    partner_of_old = {i: j for i, j in pairs}
    partner_of_new = {j: i for i, j in pairs}
    weighted_old, weighted_new = vectors.weighted[:n_old], vectors.weighted[n_old:]
    binary_old, binary_new = vectors.binary[:n_old], vectors.binary[n_old:]
    min_weight = 4 * float(np.median(vectors.idf)) if len(vectors.idf) else 0.0
    edges: list[tuple[int, int]] = []

    def needed(weak: bool, near: bool, cos: float) -> float:
        if not near:       # merges and splits happen in place: a clause found far away is a stock phrase
            return 2.0
        if weak:
            return RELINK_CONTAINMENT
        return SOFT_CONTAINMENT if cos >= LINK_SIMILARITY else CONTAINMENT

    # merge: old article i went (mostly) into new article j together with j's own source
    olds = [i for i in range(n_old)
            if i not in partner_of_old or cosine[i, partner_of_old[i]] < WEAK_SIMILARITY]
    if olds:
        overlap = vectors.product(weighted_old[olds], binary_new)
        for row, i in enumerate(olds):
            current = partner_of_old.get(i)
            best, best_j = 0.0, None
            for j in _top(overlap[row]).tolist():
                source = partner_of_new.get(j)
                if j == current or source == i:
                    continue
                found, total = _share(vectors, i, vectors.term_set(n_old + j),
                                      vectors.term_set(source) if source is not None else None)
                share = found / total if total else 0.0
                near = distance[i, j] <= NEAR_DISTANCE + 1
                if total >= min_weight and share >= needed(current is not None, near, cosine[i, j]) and share > best:
                    best, best_j = share, j
            if best_j is not None:
                if current is not None:
                    del partner_of_old[i]
                    del partner_of_new[current]
                edges.append((i, best_j))

    # split: new article j came out of old article i, beside i's own successor
    merged_into = {j for _, j in edges}
    news = [j for j in range(n_new) if j not in merged_into and (
        j not in partner_of_new or cosine[partner_of_new[j], j] < WEAK_SIMILARITY)]
    if news:
        overlap = vectors.product(weighted_new[news], binary_old)
        for row, j in enumerate(news):
            current = partner_of_new.get(j)
            best, best_i = 0.0, None
            for i in _top(overlap[row]).tolist():
                successor = partner_of_old.get(i)
                if i == current or successor == j:
                    continue
                found, total = _share(vectors, n_old + j, vectors.term_set(i),
                                      vectors.term_set(n_old + successor) if successor is not None else None)
                share = found / total if total else 0.0
                near = distance[i, j] <= NEAR_DISTANCE + 1
                if total >= min_weight and share >= needed(current is not None, near, cosine[i, j]) and share > best:
                    best, best_i = share, i
            if best_i is not None:
                if current is not None:
                    del partner_of_new[j]
                    del partner_of_old[current]
                edges.append((best_i, j))
    return sorted(partner_of_old.items()), edges
