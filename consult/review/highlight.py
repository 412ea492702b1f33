"""Where a duplicate differs from its group's representative, character by character, as escaped HTML.

Chinese has no spaces, so the diff works on characters (difflib, no junk heuristic). A raw character
diff of two near-copies is noisy: "消防安全设施" vs "消防设施" can come out as several one-character edits
split by single shared characters. The semantic clean-up folds an equal run lying between two edits,
when it is no longer than either of them, into them (diff-match-patch's `diff_cleanupSemantic` rule),
so staff read whole changed phrases.
"""
from __future__ import annotations

from difflib import SequenceMatcher

from markupsafe import Markup, escape

def char_diff(base: str, text: str) -> list[tuple[str, str]]:
    """(op, text) runs turning `base` into `text`: op is "=" kept, "-" only in base, "+" only in text."""
    base, text = base or "", text or ""
    runs: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, base, text, autojunk=False).get_opcodes():
        if tag == "equal":
            runs.append(("=", base[i1:i2]))
            continue
        if i2 > i1:
            runs.append(("-", base[i1:i2]))
        if j2 > j1:
            runs.append(("+", text[j1:j2]))
    return _cleanup(runs)


def _edit_size(runs: list[tuple[str, str]]) -> int:
    """Size of a stretch of edits: the longer of what it removes and what it adds."""
    removed = sum(len(c) for o, c in runs if o == "-")
    added = sum(len(c) for o, c in runs if o == "+")
    return max(removed, added)


def _stretch(runs: list[tuple[str, str]], start: int, step: int) -> list[tuple[str, str]]:
    out, index = [], start
    while 0 <= index < len(runs) and runs[index][0] != "=":
        out.append(runs[index])
        index += step
    return out


def _cleanup(runs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Fold an equal run no longer than the edits on both sides of it into them (diff-match-patch's rule),
    then merge neighbouring edits into one deletion and one insertion."""
    folded: list[tuple[str, str]] = []
    for index, (op, chunk) in enumerate(runs):
        before, after = _stretch(runs, index - 1, -1), _stretch(runs, index + 1, 1)
        if op == "=" and before and after and len(chunk) <= min(_edit_size(before), _edit_size(after)):
            folded += [("-", chunk), ("+", chunk)]
        else:
            folded.append((op, chunk))
    # Gather each stretch of edits as all deletions, then all insertions.
    merged: list[tuple[str, str]] = []
    stretch = {"-": "", "+": ""}
    for op, chunk in folded + [("=", "")]:
        if op != "=":
            stretch[op] += chunk
            continue
        merged += [(o, stretch[o]) for o in "-+" if stretch[o]]
        stretch = {"-": "", "+": ""}
        if chunk:
            if merged and merged[-1][0] == "=":
                merged[-1] = ("=", merged[-1][1] + chunk)
            else:
                merged.append(("=", chunk))
    return merged


def diff_html(base: str, text: str) -> Markup:
    """`text` as HTML with what differs from `base` marked: <ins> added, <del> left out (all escaped)."""
    parts = []
    for op, chunk in char_diff(base, text):
        if op == "=":
            parts.append(escape(chunk))
        elif op == "+":
            parts.append(Markup("<ins>%s</ins>") % chunk)
        else:
            parts.append(Markup("<del>%s</del>") % chunk)
    return Markup("").join(parts)
