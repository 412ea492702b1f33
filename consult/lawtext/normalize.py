"""Character folding used only for matching; display text always keeps the original characters."""
from __future__ import annotations

import re

# Zero-width and byte-order marks: invisible, so they count as whitespace everywhere in this package.
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u180e"
_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"


def _build_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0xFF01, 0xFF5F):
        table[code] = chr(code - 0xFEE0)
    for ch in ZERO_WIDTH + _SPACES + "\t\x0b\x0c":
        table[ord(ch)] = " "
    # Traditional and variant forms of the structural words; one character each so offsets survive.
    for src, dst in zip("條節編兩﹙﹚〔〕﹝﹞．", "条节编两()()().", strict=True):
        table[ord(src)] = dst
    return table


# Every mapping is one character to one character, so an index into the folded line is an index into
# the original line: regexes run on the folded text and slices are cut from the original.
_TABLE = _build_table()
STRIP_CHARS = " \t\r\n\x0b\x0c\x1c\x1d\x1e\x1f\x85\u2028\u2029" + ZERO_WIDTH + _SPACES
_INVISIBLE_RE = re.compile(f"[\\s{ZERO_WIDTH}]+")


def fold(text: str) -> str:
    """Fold width, spaces, zero-width marks and traditional structure words, one char for one char."""
    return text.translate(_TABLE)


def clean(text: str) -> str:
    """Strip whitespace and zero-width marks from both ends, keeping the inner text as written."""
    return text.strip(STRIP_CHARS)


def visible(text: str) -> str:
    """Return the text without any whitespace or zero-width marks (for comparisons and lengths)."""
    return _INVISIBLE_RE.sub("", text)
