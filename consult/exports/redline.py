"""The redline (修改痕迹) of an article between two versions: a readable character-level diff of Chinese text.

Pure Python, no Flask, no database. `diff-match-patch` does the diff (`diff_main`) and its semantic
clean-up (`diff_cleanupSemantic`, which folds coincidental one-character matches into the edits around
them). Chinese has no spaces to snap edits to, so two more passes keep a reworded clause one deletion and
one insertion instead of a confetti of single characters:

- an equality shorter than `MIN_EQUALITY` characters between two edits is folded into both of them
  (`……的管理` → `……之管理` keeps its 的/之 edit, but `劝阻` → `制止` never shows a lone shared 止);
- an edit that cuts a run of ASCII letters or digits (a year, an amount) is widened to the whole run, so
  `2027年` → `2028年` reads as one changed number, not a changed last digit.

Whitespace never counts as a change (full-width spaces, line starts): a deletion or insertion made only of
whitespace is kept in its side's text but not marked. Each side's spans, joined, give back that side's
text exactly (the tests check it), so a builder can split them into paragraphs at "\n".
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from diff_match_patch import diff_match_patch

EQUAL, DELETE, INSERT = 0, -1, 1
MIN_EQUALITY = 3  # characters: a shorter common run between two edits is not worth showing
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Span:
    """A run of one side's text; `marked` means deleted (old side) or inserted (new side)."""

    text: str
    marked: bool = False


@dataclass(frozen=True)
class Redline:
    """The two sides of a comparison: the old text with its deletions, the new text with its insertions."""

    old: tuple[Span, ...]
    new: tuple[Span, ...]

    @property
    def changed(self) -> bool:
        """True when some span is marked (a change other than whitespace)."""
        return any(s.marked for s in self.old) or any(s.marked for s in self.new)


def same_text(old: str, new: str) -> bool:
    """True when the texts differ at most in whitespace."""
    return _WHITESPACE.sub("", old or "") == _WHITESPACE.sub("", new or "")


def diff(old: str, new: str) -> list[tuple[int, str]]:
    """The cleaned-up diff as (op, text) pairs: EQUAL, DELETE or INSERT, a deletion before its insertion."""
    engine = diff_match_patch()
    engine.Diff_Timeout = 0  # exact diff: article texts are short, a cut-off diff is unreadable
    ops = engine.diff_main(old or "", new or "", False)
    engine.diff_cleanupSemantic(ops)
    ops = _normalise(ops)
    for _ in range(len(ops)):  # each pass removes at least one equality; stop when nothing changes
        merged = _normalise(_widen_tokens(_fold_tiny_equalities(ops)))
        if merged == ops:
            break
        ops = merged
    return ops


def redline(old: str, new: str) -> Redline:
    """The old side (deletions marked) and the new side (insertions marked) of two texts."""
    old_spans: list[Span] = []
    new_spans: list[Span] = []
    for op, text in diff(old, new):
        if op == EQUAL:
            old_spans.append(Span(text))
            new_spans.append(Span(text))
        elif op == DELETE:
            old_spans.append(Span(text, marked=not text.isspace()))
        else:
            new_spans.append(Span(text, marked=not text.isspace()))
    return Redline(tuple(_joined(old_spans)), tuple(_joined(new_spans)))


def unmarked(text: str) -> tuple[Span, ...]:
    """A text with no marks (an unchanged article, or one side of an added/deleted one drawn plainly)."""
    return (Span(text),) if text else ()


def all_marked(text: str) -> tuple[Span, ...]:
    """A text marked throughout (a deleted article's old text, an added article's new text)."""
    return tuple(Span(line, marked=not line.isspace()) for line in re.split(r"(\s+)", text) if line)


def split_lines(spans) -> list[list[Span]]:
    """The spans cut at each "\\n": one list of spans per line (paragraph), the newline itself dropped."""
    lines: list[list[Span]] = [[]]
    for span in spans:
        parts = span.text.split("\n")
        for index, part in enumerate(parts):
            if index:
                lines.append([])
            if part:
                lines[-1].append(Span(part, span.marked and not part.isspace()))
    return lines


def _is_blank_edit(group: list[tuple[int, str]]) -> bool:
    return all(text.isspace() for _, text in group)


def _groups(ops):
    """Alternate runs: ("equal", text) and ("edit", [(op, text), …])."""
    out: list = []
    for op, text in ops:
        if op == EQUAL:
            out.append(("equal", text))
        elif out and out[-1][0] == "edit":
            out[-1][1].append((op, text))
        else:
            out.append(("edit", [(op, text)]))
    return out


def _fold_tiny_equalities(ops):
    groups = _groups(ops)
    result: list[tuple[int, str]] = []
    index = 0
    while index < len(groups):
        kind, value = groups[index]
        if kind == "equal":
            before = groups[index - 1] if index else None
            after = groups[index + 1] if index + 1 < len(groups) else None
            if (len(value) < MIN_EQUALITY and before and after and before[0] == after[0] == "edit"
                    and not _is_blank_edit(before[1]) and not _is_blank_edit(after[1])):
                result.extend(((DELETE, value), (INSERT, value)))
            else:
                result.append((EQUAL, value))
        else:
            result.extend(value)
        index += 1
    return result


def _token_char(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _widen_tokens(ops):
    """Move the ASCII letters/digits of an equality that touch an edit into that edit."""
    groups = _groups(ops)
    for index, (kind, value) in enumerate(groups):
        if kind != "equal":
            continue
        before = groups[index - 1] if index else None
        after = groups[index + 1] if index + 1 < len(groups) else None
        head, tail = "", ""
        if after is not None and not _is_blank_edit(after[1]) and any(
                _token_char(t[:1]) for _, t in after[1]):
            stripped = value.rstrip("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
            tail, value = value[len(stripped):], stripped
        if before is not None and not _is_blank_edit(before[1]) and any(
                _token_char(t[-1:]) for _, t in before[1]):
            stripped = value.lstrip("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
            head, value = value[:len(value) - len(stripped)], stripped
        if head:
            before[1].extend(((DELETE, head), (INSERT, head)))
        if tail:
            after[1][:0] = [(DELETE, tail), (INSERT, tail)]
        groups[index] = ("equal", value)
    result: list[tuple[int, str]] = []
    for kind, value in groups:
        if kind == "equal":
            if value:
                result.append((EQUAL, value))
        else:
            result.extend(value)
    return result


def _normalise(ops):
    """Adjacent equalities joined; each run of edits as one deletion then one insertion; empty parts dropped."""
    result: list[tuple[int, str]] = []
    deleted, inserted = [], []

    def flush():
        if deleted:
            result.append((DELETE, "".join(deleted)))
        if inserted:
            result.append((INSERT, "".join(inserted)))
        deleted.clear()
        inserted.clear()

    for op, text in ops:
        if not text:
            continue
        if op == EQUAL:
            flush()
            if result and result[-1][0] == EQUAL:
                result[-1] = (EQUAL, result[-1][1] + text)
            else:
                result.append((EQUAL, text))
        elif op == DELETE:
            deleted.append(text)
        else:
            inserted.append(text)
    flush()
    return result


def _joined(spans: list[Span]) -> list[Span]:
    out: list[Span] = []
    for span in spans:
        if not span.text:
            continue
        if out and out[-1].marked == span.marked:
            out[-1] = Span(out[-1].text + span.text, span.marked)
        else:
            out.append(span)
    return out
