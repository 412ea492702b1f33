"""Anomaly checks that turn into review warnings: numbering, empty articles, table of contents."""
from __future__ import annotations

from consult.lawtext.model import ParsedDraft, ParseWarning
from consult.lawtext.normalize import fold, visible
from consult.lawtext.numerals import article_label, int_to_cn


def _name(number: int, suffix: int | None, amendment: bool) -> str:
    return f"{int_to_cn(number)}、" if amendment else article_label(number, suffix)


class NumberingCheck:
    """Follows article (or amendment item) numbers in order and reports gaps, duplicates, disorder."""

    def __init__(self, warnings: list[ParseWarning], amendment: bool = False) -> None:
        self.warnings = warnings
        self.amendment = amendment
        self.seen: dict[tuple[int, int | None], int] = {}
        self.prev: tuple[int, int | None] | None = None

    def _warn(self, code: str, message: str, line: int) -> None:
        self.warnings.append(ParseWarning(code, message, line))

    def add(self, number: int, suffix: int | None, line: int) -> None:
        """Record the next label and warn when it does not follow the previous one."""
        key = (number, suffix)
        name = _name(number, suffix, self.amendment)
        if key in self.seen:
            self._warn("duplicate_number", f"编号重复：{name}（已在第 {self.seen[key]} 行出现）", line)
        elif self.prev is None:
            if number != 1 or suffix is not None:
                self._warn("numbering_gap", f"编号不从一开始：首个为{name}", line)
        else:
            self._check_order(number, suffix, name, line)
        self.seen.setdefault(key, line)
        self.prev = key

    def _check_order(self, number: int, suffix: int | None, name: str, line: int) -> None:
        prev_no, prev_suffix = self.prev
        prev_name = _name(prev_no, prev_suffix, self.amendment)
        if number < prev_no or (number == prev_no and (suffix or 0) <= (prev_suffix or 0)):
            self._warn("out_of_order", f"编号顺序错乱：{name}出现在{prev_name}之后", line)
        elif suffix is None and number > prev_no + 1:
            missing = _name(prev_no + 1, None, self.amendment)
            if number > prev_no + 2:
                missing += "至" + _name(number - 1, None, self.amendment)
            self._warn("numbering_gap", f"编号不连续：{prev_name}之后是{name}，缺少{missing}", line)
        elif suffix is not None and (number != prev_no or suffix != (prev_suffix or 0) + 1):
            self._warn("numbering_gap", f"编号不连续：{prev_name}之后是{name}", line)


def check_empty_articles(draft: ParsedDraft) -> None:
    """Warn about articles that carry a label but no text and are not marked deleted."""
    for art in draft.articles:
        if not art.paragraphs and not art.deleted:
            draft.warnings.append(ParseWarning(
                "empty_article", f"{art.label} 没有正文", art.line))


def division_key(level_kind: str, number: int, title: str) -> tuple[str, int, str]:
    """Return how a heading is compared between the table of contents and the body."""
    return (level_kind, number, visible(fold(title)))


def check_toc(draft: ParsedDraft, toc_keys: list[tuple[tuple[str, int, str], int, str]]) -> None:
    """Warn about headings listed in the table of contents that the body does not have."""
    body = {division_key(d.kind, d.number, d.title) for d in draft.divisions}
    body_numbers = {(d.kind, d.number) for d in draft.divisions}
    for key, line, text in toc_keys:
        if key in body:
            continue
        if (key[0], key[1]) in body_numbers:
            message = f"目录中的“{text}”与正文标题不一致"
        else:
            message = f"目录中的“{text}”在正文中找不到"
        draft.warnings.append(ParseWarning("toc_mismatch", message, line))


def check_division_numbering(draft: ParsedDraft) -> None:
    """Warn when chapters or sections skip or repeat a number under the same parent."""
    last: dict[tuple[int | None, str], int] = {}
    for div in draft.divisions:
        if div.number is None:
            continue  # an unnumbered heading (附则) neither breaks nor continues the sequence
        slot = (div.parent, div.kind)
        expected = last.get(slot, 0) + 1
        if div.number != expected:
            draft.warnings.append(ParseWarning(
                "division_numbering", f"{div.label} 编号不连续（预期第{int_to_cn(expected)}）", div.line))
        last[slot] = div.number

