"""Reading aids over many comments, pure (no Flask, no database): key terms and clusters per group.

A group is the comments of one article (or of 总体意见 / 名称 / 新增条款). Both aids read the text through
the search analysis chain (`consult.chinese.normalize`: width, case, traditional → simplified), then:

* **Words**: jieba words of two characters or more (`consult.search.analysis.word_tokens`, the same
  segmentation that ranks whole-word search matches), minus a short list of words every comment uses
  (建议, 应当 …). Segmentation is cached per clause (jieba segments each run between punctuation on its
  own, so the cache changes nothing but the time: real comments repeat clauses a lot).
* **Key terms** of a group: words that are distinctive of it against the whole draft, by the log-odds ratio
  with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008, "Fightin' Words"), counted in
  comments (a word counts once per comment). The prior is the draft's own word distribution, so words
  every article draws (建议, 管理) score near zero. A term inside a better-ranked one (民宿 under 民宿登记)
  or containing one is dropped: a reader sees words, not overlapping fragments.
* **Clusters**: comments that make the same point in different words. Features are the words plus the
  character bigrams inside words of three characters or more (停车场 / 停车位 share 停车), TF-IDF over the
  draft (sublinear tf, L2). Per group: average-linkage agglomerative clustering on cosine distance with a
  distance threshold when the group is small enough for a distance matrix (EXACT_LIMIT comments); a
  bigger group is clustered on a random sample of that size, then each comment joins the sample cluster
  whose mean vector it is most similar to (its dot product with the mean is exactly its mean similarity
  to the members) if that passes the same threshold. Each cluster
  gets its representative (the member closest to its centroid), its size and its own key terms (log-odds
  against the rest of its group).
"""
from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field

import numpy as np

from consult.chinese import opencc_t2s
from consult.search.analysis import word_tokens

# Words residents use whatever their point; never a key term or a clustering feature.
STOP_WORDS = frozenset("""
建议 希望 应当 应该 可以 需要 进行 相关 有关 部门 问题 我们 他们 大家 自己 这个 那个 一些 一个 没有 不能 能够
就是 还是 或者 以及 而且 但是 因为 所以 如果 对于 关于 通过 根据 其中 其他 以上 以下 之一 目前 现在 已经
非常 比较 特别 更加 进一步 尽快 及时 认为 觉得 表示 反映 提出 意见 条例 本条 规定 草案 内容 情况 方面 工作
加强 完善 明确 增加 落实 考虑 重视 参考 予以 谢谢 要求 强烈 群众 很多 不够 太多 太少 一定 必须 各种
实行 给予 不要 不得 提高 加大 设立 建立 规范 解决 方便 保障 影响 严重 经常
不好 不行 怎么办 什么 这样 那样 随便 专门 一条 一项 一款 条款 条文
""".split())

CLAUSE_RE = re.compile(r"[^\w]+")
# 第十二条, 第二款, 第（三）项: where a comment points, not what it says.
CITATION_RE = re.compile(r"^第[一二三四五六七八九十百千零〇两\d]+[编章节条款项目]")
EXACT_LIMIT = 2000  # comments per group clustered on a full distance matrix (2000² floats = 32 MB)


@dataclass
class Params:
    """The knobs of one analysis (stored with each run, so a result says how it was made)."""

    key_terms: int = 12  # key terms kept per group
    cluster_terms: int = 5  # key terms kept per cluster
    min_term_comments: int = 2  # a key term occurs in at least this many comments of its group
    distance_threshold: float = 0.86  # average-linkage cosine distance below which clusters merge
    min_cluster_size: int = 3  # smaller clusters are not shown as themes
    max_clusters: int = 30  # clusters kept per group (the largest)
    min_group: int = 6  # groups with fewer comments are not clustered
    prior_scale: float = 500.0  # total pseudo-count of the informative Dirichlet prior
    seed: int = 0

    def to_dict(self) -> dict:
        """The parameters as plain values."""
        return dict(self.__dict__)


@dataclass
class Term:
    """A key term: the word, its log-odds z-score and how many comments of its group use it."""

    word: str
    score: float
    comments: int


@dataclass
class Cluster:
    """Indexes (into the analysed texts) of the comments making one point, best representative first."""

    members: list[int]
    representative: int
    terms: list[Term] = field(default_factory=list)
    cohesion: float = 0.0  # mean cosine similarity of the members to their centroid

    @property
    def size(self) -> int:
        """How many comments the cluster holds."""
        return len(self.members)


@dataclass
class GroupResult:
    """What the analysis found for one group."""

    key: Hashable
    size: int
    terms: list[Term]
    clusters: list[Cluster]


# --- text → words ------------------------------------------------------------------------------------


def normalize_many(texts: Sequence[str]) -> list[str]:
    """`consult.chinese.normalize` over many texts at once (one OpenCC call for all of them)."""
    import unicodedata

    flat = "\n".join((t or "").replace("\n", " ").replace("\r", " ") for t in texts)
    converted = opencc_t2s().convert(unicodedata.normalize("NFKC", flat).lower()) if flat else ""
    out = converted.split("\n") if texts else []
    if len(out) != len(texts):  # NFKC or OpenCC produced a line break: fold text by text instead
        from consult.chinese import normalize

        out = [normalize((t or "").replace("\n", " ")) for t in texts]
    return out


class Segmenter:
    """Words and features of normalised texts, jieba segmentation cached per clause."""

    def __init__(self):
        self._cache: dict[str, tuple[list[str], list[str]]] = {}

    def clause(self, clause: str) -> tuple[list[str], list[str]]:
        """(words, extra features) of one clause."""
        found = self._cache.get(clause)
        if found is None:
            words = [w for w in word_tokens(clause) if w not in STOP_WORDS and not CITATION_RE.match(w)]
            extra = [w[i:i + 2] for w in words if len(w) > 2 for i in range(len(w) - 1)]
            found = self._cache[clause] = (words, extra)
            if len(self._cache) > 500_000:  # bounded memory on endlessly varied text
                self._cache.clear()
        return found

    def text(self, normalized: str) -> tuple[list[str], list[str]]:
        """(words, clustering features = words + inner bigrams) of one normalised text."""
        words: list[str] = []
        features: list[str] = []
        for clause in CLAUSE_RE.split(normalized):
            if clause:
                w, extra = self.clause(clause)
                words.extend(w)
                features.extend(w)
                features.extend(extra)
        return words, features


# --- key terms ------------------------------------------------------------------------------------------


def log_odds_z(counts: np.ndarray, totals: np.ndarray, prior: np.ndarray) -> np.ndarray:
    """Log-odds z-scores of each word for a group (`counts`) against the rest (`totals - counts`).

    `prior` is the Dirichlet pseudo-count of each word (the corpus distribution scaled)."""
    rest = totals - counts
    a0 = prior.sum()
    n_i, n_j = counts.sum(), rest.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        delta = (np.log(counts + prior) - np.log(n_i + a0 - counts - prior)
                 - np.log(rest + prior) + np.log(n_j + a0 - rest - prior))
        variance = 1.0 / (counts + prior) + 1.0 / (rest + prior)
        z = delta / np.sqrt(variance)
    return np.nan_to_num(z, nan=0.0, neginf=0.0, posinf=0.0)


def pick_terms(vocabulary: Sequence[str], scores: np.ndarray, counts: np.ndarray, limit: int,
               min_count: int) -> list[Term]:
    """The best-scoring words (positive score, in at least `min_count` comments), no overlapping ones."""
    order = np.argsort(-scores, kind="stable")
    chosen: list[Term] = []
    for index in order:
        score = float(scores[index])
        if score <= 0 or len(chosen) >= limit:
            break
        count = int(counts[index])
        if count < min_count:
            continue
        word = vocabulary[index]
        if any(word in t.word or t.word in word for t in chosen):
            continue
        chosen.append(Term(word, round(score, 3), count))
    return chosen


def group_terms(matrix, labels: np.ndarray, n_labels: int, vocabulary: Sequence[str], params: Params,
                limit: int, baseline=None) -> list[list[Term]]:
    """Key terms of each label's rows of a binary comment × word matrix, against all rows (or `baseline`).

    `baseline` (a 1 × V count vector) is the reference corpus when the rows are a subset of it."""
    import scipy.sparse as sp

    n = matrix.shape[0]
    indicator = sp.csr_matrix((np.ones(n, dtype=np.float32), (labels, np.arange(n))), shape=(n_labels, n))
    per_label = (indicator @ matrix).tocsr()
    totals = np.asarray(per_label.sum(axis=0)).ravel() if baseline is None else baseline
    prior = params.prior_scale * totals / max(totals.sum(), 1.0)
    out = []
    for label in range(n_labels):
        counts = per_label.getrow(label).toarray().ravel()
        if counts.sum() == 0:
            out.append([])
            continue
        if np.allclose(counts, totals):  # the only group: nothing to contrast, so its most used words
            scores = counts.astype(float)
        else:
            scores = log_odds_z(counts, totals, prior)
        out.append(pick_terms(vocabulary, scores, counts, limit, params.min_term_comments))
    return out


# --- clusters -------------------------------------------------------------------------------------------


def _average_linkage(vectors, threshold: float) -> np.ndarray:
    """Labels of average-linkage (UPGMA) clustering of rows on cosine distance 1 - dot product, cut at
    `threshold` (scipy's C implementation: about 0.15 s for 2,000 rows)."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    n = vectors.shape[0]
    if n < 2:
        return np.zeros(n, dtype=int)
    similarity = vectors @ vectors.T
    similarity = similarity.toarray() if hasattr(similarity, "toarray") else np.asarray(similarity)
    distance = np.clip(1.0 - similarity.astype(np.float64), 0.0, 2.0)
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(distance, checks=False), method="average")
    return fcluster(tree, t=threshold, criterion="distance") - 1


def cluster_rows(features, params: Params) -> np.ndarray:
    """Cluster labels of one group's L2-normalised feature rows (sparse).

    Up to EXACT_LIMIT rows: average linkage on every pair. Beyond: average linkage on a random sample of
    EXACT_LIMIT rows, then every row joins the sample cluster whose mean it is most similar to, provided
    that similarity (= its mean similarity to that cluster's members) passes the same threshold; the
    others stay alone. A point made by fewer than ~0.1 % of a big group's comments may then go unseen."""
    n = features.shape[0]
    if n <= EXACT_LIMIT:
        return _average_linkage(features, params.distance_threshold)
    import scipy.sparse as sp

    rng = np.random.default_rng(params.seed)
    sample = np.sort(rng.choice(n, size=EXACT_LIMIT, replace=False))
    sample_labels = _average_linkage(features[sample], params.distance_threshold)
    sizes = np.bincount(sample_labels)
    seeds = np.flatnonzero(sizes >= 2)
    labels = np.arange(n) + sizes.shape[0]  # by default every row alone (labels past the sample's)
    if seeds.size == 0:
        return labels
    relabel = np.full(sizes.shape[0], -1)
    relabel[seeds] = np.arange(seeds.size)
    kept = relabel[sample_labels] >= 0
    indicator = sp.csr_matrix((np.ones(int(kept.sum())), (relabel[sample_labels][kept], sample[kept])),
                              shape=(seeds.size, n))
    means = (indicator @ features).multiply(1.0 / sizes[seeds][:, None]).tocsr()
    best_label = np.empty(n, dtype=np.int64)
    best_sim = np.empty(n)
    for start in range(0, n, 20000):  # bounded memory: 20,000 × clusters similarities at a time
        block = np.asarray((features[start:start + 20000] @ means.T).todense())
        best_label[start:start + 20000] = block.argmax(axis=1)
        best_sim[start:start + 20000] = block.max(axis=1)
    joined = best_sim >= 1.0 - params.distance_threshold
    labels[joined] = best_label[joined]
    return labels


def clusters_of_group(rows: np.ndarray, features, words, vocabulary, params: Params,
                      word_totals: np.ndarray) -> list[Cluster]:
    """The clusters (largest first) of the comments `rows` (indexes into `features` / `words`)."""
    if len(rows) < params.min_group:
        return []
    x = features[rows]
    labels = cluster_rows(x, params)
    sizes = np.bincount(labels)
    kept = [label for label in np.argsort(-sizes, kind="stable") if sizes[label] >= params.min_cluster_size]
    kept = kept[:params.max_clusters]
    if not kept:
        return []
    relabel = np.full(sizes.shape[0], len(kept))
    relabel[kept] = np.arange(len(kept))
    term_labels = relabel[labels]
    terms = group_terms(words[rows], term_labels, len(kept) + 1, vocabulary, params, params.cluster_terms)
    clusters = []
    for position, label in enumerate(kept):
        member_pos = np.flatnonzero(labels == label)
        centroid = np.asarray(x[member_pos].mean(axis=0)).ravel()
        norm = np.linalg.norm(centroid)
        closeness = np.asarray(x[member_pos] @ (centroid / norm if norm else centroid)).ravel()
        order = np.argsort(-closeness, kind="stable")
        members = [int(rows[member_pos[i]]) for i in order]
        clusters.append(Cluster(members=members, representative=members[0], terms=terms[position],
                                cohesion=round(float(closeness.mean()), 4)))
    return clusters


# --- the whole analysis -------------------------------------------------------------------------------


def analyse(texts: Sequence[str], groups: Sequence[Hashable], params: Params | None = None,
            progress: Callable[[int, int], None] | None = None) -> list[GroupResult]:
    """Key terms and clusters of each group of `texts` (groups[i] is the group of texts[i]).

    Returns one GroupResult per group, in order of first appearance; cluster members are indexes into
    `texts`. `progress(done, total)` is told after each group."""
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

    params = params or Params()
    if len(texts) != len(groups):
        raise ValueError("texts and groups differ in length")
    if not texts:
        return []
    segmenter = Segmenter()
    words, features = zip(*(segmenter.text(t) for t in normalize_many(texts)))
    keys: dict[Hashable, int] = {}
    labels = np.fromiter((keys.setdefault(g, len(keys)) for g in groups), dtype=np.int64, count=len(groups))

    def identity(tokens):
        return tokens

    counter = CountVectorizer(analyzer=identity, binary=True, dtype=np.float32)
    try:
        word_matrix = counter.fit_transform(words).tocsr()
        vocabulary = counter.get_feature_names_out()
    except ValueError:  # not a single word in any comment (digits, punctuation)
        return [GroupResult(key, int((labels == i).sum()), [], []) for key, i in keys.items()]
    word_totals = np.asarray(word_matrix.sum(axis=0)).ravel()
    tfidf = TfidfVectorizer(analyzer=identity, sublinear_tf=True, min_df=2, dtype=np.float32)
    try:
        feature_matrix = tfidf.fit_transform(features).tocsr()
    except ValueError:
        feature_matrix = None
    all_terms = group_terms(word_matrix, labels, len(keys), vocabulary, params, params.key_terms)
    results = []
    order = np.argsort(labels, kind="stable")
    bounds = np.searchsorted(labels[order], np.arange(len(keys) + 1))
    for key, index in keys.items():
        rows = order[bounds[index]:bounds[index + 1]]
        clusters = ([] if feature_matrix is None else
                    clusters_of_group(rows, feature_matrix, word_matrix, vocabulary, params, word_totals))
        results.append(GroupResult(key, len(rows), all_terms[index], clusters))
        if progress is not None:
            progress(index + 1, len(keys))
    return results
