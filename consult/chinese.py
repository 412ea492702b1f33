"""Folding Chinese text for matching: NFKC width folding, lower case, traditional → simplified (OpenCC t2s).

The search analysis chain starts here (`consult.search.analysis`), and imports use it to read
traditional-character spreadsheets (條款 → 条款, 座談會 → 座谈会). No Whoosh, no Flask.
"""
from __future__ import annotations

import unicodedata

_converter = None


def opencc_t2s():
    """The shared OpenCC traditional → simplified converter (created on first use)."""
    global _converter
    if _converter is None:
        import opencc

        _converter = opencc.OpenCC("t2s")
    return _converter


_last_normalized: tuple[str, str] = ("", "")


def normalize(text: str) -> str:
    """Fold width (NFKC), case and traditional characters (t2s) the same way for documents and queries."""
    global _last_normalized
    if not text:
        return ""
    last = _last_normalized
    if last[0] is text:  # the same body is analysed for two fields in a row (bigrams, n-grams)
        return last[1]
    out = opencc_t2s().convert(unicodedata.normalize("NFKC", text).lower())
    _last_normalized = (text, out)
    return out
