"""Earlier readings' comments carried to today's articles, for the Word summary and the feedback letters.

A comment keeps the version and article it was made on. A summary of a later reading normally lists a
comment on an earlier reading's article under 其他意见 with that version's label. Asked to include them
(`--include-earlier`, the export form's checkbox), the summary puts each such comment under the article of
the current version it became (`consult.drafts.lineage_services.carried_statuses`), marked in the 条款 column
with the version and article it was made on and what became of that article (（草案）第三条第一款（条文已修改）);
comments on an article since deleted stay under 其他意见. Letters keep their order and say the same beside
each such comment.

The carried comments are read with a second query (the comments on earlier articles that still exist) and
kept in memory grouped by today's article (they are the comments of earlier readings only); the main stream
of the summary stays lazy and excludes them.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Iterable, Iterator

from sqlalchemy import or_, select

from consult.comments.models import Comment
from consult.comments.vocabulary import CARRIED_STATUS, UNDECIDED
from consult.exports.records import SECTION_ARTICLE, SECTION_RANK, CommentRow
from consult.exports.selection import Census, ExportScope, iter_rows, take_census
from consult.extensions import db


@dataclass(frozen=True)
class Carried:
    """Where an earlier article stands today: the current article's id and label, and its status."""

    article_id: int
    label: str
    status: str  # unchanged / modified / merged / split (CARRIED_STATUS)


def carried_map(draft, version) -> dict[int, Carried]:
    """Earlier articles of `draft` that live on in `version` (which must be the current one), by old id."""
    from consult.drafts.lineage_services import carried_statuses  # drafts sits below exports

    if version is None or not version.is_current:
        return {}
    return {old_id: Carried(c.article.id, c.article.label, c.status)
            for old_id, c in carried_statuses(draft).items()
            if c.article is not None and c.status != "current" and c.article.version_id == version.id}


def _articles_of(*conditions) -> dict[int, int]:
    """Comment id → the article it was made on (a CommentRow names it only in the current version)."""
    return dict(db.session.execute(select(Comment.id, Comment.article_id).where(*conditions)).all())


def mark(row: CommentRow, carried: Carried) -> str:
    """（草案）第三条第一款（条文已修改）: where the comment was made and what became of that article."""
    return f"{row.anchor_label}（{CARRIED_STATUS.formal(carried.status)}）"


@dataclass
class EarlierComments:
    """The earlier readings' comments of a summary, grouped under today's articles."""

    main: ExportScope  # the summary's scope without them
    rows: dict[int, list[CommentRow]] = field(default_factory=dict)  # today's article id → rows
    census: Census | None = None

    def add_to(self, census: Census) -> None:
        """Count them under today's articles (and in the totals, channels, points and meetings)."""
        if self.census is not None:
            census.total += self.census.total
            census.channels.update(self.census.channels)
            census.contact_points |= self.census.contact_points
            census.meetings |= self.census.meetings
        for article_id, rows in self.rows.items():
            key = (SECTION_ARTICLE, article_id)
            census.with_parts.add(article_id)  # the 条款 column shows where each was made
            for row in rows:
                census.sections[key] += row.duplicate_count
                if row.duplicate_count > 1:
                    census.identical[key] += row.duplicate_count
                census.tally[key, row.decision_code or UNDECIDED] += row.duplicate_count

    def merged(self, main: Iterable[CommentRow], outline) -> Iterator[CommentRow]:
        """The main stream with each article's earlier comments after its own ones, in text order."""
        order = {e.article_id: i for i, e in enumerate(outline) if e.kind == "article"}
        pending = sorted((a for a in self.rows if a in order), key=order.__getitem__)
        index = 0
        for row in main:
            if row.section == SECTION_ARTICLE:
                place = order.get(row.article_id, -1)
            else:
                place = -1 if SECTION_RANK[row.section] < SECTION_RANK[SECTION_ARTICLE] else float("inf")
            while index < len(pending) and order[pending[index]] < place:
                yield from self.rows[pending[index]]
                index += 1
            yield row
        for article_id in pending[index:]:
            yield from self.rows[article_id]


def earlier_comments(scope: ExportScope) -> EarlierComments:
    """Split the scope: the comments on earlier articles that live on today, and the rest (the main scope)."""
    carried = carried_map(scope.draft, scope.version)
    if not carried:
        return EarlierComments(main=scope)
    old_ids = sorted(carried)
    main = replace(scope, extra=[*scope.extra, or_(Comment.article_id.is_(None),
                                                   Comment.article_id.not_in(old_ids))])
    earlier = replace(scope, extra=[*scope.extra, Comment.article_id.in_(old_ids)])
    grouped: dict[int, list[CommentRow]] = defaultdict(list)
    made_on = _articles_of(Comment.article_id.in_(old_ids), Comment.draft_id == scope.draft.id)
    census = take_census(earlier)
    for row in iter_rows(earlier, collapse=census):  # a confirmed duplicate group: one row, as in the summary
        today = carried[made_on[row.id]]
        grouped[today.article_id].append(replace(
            row, section=SECTION_ARTICLE, part_label=mark(row, today), article_id=today.article_id))
    return EarlierComments(main=main, rows=dict(grouped), census=census)


def letter_marker(draft):
    """A function giving a letter whose earlier-reading comments say the article each became today."""
    carried = carried_map(draft, draft.current_version)

    def marked(letter):
        if not carried:
            return letter
        made_on = _articles_of(Comment.id.in_([r.id for r in letter.comments]))
        rows = []
        for row in letter.comments:
            today = carried.get(made_on.get(row.id)) if row.section != SECTION_ARTICLE else None
            if today is not None:
                row = replace(row, anchor_label=f"{mark(row, today)}\n现为{today.label}")
            rows.append(row)
        return replace(letter, comments=rows)

    return marked
