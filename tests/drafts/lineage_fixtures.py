"""Versions of the sample draft built by hand for the lineage tests: renumber, merge, split, insert 之一,
delete, reword, cross-references whose numbers changed.

A version is a list of `Entry` (body, optional suffix for 第X条之一); `numbered` gives each entry its label
in order (第一条, 第二条, 第二条之一, 第三条 …), `render` writes it as a .txt draft the importer reads.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from consult.config import PROJECT_ROOT
from consult.drafts.lineage import ArticleText
from consult.lawtext import article_label, cn_to_int, int_to_cn, parse_text

SAMPLE_TEXT = (PROJECT_ROOT / "drafts" / "tourism_promotion_draft.txt").read_text(encoding="utf-8")
SAMPLE = parse_text(SAMPLE_TEXT)
BODIES = ["\n".join(a.paragraphs) for a in SAMPLE.articles]   # BODIES[0] is 第一条
_REF_RE = re.compile(r"第([一二三四五六七八九十百]+)条")


@dataclass(frozen=True)
class Entry:
    body: str
    suffix: int | None = None   # 1 for 第X条之一 (keeps the previous entry's number)
    tag: str = ""               # what the test calls it (e.g. the old article it comes from)


def numbered(entries: list[Entry]) -> list[tuple[int, int | None, str, Entry]]:
    """(number, suffix, label, entry) for each entry, numbering as a drafting office would."""
    out, number = [], 0
    for entry in entries:
        if entry.suffix is None:
            number += 1
        out.append((number, entry.suffix, article_label(number, entry.suffix), entry))
    return out


def article_texts(entries: list[Entry], first_id: int) -> list[ArticleText]:
    """The matcher's input for a version; ids first_id, first_id + 1 … in text order."""
    return [ArticleText(id=first_id + position, label=label, number=number, suffix=suffix, position=position,
                        text=entry.body)
            for position, (number, suffix, label, entry) in enumerate(numbered(entries))]


def sample_entries() -> list[Entry]:
    """The sample draft's 53 articles, tagged "1" … "53"."""
    return [Entry(body, tag=str(index + 1)) for index, body in enumerate(BODIES)]


def renumber_references(entries: list[Entry], old_numbers: dict[str, int]) -> list[Entry]:
    """Rewrite 第X条 inside the bodies so that each points to the new number of the article it cited
    (old_numbers: tag → old number; the new number is found from the entries' order)."""
    new_number_of_tag = {entry.tag: number for number, _suffix, _label, entry in numbered(entries) if entry.tag}
    old_to_new = {old: new_number_of_tag[tag] for tag, old in old_numbers.items() if tag in new_number_of_tag}

    def replace(match):
        old = cn_to_int(match.group(1))
        return f"第{int_to_cn(old_to_new.get(old, old))}条"

    return [Entry(_REF_RE.sub(replace, entry.body), entry.suffix, entry.tag) for entry in entries]


def render(entries: list[Entry], title: str = "清江市全域旅游促进条例（草案）") -> str:
    """A .txt draft: the title, then each article as 第X条　body (paragraphs on their own lines)."""
    lines = [title, ""]
    for _number, _suffix, label, entry in numbered(entries):
        lines.append(f"{label}　{entry.body}")
    return "\n".join(lines) + "\n"
