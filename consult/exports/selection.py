"""Turn (draft, Selection, role options) into the builders' plain records, streaming in text order.

Memory stays bounded: comments are read with `yield_per` as plain column rows (no ORM identity map),
a first "census" pass keeps only counters (per article, per duplicate group, per meeting), and the
second pass converts one row at a time. The query text goes through the search's
`matching_comment_ids` (the only in-memory set is those ids).
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Iterator, Mapping

from flask_babel import gettext as _
from sqlalchemy import and_, case, func, select

from consult.comments.models import Comment, DuplicateGroup, Tag, comment_tags
from consult.comments.selection import Selection
from consult.comments.vocabulary import ANCHOR, CHANNEL, UNDECIDED, decision_formal
from consult.contact_points.models import ContactPoint, Meeting
from consult.drafts.models import Article, DraftVersion
from consult.drafts.queries import text_outline
from consult.exports.errors import ExportError
from consult.exports.records import (
    SECTION_ARTICLE, SECTION_GENERAL, SECTION_NEW, SECTION_OTHER, SECTION_TITLE, CommentRow, Fonts,
    OutlineEntry, SummaryData, SummaryStats)
from consult.exports.wording import (
    cn_date, commenter_text, consultation_period, local_time, scrub_contacts, source_text, titled)
from consult.extensions import db
from consult.lawtext import article_label, int_to_cn

YIELD_PER = 1000
# Without a moderation state asked for, an export covers the comments that count as received:
# published online comments and internally recorded ones (not pending, not rejected).
DEFAULT_STATES = ("published", "internal")
# Selection keys the search index can filter on (the rest is checked in SQL on the matches anyway).
_SEARCH_KEYS = ("version_id", "division_id", "article_id", "contact_point", "district", "channel", "category",
                "moderation_state", "decision", "tag", "date_from", "date_to")
TOP_ARTICLES = 5
_SECTION_BY_RANK = {0: SECTION_GENERAL, 1: SECTION_TITLE, 2: SECTION_ARTICLE, 3: SECTION_NEW,
                    4: SECTION_OTHER}


@dataclass(frozen=True)
class ExportOptions:
    """What an export may show: article text, real names, contact details, internal fields."""

    with_text: bool = False
    with_names: bool = False
    with_contacts: bool = False
    with_internal: bool = False
    fonts: Fonts = Fonts()


def fonts_from_config(config: Mapping) -> Fonts:
    """Fonts from the app config keys EXPORT_FONT_BODY / EXPORT_FONT_HEADING / EXPORT_FONT_TITLE."""
    default = Fonts()
    return Fonts(body=config.get("EXPORT_FONT_BODY") or default.body,
                 heading=config.get("EXPORT_FONT_HEADING") or default.heading,
                 title=config.get("EXPORT_FONT_TITLE") or default.title)


def options_for(user, *, with_text=False, with_names=False, with_contacts=False, fonts: Fonts | None = None
                ) -> ExportOptions:
    """Options for this user; asking for names/contacts the role may not see raises PermissionError."""
    from consult.accounts.permissions import can_decide, can_export_contacts, can_see_personal_data

    if with_names and not can_see_personal_data(user):
        raise PermissionError("names")
    if with_contacts and not can_export_contacts(user):
        raise PermissionError("contacts")
    return ExportOptions(with_text=bool(with_text), with_names=bool(with_names),
                         with_contacts=bool(with_contacts), with_internal=can_decide(user),
                         fonts=fonts or Fonts())


@dataclass
class ExportScope:
    """A validated Selection of a draft's comments, the version whose outline orders them, the options."""

    draft: object
    version: DraftVersion
    selection: Selection
    ids: set[int] | None = None  # the search's matches when the selection has a query
    options: ExportOptions = field(default_factory=ExportOptions)
    extra: list = field(default_factory=list)  # more SQL conditions (feedback letters)

    @property
    def query(self) -> str:
        """The full-text query of the selection ("" for none)."""
        return self.selection.query

    @property
    def is_whole_draft(self) -> bool:
        """True when nothing narrows the selection."""
        return not self.selection and not self.extra

    def conditions(self) -> list:
        """SQL conditions on Comment: the selection (received comments by default) and the extra ones."""
        return [*self.selection.conditions(default_states=DEFAULT_STATES), *self.extra]


def selection_for(draft, selection: Selection | Mapping | None) -> Selection:
    """The strict Selection of `draft` from a Selection or a mapping of keys (SelectionError if bad)."""
    if isinstance(selection, Selection):
        return selection.replace(draft_id=draft.id)
    return Selection.from_args(dict(selection or {}), draft=draft, strict=True)


def select_comments(draft, selection: Selection | Mapping | None = None, *,
                    options: ExportOptions | None = None, extra: list | None = None) -> ExportScope:
    """Validate the selection and run its query text through the search (UserError on bad input)."""
    if draft is None or draft.current_version is None:
        raise ExportError(_("草案不存在。"))
    sel = selection_for(draft, selection)
    version = db.session.get(DraftVersion, sel.version_id) if sel.version_id else draft.current_version
    ids = None
    if sel.query:
        # Imported here: the search stack (jieba, Whoosh) loads only for exports that search.
        from consult.search.queries import matching_comment_ids

        index_filters = sel.index_filters()
        search_filters = {k: index_filters[k] for k in _SEARCH_KEYS if k in index_filters}
        try:
            ids = set(matching_comment_ids(sel.query, draft_id=draft.id, filters=search_filters))
        except ValueError as exc:  # the search's query errors carry a user-facing message
            raise ExportError(str(exc.args[0]) if exc.args else str(exc), "query") from None
    return ExportScope(draft=draft, version=version, selection=sel, ids=ids,
                       options=options or ExportOptions(), extra=list(extra or ()))


def _section_rank(sel: ExportScope):
    return case((Comment.anchor_kind == "general", 0), (Comment.anchor_kind == "title", 1),
                (Comment.anchor_kind == "new_article", 3),
                (and_(Comment.article_id.is_not(None), Article.version_id == sel.version.id), 2), else_=4)


def _joined(sel: ExportScope, *columns):
    rank = _section_rank(sel)
    return (select(*columns, rank.label("section_rank"))
            .outerjoin(Article, Comment.article_id == Article.id)
            .outerjoin(ContactPoint, Comment.contact_point_id == ContactPoint.id)
            .outerjoin(Meeting, Comment.meeting_id == Meeting.id)
            .outerjoin(DuplicateGroup, Comment.duplicate_group_id == DuplicateGroup.id)
            .where(*sel.conditions())
            .order_by(rank, func.coalesce(Article.version_id, 0), func.coalesce(Article.position, -1),
                      func.coalesce(Comment.paragraph_no, 0), func.coalesce(Comment.item_no, 0), Comment.id)
            .execution_options(yield_per=YIELD_PER))


def _group_key(row) -> tuple | None:
    if row.duplicate_group_id is None or not row.confirmed:
        return None
    return row.duplicate_group_id, row.section_rank, row.article_id if row.section_rank == 2 else None


def _section_key(row) -> tuple:
    if row.section_rank == 2:
        return SECTION_ARTICLE, row.article_id
    return _SECTION_BY_RANK[row.section_rank], None


@dataclass
class Census:
    """Counters from a first pass over the selection (no comment text kept)."""

    total: int = 0
    sections: Counter = field(default_factory=Counter)  # section key → comments
    identical: Counter = field(default_factory=Counter)  # section key → comments in duplicate groups (≥ 2)
    groups: Counter = field(default_factory=Counter)  # group key → members in the selection
    group_people: dict = field(default_factory=lambda: defaultdict(list))
    group_sources: dict = field(default_factory=lambda: defaultdict(list))
    group_overflow: set = field(default_factory=set)  # group keys with more than 3 distinct sources
    channels: Counter = field(default_factory=Counter)
    contact_points: set = field(default_factory=set)
    meetings: set = field(default_factory=set)
    tally: Counter = field(default_factory=Counter)  # (section key, decision code or "none") → comments
    with_parts: set = field(default_factory=set)  # article ids with a comment on a paragraph or item


def take_census(sel: ExportScope) -> Census:
    """Count the selection per section, duplicate group, channel, contact point and meeting."""
    census = Census()
    stmt = _joined(sel, Comment.id, Comment.article_id, Comment.channel, Comment.contact_point_id,
                   Comment.meeting_id, Comment.duplicate_group_id, DuplicateGroup.confirmed,
                   Comment.commenter_name, Comment.is_organisation, Comment.commenter_is_minor,
                   Comment.decision, Comment.paragraph_no, Comment.item_no,
                   ContactPoint.name.label("point_name"),
                   Meeting.held_on, Meeting.kind.label("meeting_kind"))
    for row in db.session.execute(stmt):
        if sel.ids is not None and row.id not in sel.ids:
            continue
        census.total += 1
        section = _section_key(row)
        census.sections[section] += 1
        census.tally[section, row.decision or UNDECIDED] += 1
        if row.section_rank == 2 and (row.paragraph_no or row.item_no):
            census.with_parts.add(row.article_id)
        census.channels[row.channel] += 1
        if row.contact_point_id is not None:
            census.contact_points.add(row.contact_point_id)
        if row.meeting_id is not None:
            census.meetings.add(row.meeting_id)
        key = _group_key(row)
        if key is not None:
            census.groups[key] += 1
            person = commenter_text(row.commenter_name, row.is_organisation, row.commenter_is_minor,
                                    sel.options.with_names)
            source = source_text(row.channel, row.point_name, row.held_on, row.meeting_kind)
            people, sources = census.group_people[key], census.group_sources[key]
            if person not in people and len(people) < 3:
                people.append(person)
            if source not in sources:
                if len(sources) < 3:
                    sources.append(source)
                else:
                    census.group_overflow.add(key)
    for key, members in census.groups.items():
        if members > 1:
            rank, article_id = key[1], key[2]
            section = (SECTION_ARTICLE, article_id) if rank == 2 else (_SECTION_BY_RANK[rank], None)
            census.identical[section] += members
    return census


def _anchor_label(row, version_labels: dict) -> str:
    if row.anchor_kind in ("general", "title", "new_article"):
        return ANCHOR.formal(row.anchor_kind)
    if row.number is None:
        return "原条文（已删除）"
    label = article_label(row.number, row.suffix) + _part_label(row)
    if row.section_rank != 2:
        label = f"（{version_labels.get(row.article_version_id, '')}）{label}"
    return label


def _part_label(row) -> str:
    """第一款第（二）项: the place below the article ("" for the whole article)."""
    label = f"第{int_to_cn(row.paragraph_no)}款" if row.paragraph_no else ""
    return label + (f"第（{int_to_cn(row.item_no)}）项" if row.item_no else "")


def _stream_columns():
    return (Comment.id, Comment.anchor_kind, Comment.article_id, Comment.paragraph_no, Comment.item_no,
            Comment.body, Comment.reason, Comment.proposed_text, Comment.commenter_name,
            Comment.commenter_category,
            Comment.commenter_contact, Comment.commenter_is_minor, Comment.is_organisation,
            Comment.wants_feedback,
            Comment.channel, Comment.submitted_on, Comment.created_at, Comment.receipt_code,
            Comment.moderation_state, Comment.decision, Comment.decision_reason, Comment.internal_notes,
            Comment.duplicate_group_id, DuplicateGroup.confirmed, Article.number, Article.suffix,
            Article.version_id.label("article_version_id"), ContactPoint.code.label("point_code"),
            ContactPoint.name.label("point_name"), ContactPoint.district, Meeting.held_on,
            Meeting.kind.label("meeting_kind"))


def iter_rows(sel: ExportScope, *, collapse: Census | None = None,
              with_tags: bool = False) -> Iterator[CommentRow]:
    """The selected comments as CommentRows in text order; with a census, confirmed groups fold to one row."""
    opts = sel.options
    version_labels = dict(db.session.execute(select(DraftVersion.id, DraftVersion.label).where(
        DraftVersion.draft_id == sel.draft.id)).all())
    seen_groups: set[tuple] = set()
    result = db.session.execute(_joined(sel, *_stream_columns()))
    for partition in result.partitions():
        rows = [r for r in partition if sel.ids is None or r.id in sel.ids]
        tags = _tags_of([r.id for r in rows]) if with_tags else {}
        for r in rows:
            key = _group_key(r)
            members = collapse.groups.get(key, 1) if collapse is not None and key is not None else 1
            if members > 1:
                if key in seen_groups:
                    continue
                seen_groups.add(key)
            scrub = (lambda text: text) if opts.with_contacts else scrub_contacts
            yield CommentRow(
                id=r.id, section=_SECTION_BY_RANK[r.section_rank],
                article_id=r.article_id if r.section_rank == 2 else None,
                anchor_label=_anchor_label(r, version_labels), part_label=_part_label(r), body=scrub(r.body),
                reason=scrub(r.reason or ""),
                proposed_text=scrub(r.proposed_text or ""),
                commenter=commenter_text(r.commenter_name, r.is_organisation, r.commenter_is_minor,
                                         opts.with_names),
                contact=(r.commenter_contact or "") if opts.with_contacts else "",
                category=r.commenter_category or "",
                source=source_text(r.channel, r.point_name, r.held_on, r.meeting_kind), channel=r.channel,
                contact_point_code=r.point_code or "", contact_point_name=r.point_name or "",
                district=r.district or "", meeting_date=r.held_on.isoformat() if r.held_on else "",
                submitted_on=r.submitted_on.isoformat() if r.submitted_on else "",
                created_at=local_time(r.created_at),
                receipt_code=r.receipt_code, moderation_state=r.moderation_state,
                decision=decision_formal(r.decision), decision_code=r.decision,
                decision_reason=r.decision_reason or "",
                tags="、".join(tags.get(r.id, ())),
                internal_notes=(r.internal_notes or "") if opts.with_internal else "",
                wants_feedback=bool(r.wants_feedback), is_minor=bool(r.commenter_is_minor),
                duplicate_group_id=r.duplicate_group_id if key is not None else None, duplicate_count=members,
                duplicate_commenters=_people(collapse, key, members),
                duplicate_sources=_sources(collapse, key, members))


def _people(census: Census | None, key, members: int) -> str:
    if census is None or members < 2:
        return ""
    people = census.group_people.get(key, [])
    return "、".join(people) + (f" 等 {members} 人" if members > len(people) else "")


def _sources(census: Census | None, key, members: int) -> str:
    if census is None or members < 2:
        return ""
    sources = census.group_sources.get(key, [])
    return "\n".join(sources) + ("\n等" if key in census.group_overflow else "")


def _tags_of(ids: list[int]) -> dict[int, list[str]]:
    if not ids:
        return {}
    rows = db.session.execute(select(comment_tags.c.comment_id, Tag.name)
                              .join(Tag, Tag.id == comment_tags.c.tag_id)
                              .where(comment_tags.c.comment_id.in_(ids)).order_by(Tag.name))
    tags: dict[int, list[str]] = defaultdict(list)
    for comment_id, name in rows:
        tags[comment_id].append(name)
    return tags


def count_selected(sel: ExportScope) -> int:
    """How many comments the selection holds."""
    if sel.ids is not None:
        return sum(1 for r in db.session.execute(_joined(sel, Comment.id)) if r.id in sel.ids)
    return db.session.scalar(select(func.count(Comment.id)).where(*sel.conditions())) or 0


def _outline(sel: ExportScope, census: Census) -> list[OutlineEntry]:
    entries: list[OutlineEntry] = []
    depth: dict[int, int] = {}
    for kind, obj in text_outline(sel.version):
        if kind == "division":
            depth[obj.id] = depth.get(obj.parent_id, 0) + 1 if obj.parent_id else 1
            entries.append(OutlineEntry("division", obj.heading, depth[obj.id]))
        else:
            key = (SECTION_ARTICLE, obj.id)
            entries.append(OutlineEntry(
                "article", obj.label, (depth.get(obj.division_id, 0) if obj.division_id else 0) + 1,
                article_id=obj.id, caption=obj.caption or "", paragraphs=list(obj.paragraphs or []),
                count=census.sections.get(key, 0), identical=census.identical.get(key, 0),
                has_parts=obj.id in census.with_parts, tally=_tally_of(census, key)))
    return entries


def _tally_of(census: Census, section_key: tuple) -> dict[str, int]:
    return {code: n for (key, code), n in census.tally.items() if key == section_key}


def summary_data(sel: ExportScope, *, include_earlier: bool = False) -> SummaryData:
    """Everything the Word summary needs, the comments as a lazy text-ordered stream.

    `include_earlier`: earlier readings' comments under the article each became (consult.exports.carried).
    """
    whole_draft = sel.is_whole_draft
    earlier = None
    if include_earlier:
        from consult.exports.carried import earlier_comments  # carried builds on this module

        earlier = earlier_comments(sel)
        sel = earlier.main
    census = take_census(sel)
    if earlier is not None:
        earlier.add_to(census)
    meeting_ids = set(census.meetings)
    if whole_draft:
        meeting_ids |= set(db.session.scalars(select(Meeting.id).where(Meeting.draft_id == sel.draft.id)))
    participants, counted, points = 0, 0, set(census.contact_points)
    ids = sorted(meeting_ids)
    for start in range(0, len(ids), 500):
        chunk = (select(Meeting.attendance, Meeting.contact_point_id)
                 .where(Meeting.id.in_(ids[start:start + 500])))
        for attendance, point_id in db.session.execute(chunk):
            if attendance:  # 0 is what a meeting without recorded attendance holds
                participants += attendance
                counted += 1
            points.add(point_id)
    tally: Counter = Counter()
    for (_key, code), n in census.tally.items():
        tally[code] += n
    outline = _outline(sel, census)
    ranked = sorted((e for e in outline if e.kind == "article" and e.count),
                    key=lambda e: (-e.count, e.article_id))
    stats = SummaryStats(
        period=consultation_period(sel.draft), contact_points=len(points), meetings=len(meeting_ids),
        meetings_with_attendance=counted, participants=participants, total=census.total,
        identical=sum(census.identical.values()), tally=dict(tally),
        by_channel=[(c.formal, census.channels[c.code]) for c in CHANNEL if census.channels.get(c.code)],
        top_articles=[(e.heading, e.count) for e in ranked[:TOP_ARTICLES]],
        section_counts={s: (census.sections.get((s, None), 0), census.identical.get((s, None), 0))
                        for s in (SECTION_GENERAL, SECTION_TITLE, SECTION_NEW, SECTION_OTHER)},
        section_tally={s: _tally_of(census, (s, None))
                       for s in (SECTION_GENERAL, SECTION_TITLE, SECTION_NEW, SECTION_OTHER)})
    comments = iter_rows(sel, collapse=census)
    if earlier is not None:
        comments = earlier.merged(comments, outline)
    return SummaryData(
        draft_title=titled(sel.draft.title, sel.version.label), version_label=sel.version.label, stats=stats,
        outline=outline,
        comments=comments, filters_text=sel.selection.describe(),
        show_empty_articles=whole_draft, with_text=sel.options.with_text,
        generated_on=cn_date(datetime.now(timezone.utc).replace(tzinfo=None)))
