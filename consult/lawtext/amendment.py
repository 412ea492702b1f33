"""Amendment drafts (修改决定 / 修正案): numbered items 一、二、 are the units people comment on."""
from __future__ import annotations

import re

from consult.lawtext.checks import NumberingCheck, check_empty_articles
from consult.lawtext.model import ParsedArticle, ParsedDraft

_OPEN_QUOTES = "“「『"
# An instruction verb near the start tells a real next item from a numbered line inside quoted text.
_INSTRUCTION_RE = re.compile(r"将|在第|删去|删除|增加|修改|增设")
_CLOSE_QUOTES = "”」』"


def _quote_balance(text: str) -> int:
    return sum(text.count(q) for q in _OPEN_QUOTES) - sum(text.count(q) for q in _CLOSE_QUOTES)


def parse_amendment_body(draft: ParsedDraft, lines: list) -> None:
    """Turn the item list of an amendment draft into articles; text after the last item is trailing."""
    numbering = NumberingCheck(draft.warnings, amendment=True)
    last_item = max(i for i, ln in enumerate(lines) if ln.amend)
    item: ParsedArticle | None = None
    balance = 0
    for i, ln in enumerate(lines):
        # Inside an open quotation an item-like line is quoted article text, not a new item.
        if ln.amend and (item is None or balance <= 0 or (
                ln.number == item.number + 1 and _INSTRUCTION_RE.search(ln.rest[:20]))):
            if ln.markup:
                draft.markup.append((ln.no, ln.markup))
            item = ParsedArticle(ln.number, None, ln.label, None, None, [], False, ln.no)
            numbering.add(ln.number, None, ln.no)
            draft.articles.append(item)
            balance = 0
            if ln.rest:
                item.paragraphs.append(ln.rest)
                item.paragraph_lines.append(ln.no)
                balance = _quote_balance(ln.rest)
            continue
        if i > last_item and balance <= 0 and not ln.text.startswith(tuple(_OPEN_QUOTES)):
            for tail in lines[i:]:
                draft.trailing.append(tail.text)
                draft.trailing_lines.append(tail.no)
            break
        item.paragraphs.append(ln.text)
        item.paragraph_lines.append(ln.no)
        balance += _quote_balance(ln.text)
    check_empty_articles(draft)
    draft.warnings.sort(key=lambda w: (w.line or 0))
