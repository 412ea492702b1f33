"""The Word summary 《关于《……（草案）》征求意见情况的汇总》: a pure builder, data in and a .docx out.

Layout: a portrait front matter (period, contact points, meetings and how many recorded attendance,
totals, the tally of decisions in total and per article, most-discussed articles), then a landscape
section in text order: 总体意见 → 名称 → every chapter heading and article (optionally its text) with one
table of its comments → 建议新增条款 → 其他意见.

The article is named once, in the heading above its table: the 条款 column then shows only the
paragraph/item (第一款第（二）项), and is left out of tables where no comment addresses one. Column widths
keep a date (2027-01-05) and a decision (部分采纳) on one line; tests/exports/test_summary_pdf.py renders the
document with LibreOffice and checks it.

Near-duplicates: the comments of one confirmed DuplicateGroup that sit under the same heading are
printed as ONE row standing for all of them, marked "（共 N 条相同意见）" with their commenters and
sources listed; the counts above each table read "N 条意见（其中 M 条相同）".
"""
from __future__ import annotations

from typing import IO, Iterator, Mapping

from consult.comments.vocabulary import DECISION_OR_UNDECIDED
from consult.exports.records import (
    SECTION_ARTICLE, SECTION_GENERAL, SECTION_NEW, SECTION_OTHER, SECTION_RANK, SECTION_TITLE, SECTION_TITLES,
    TALLY_CODES, CommentRow, Fonts, OutlineEntry, ProgressFn, SummaryData, SummaryStats, duplicate_note,
    iter_progress, summary_title, tally_text)
from consult.exports.wordlayout import (
    FastTable, add_body, add_heading, add_title, new_document, start_landscape_section)

# 247 mm: landscape A4 minus 25 mm margins. At 10.5 pt a CJK character is 3.7 mm and a date up to 21.5 mm
# (LibreOffice's fallback font has wide digits), plus 3.8 mm of cell padding: 来源 (46 mm) holds
# "民情沟通会 2027-01-05" on one line, 采纳情况 (20 mm) holds 部分采纳.
SUMMARY_HEADERS = ("序号", "条款", "修改意见或建议", "理由", "提出人/单位", "来源", "采纳情况", "说明")
SUMMARY_WIDTHS_MM = (14, 24, 63, 33, 24, 46, 20, 23)
# A table whose comments all address the whole article (or a section without articles) has no 条款 column.
PLAIN_HEADERS = SUMMARY_HEADERS[:1] + SUMMARY_HEADERS[2:]
PLAIN_WIDTHS_MM = (14, 77, 43, 24, 46, 20, 23)
# The front matter's tally (portrait, 156 mm).
TALLY_HEADERS = ("条款", "意见", *(DECISION_OR_UNDECIDED.formal(code) for code in TALLY_CODES))
TALLY_WIDTHS_MM = (40, 16, 20, 20, 20, 20, 20)


class SummaryOrderError(ValueError):
    """The comment stream was not in the text order of the outline (a selection bug, never user input)."""


def comment_cells(row: CommentRow, number: int, place: str | None = None) -> tuple:
    """The cells of a summary row for one comment (or one group of identical comments).

    `place` is what the 条款 column shows (the paragraph/item under an article heading); None drops it.
    """
    suggestion = row.body
    if row.proposed_text:
        suggestion += "\n建议修改为：" + row.proposed_text
    commenter = row.commenter + (f"（{row.category}）" if row.category else "")
    source = row.source
    if row.duplicate_count > 1:
        suggestion += f"\n（共 {row.duplicate_count} 条相同意见）"
        commenter = row.duplicate_commenters or commenter
        source = row.duplicate_sources or source
    if row.contact:
        commenter += "\n" + row.contact
    cells = (number, suggestion, row.reason, commenter, source, row.decision, row.decision_reason)
    return cells if place is None else (number, place, *cells[1:])


class _Stream:
    """A one-row look-ahead over the text-ordered comments, checking that the order holds."""

    def __init__(self, rows, rank_of):
        self._rows: Iterator[CommentRow] = iter(rows)
        self._rank_of = rank_of
        self._next: CommentRow | None = None
        self._last_rank: tuple = (-1, -1)
        self._advance()

    def _advance(self) -> None:
        self._next = next(self._rows, None)
        if self._next is not None:
            rank = self._rank_of(self._next)
            if rank < self._last_rank:
                raise SummaryOrderError(f"comment {self._next.id} is out of text order")
            self._last_rank = rank

    def take(self, rank: tuple) -> Iterator[CommentRow]:
        """Yield the rows of the section with this rank (rows of earlier sections are an order error)."""
        while self._next is not None and self._rank_of(self._next) == rank:
            row = self._next
            self._advance()
            yield row

    def has(self, rank: tuple) -> bool:
        """True when the next row belongs to the section with this rank."""
        return self._next is not None and self._rank_of(self._next) == rank

    def leftover(self) -> CommentRow | None:
        """The first row no section consumed, if any."""
        return self._next


def build_summary(data: SummaryData, out: str | IO[bytes], *, fonts: Fonts = Fonts(),
                  progress: ProgressFn | None = None, points: Mapping | None = None) -> int:
    """Write the summary .docx to `out` (a path or a binary file); return the number of table rows.

    `points` ({article id or section key: text}) are the staff's edited 意见要点 (consult.themes), printed
    under each heading above its table."""
    doc = new_document(fonts)
    _front_matter(doc, data)
    start_landscape_section(doc)
    positions = {e.article_id: i for i, e in enumerate(data.outline) if e.kind == "article"}

    def rank_of(row: CommentRow) -> tuple:
        if row.section == SECTION_ARTICLE:
            if row.article_id not in positions:
                raise SummaryOrderError(f"comment {row.id} is on an article outside the outline")
            return SECTION_RANK[SECTION_ARTICLE], positions[row.article_id]
        return SECTION_RANK[row.section], -1

    stream = _Stream(iter_progress(data.comments, progress), rank_of)
    writer = _RowWriter(doc)
    for section in (SECTION_GENERAL, SECTION_TITLE):
        _plain_section(doc, data, section, stream, writer)
    shown_divisions = _divisions_to_show(data)
    for index, entry in enumerate(data.outline):
        if entry.kind == "division":
            if index in shown_divisions:
                add_heading(doc, entry.heading, entry.level)
            continue
        rank = (SECTION_RANK[SECTION_ARTICLE], index)
        if not entry.count and not data.show_empty_articles and not stream.has(rank):
            continue
        _article(doc, data, entry, stream.take(rank), writer, (points or {}).get(entry.article_id))
    for section in (SECTION_NEW, SECTION_OTHER):
        _plain_section(doc, data, section, stream, writer)
    if stream.leftover() is not None:
        raise SummaryOrderError(f"comment {stream.leftover().id} was not placed in the summary")
    doc.save(out)
    return writer.number


def _front_matter(doc, data: SummaryData) -> None:
    stats = data.stats
    add_title(doc, summary_title(data.draft_title))
    add_heading(doc, "一、基本情况", 1)
    if stats.period:
        add_body(doc, f"征求意见时间：{stats.period}。")
    add_body(doc, f"本次征求意见共有 {stats.contact_points} 个基层立法联系点参与，{meetings_text(stats)}；"
                  f"共收到 {duplicate_note(stats.total, stats.identical)}。")
    if stats.by_channel:
        parts = "，".join(f"{label} {count} 条" for label, count in stats.by_channel)
        add_body(doc, f"按来源分：{parts}。")
    if data.filters_text:
        add_body(doc, f"本汇总的范围：{data.filters_text}。")
    if data.generated_on:
        add_body(doc, f"汇总日期：{data.generated_on}。")
    add_heading(doc, "二、采纳情况", 1)
    add_body(doc, f"共 {stats.total} 条意见，其中{tally_text(stats.tally)}。")
    if stats.total:
        _tally_table(doc, data)
    add_heading(doc, "三、意见较多的条款", 1)
    if stats.top_articles:
        for label, count in stats.top_articles:
            add_body(doc, f"{label}：{count} 条意见。")
    else:
        add_body(doc, "无。")


def meetings_text(stats: SummaryStats) -> str:
    """The meetings as the front matter says them, never implying attendance that was not recorded."""
    if not stats.meetings:
        return "未组织座谈会等活动"
    text = f"召开座谈会等活动 {stats.meetings} 场"
    if not stats.meetings_with_attendance:
        return text + "（均未记录参加人数）"
    if stats.meetings_with_attendance == stats.meetings:
        return text + f"，共 {stats.participants} 人次参加"
    return text + f"，其中 {stats.meetings_with_attendance} 场记录了参加人数，共 {stats.participants} 人次"


def _tally_table(doc, data: SummaryData) -> None:
    """Comments and decisions per article (and per section without an article), then the total."""
    table = FastTable(doc, TALLY_HEADERS, TALLY_WIDTHS_MM)

    def line(label: str, count: int, tally: dict) -> None:
        table.append((label, count, *(tally.get(code, 0) for code in TALLY_CODES)))

    def section(key: str) -> None:
        count = data.stats.section_counts.get(key, (0, 0))[0]
        if count:
            line(SECTION_TITLES[key], count, data.stats.section_tally.get(key, {}))

    section(SECTION_GENERAL)
    section(SECTION_TITLE)
    for entry in data.outline:
        if entry.kind == "article" and entry.count:
            line(entry.heading, entry.count, entry.tally)
    section(SECTION_NEW)
    section(SECTION_OTHER)
    line("合计", data.stats.total, data.stats.tally)


class _RowWriter:
    """Numbers rows continuously through the document and opens one table per heading."""

    def __init__(self, doc):
        self.doc = doc
        self.number = 0

    def table(self, rows, place=None) -> int:
        """Write the rows as one table (nothing when there are none); return how many were written.

        `place(row)` gives the 条款 cell; without it the table has no 条款 column.
        """
        table = None
        for row in rows:
            if table is None:
                headers, widths = ((SUMMARY_HEADERS, SUMMARY_WIDTHS_MM) if place
                                   else (PLAIN_HEADERS, PLAIN_WIDTHS_MM))
                table = FastTable(self.doc, headers, widths)
            self.number += 1
            table.append(comment_cells(row, self.number, place(row) if place else None))
        return table.rows if table is not None else 0


def _plain_section(doc, data: SummaryData, section: str, stream: _Stream, writer: _RowWriter) -> None:
    count, identical = data.stats.section_counts.get(section, (0, 0))
    rank = (SECTION_RANK[section], -1)
    if not count and not data.show_empty_articles and not stream.has(rank):
        return
    rows = stream.take(rank)
    add_heading(doc, SECTION_TITLES[section], 1)
    add_body(doc, f"共 {duplicate_note(count, identical)}。" if count else "无。")
    # 其他意见 gathers comments on articles of other versions: there the row must name its article.
    writer.table(rows, (lambda row: row.anchor_label) if section == SECTION_OTHER else None)


def _article(doc, data: SummaryData, entry: OutlineEntry, rows, writer: _RowWriter,
             points: str | None = None) -> None:
    add_heading(doc, entry.heading + (f"【{entry.caption}】" if entry.caption else ""), entry.level)
    if data.with_text:
        for paragraph in entry.paragraphs:
            add_body(doc, paragraph)
    if points:
        add_body(doc, "意见要点：", indent=False)
        for line in points.splitlines():
            if line.strip():
                add_body(doc, line.strip())
    if entry.count:
        decided = "，".join(f"{DECISION_OR_UNDECIDED.formal(code)} {entry.tally[code]} 条"
                           for code in TALLY_CODES if entry.tally.get(code))
        add_body(doc, f"本条共 {duplicate_note(entry.count, entry.identical)}：{decided}。", indent=False)
    else:
        add_body(doc, "本条无意见。", indent=False)
    writer.table(rows, (lambda row: row.part_label or "本条") if entry.has_parts else None)


def _divisions_to_show(data: SummaryData) -> set[int]:
    """Indexes of division headings to print: all of them, or those above a shown article."""
    shown: set[int] = set()
    open_divisions: list[tuple[int, int]] = []  # (level, index) of the divisions enclosing this point
    for index, entry in enumerate(data.outline):
        if entry.kind == "division":
            while open_divisions and open_divisions[-1][0] >= entry.level:
                open_divisions.pop()
            open_divisions.append((entry.level, index))
            if data.show_empty_articles:
                shown.add(index)
        elif entry.count:
            shown.update(i for _, i in open_divisions)
    return shown
