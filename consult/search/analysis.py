"""Chinese text analysis shared by indexing and querying (never rename: index schemas pickle these classes).

One chain for both sides: NFKC width folding → lower case → traditional→simplified (OpenCC `t2s`), then
* `BigramTokenizer` (field `body`): overlapping CJK bigrams inside each CJK run, plus the last character of
  each run as a unigram (so a one-character query finds every occurrence through a prefix query), plus whole
  Latin/digit words (`a级景区` → `a`, `级景`, `景区`, `区`). The field keeps no positions: a query of several
  tokens takes the documents holding all of them and then checks that the tokens are consecutive — for a
  pure-CJK query simply `query in normalized text` (the index keeps each document's normalised text in a
  column) — which is exactly "the query occurs as a substring" (punctuation and spaces aside).
* `WordTokenizer` (field `words`): jieba words of two or more characters, used only to rank whole-word
  matches first (a segmenter alone misses `域旅` inside `全域旅游`, bigrams do not).
"""
from __future__ import annotations

import re
import unicodedata

from whoosh.analysis import Token, Tokenizer

from consult.chinese import normalize, opencc_t2s as _opencc  # noqa: F401  (normalize is part of this chain)

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff"
RUN_RE = re.compile(f"([{_CJK}]+)|([0-9a-z\u00c0-\u024f]+)")
CJK_RE = re.compile(f"[{_CJK}]")
CJK_RUN_RE = re.compile(f"[{_CJK}]+")
CJK_GAP_RE = re.compile(f"(?<=[{_CJK}])\\s+(?=[{_CJK}])")

def normalize_aligned(text: str) -> str:
    """`normalize` that keeps one output character per input character (for highlighting offsets)."""
    folded = unicodedata.normalize("NFKC", text).lower()
    if len(folded) != len(text):
        folded = "".join(_fold_char(ch) for ch in text)
    converted = _opencc().convert(folded)
    if len(converted) == len(folded):
        return converted
    return "".join(ch if len(c := _opencc().convert(ch)) != 1 else c for ch in folded)


def _fold_char(ch: str) -> str:
    folded = unicodedata.normalize("NFKC", ch).lower()
    return folded if len(folded) == 1 else ch.lower()[:1] or ch


def bigram_tokens(normalized: str) -> list[str]:
    """Tokens of already-normalised text: CJK bigrams + run-final unigram, whole Latin/digit words."""
    out: list[str] = []
    append = out.append
    for match in RUN_RE.finditer(normalized):
        run = match.group(1)
        if run is None:
            append(match.group(2))
            continue
        for i in range(len(run) - 1):
            append(run[i:i + 2])
        append(run[-1])
    return out


def analyze(text: str) -> list[str]:
    """The `body` tokens of a raw text, in order (index side)."""
    return bigram_tokens(normalize(text))


_jieba_module = None


def _jieba():
    global _jieba_module
    if _jieba_module is None:
        import logging

        import jieba

        jieba.setLogLevel(logging.WARNING)
        _jieba_module = jieba
    return _jieba_module


def word_tokens(normalized: str) -> list[str]:
    """jieba words (two characters or more, containing CJK) of already-normalised text."""
    jieba = _jieba()
    return [w for w in jieba.cut(normalized, HMM=False) if len(w) > 1 and CJK_RE.search(w)]


class _ListTokenizer(Tokenizer):
    """Base: turn a list of token strings into Whoosh tokens with consecutive positions."""

    def tokens_for(self, value: str) -> list[str]:  # pragma: no cover - overridden
        raise NotImplementedError

    def __eq__(self, other):
        return other is not None and self.__class__ is other.__class__

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        """Yield one reused Token per token string (Whoosh's tokenizer protocol)."""
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        words = self.tokens_for(value) if tokenize else [value]
        for pos, word in enumerate(words, start_pos):
            token.text = word
            token.boost = 1.0
            token.stopped = False
            if positions:
                token.pos = pos
            if chars:
                token.startchar = start_char
                token.endchar = start_char
            yield token


class BigramTokenizer(_ListTokenizer):
    """Normalise, then CJK bigrams + run-final unigrams + Latin/digit words (the `body` field)."""

    def tokens_for(self, value: str) -> list[str]:
        """Tokens of one raw text."""
        return analyze(value)


class WordTokenizer(_ListTokenizer):
    """Normalise, then jieba words (the `words` field, for ranking whole words first)."""

    def tokens_for(self, value: str) -> list[str]:
        """Words of one raw text."""
        return word_tokens(normalize(value))


def BigramAnalyzer() -> BigramTokenizer:
    """The analyzer of the `body` field."""
    return BigramTokenizer()


def WordAnalyzer() -> WordTokenizer:
    """The analyzer of the `words` field."""
    return WordTokenizer()


# ---- query side -------------------------------------------------------------------------------------------

def query_pieces(term: str) -> list[tuple[str, bool]]:
    """Tokens a query term must match as consecutive positions, each with `is_prefix`.

    A CJK run that ends the term is a substring of some longer run in the text, so its final unigram is
    dropped (the text has a bigram there instead); a one-character final run becomes a prefix token.
    A run followed by a Latin word ends in the text too, so its unigram stays.
    """
    normalized = CJK_GAP_RE.sub("", normalize(term))  # "民宿 价格" means 民宿价格 in Chinese text
    matches = list(RUN_RE.finditer(normalized))
    pieces: list[tuple[str, bool]] = []
    for index, match in enumerate(matches):
        run = match.group(1)
        last = index == len(matches) - 1
        if run is None:
            pieces.append((match.group(2), False))
            continue
        for i in range(len(run) - 1):
            pieces.append((run[i:i + 2], False))
        if not last:
            pieces.append((run[-1], False))
        elif len(run) == 1:
            pieces.append((run, True))
    return pieces


def query_cjk_run(term: str) -> str | None:
    """The normalised term when it is one CJK run (punctuation aside), else None."""
    normalized = CJK_GAP_RE.sub("", normalize(term))
    matches = list(RUN_RE.finditer(normalized))
    if len(matches) == 1 and matches[0].group(1) is not None:
        return matches[0].group(1)
    return None


def has_sequence(tokens: list[str], pieces: list[tuple[str, bool]]) -> bool:
    """True when `pieces` (from `query_pieces`) occur as consecutive `tokens` (a prefix piece as a prefix)."""
    size = len(pieces)
    first, first_prefix = pieces[0]
    for start in range(len(tokens) - size + 1):
        if tokens[start] != first and not (first_prefix and tokens[start].startswith(first)):
            continue
        for offset in range(1, size):
            word, is_prefix = pieces[offset]
            token = tokens[start + offset]
            if token != word and not (is_prefix and token.startswith(word)):
                break
        else:
            return True
    return False


def query_words(term: str) -> list[str]:
    """Whole words of a query term (for the ranking boost)."""
    return word_tokens(normalize(term))
