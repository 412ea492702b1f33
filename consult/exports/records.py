"""Plain records handed from `selection` to the builders: no Flask, no database, no models.

The builders (summary, feedback, sheet) only ever see these dataclasses, so they can be tested
and benchmarked with synthetic data.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from consult.comments.vocabulary import ANCHOR, DECISION_OR_UNDECIDED

# Section keys in text order: 总体意见 → 名称 → articles (by position) → 新增条款 → 其他意见.
SECTION_GENERAL = "general"
SECTION_TITLE = "title"
SECTION_ARTICLE = "article"
SECTION_NEW = "new_article"
SECTION_OTHER = "other"
SECTION_RANK = {SECTION_GENERAL: 0, SECTION_TITLE: 1, SECTION_ARTICLE: 2, SECTION_NEW: 3, SECTION_OTHER: 4}
SECTION_TITLES = {SECTION_GENERAL: ANCHOR.formal("general"), SECTION_TITLE: ANCHOR.formal("title"),
                  SECTION_NEW: ANCHOR.formal("new_article"), SECTION_OTHER: "其他意见"}
# The tally columns of a summary: each decision, then 未处理 (undecided), in the vocabulary's order.
TALLY_CODES = DECISION_OR_UNDECIDED.codes

ProgressFn = Callable[[int], None]


@dataclass(frozen=True)
class Fonts:
    """Font names for Word exports (config keys EXPORT_FONT_BODY / _HEADING / _TITLE)."""

    body: str = "仿宋_GB2312"
    heading: str = "黑体"
    title: str = "方正小标宋简体"


@dataclass
class CommentRow:
    """One comment as an export shows it; names already masked and contacts already dropped as allowed."""

    id: int
    section: str  # one of the SECTION_* keys
    article_id: int | None  # set for SECTION_ARTICLE
    anchor_label: str  # 第三条第一款第（二）项 / 总体意见 / 名称 / 新增条款
    body: str
    part_label: str = ""  # below the article: 第一款第（二）项 ("" for the whole article)
    reason: str = ""
    proposed_text: str = ""
    commenter: str = "匿名"  # masked unless the role may see names and asked for them
    contact: str = ""  # empty unless the role may export contacts and asked for them
    category: str = ""
    source: str = ""  # 来源: contact point + meeting, or the channel
    channel: str = ""
    contact_point_code: str = ""
    contact_point_name: str = ""
    district: str = ""
    meeting_date: str = ""
    submitted_on: str = ""
    created_at: str = ""
    receipt_code: str = ""
    moderation_state: str = ""
    decision: str = DECISION_OR_UNDECIDED.formal("none")  # formal wording for staff documents, e.g. 采纳
    decision_code: str | None = None  # None = not decided yet
    decision_reason: str = ""
    tags: str = ""
    internal_notes: str = ""
    wants_feedback: bool = False
    is_minor: bool = False
    duplicate_group_id: int | None = None  # only for confirmed groups
    duplicate_count: int = 1  # comments the row stands for (confirmed group members in the selection)
    duplicate_commenters: str = ""  # e.g. 张*、李* 等 3 人, for a group row
    duplicate_sources: str = ""


@dataclass
class OutlineEntry:
    """A heading of the text in reading order: a division (编/章/节) or an article (条)."""

    kind: str  # "division" or "article"
    heading: str  # 第二章 规划与建设 / 第三条
    level: int  # heading level, 1 = top
    article_id: int | None = None
    caption: str = ""
    paragraphs: list[str] = field(default_factory=list)
    count: int = 0  # selected comments on this article
    identical: int = 0  # of which in confirmed duplicate groups
    has_parts: bool = False  # some comment addresses a paragraph or item (the table keeps its 条款 column)
    tally: dict[str, int] = field(default_factory=dict)  # decision code (or "none") → comments


@dataclass
class SummaryStats:
    """Front-matter figures of a summary."""

    period: str = ""
    contact_points: int = 0
    meetings: int = 0
    meetings_with_attendance: int = 0  # meetings whose attendance was recorded
    participants: int = 0
    total: int = 0
    identical: int = 0
    by_channel: list[tuple[str, int]] = field(default_factory=list)
    top_articles: list[tuple[str, int]] = field(default_factory=list)
    section_counts: dict[str, tuple[int, int]] = field(default_factory=dict)  # section → (count, identical)
    tally: dict[str, int] = field(default_factory=dict)  # decision code (or "none") → comments, in total
    section_tally: dict[str, dict[str, int]] = field(default_factory=dict)  # general/title/new/other → tally


@dataclass
class SummaryData:
    """Everything the Word summary shows, with the comments as a text-ordered stream."""

    draft_title: str
    version_label: str
    stats: SummaryStats
    outline: list[OutlineEntry]
    comments: Iterable[CommentRow]
    filters_text: str = ""  # human description of the filter, empty for the whole draft
    show_empty_articles: bool = True
    with_text: bool = False
    generated_on: str = ""


@dataclass
class FeedbackLetter:
    """One 意见反馈函: to a contact point or to one commenter, listing comments with their decisions.

    Decisions are printed in the commenter's wording (`decision_public`): a letter never shows an
    internal state word. `is_draft` marks a 征求意见稿 sent before every comment is decided.
    """

    draft_title: str
    addressee: str  # contact point name, or the commenter's name as they gave it (it is their own letter)
    kind: str  # "contact_point" or "commenter"
    comments: list[CommentRow]
    period: str = ""
    sender: str = "市人大常委会法制工作委员会"  # ISSUING_BODY
    date: str = ""
    reference: str = ""  # contact point code or receipt code(s)
    doc_number: str = ""  # 文号, e.g. 清法工函〔2027〕12号
    is_draft: bool = False  # 征求意见稿


LETTER_TITLE = "意见反馈函"
DRAFT_MARK = "征求意见稿"


def letter_title(is_draft: bool) -> str:
    """意见反馈函, or 意见反馈函（征求意见稿） for a draft letter."""
    return f"{LETTER_TITLE}（{DRAFT_MARK}）" if is_draft else LETTER_TITLE


def tally_text(tally: dict[str, int]) -> str:
    """采纳 3 条，部分采纳 1 条，未采纳 0 条，待研究 0 条，未处理 8 条 (every decision, in order)."""
    return "，".join(f"{DECISION_OR_UNDECIDED.formal(code)} {tally.get(code, 0)} 条" for code in TALLY_CODES)


def summary_title(draft_title: str) -> str:
    """关于《……（草案）》征求意见情况的汇总."""
    return f"关于《{draft_title}》征求意见情况的汇总"


def duplicate_note(count: int, identical: int) -> str:
    """The count wording used everywhere: 12 条意见（其中 3 条相同）."""
    text = f"{count} 条意见"
    if identical:
        text += f"（其中 {identical} 条相同）"
    return text


def iter_progress(rows: Iterable[CommentRow], progress: ProgressFn | None, every: int = 500) -> Iterator:
    """Pass rows through, calling progress(n_done) every `every` rows and at the end."""
    n = 0
    for row in rows:
        yield row
        n += 1
        if progress is not None and n % every == 0:
            progress(n)
    if progress is not None:
        progress(n)
