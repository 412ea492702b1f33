"""Turn (draft, filters, query, role options) into the builders' plain records, streaming in text order.

Memory stays bounded: comments are read with `yield_per` as plain column rows (no ORM identity map),
a first "census" pass keeps only counters (per article, per duplicate group, per meeting), and the
second pass converts one row at a time. The query text goes through the search's
`matching_comment_ids` (the only in-memory set is those ids).
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Iterator, Mapping

from flask_babel import gettext as _
from sqlalchemy import and_, case, func, select

from consult.comments.models import (
    CHANNELS, Comment, ContactPoint, DuplicateGroup, Meeting, Tag, comment_tags)
from consult.drafts.models import Article, DraftVersion
from consult.drafts.queries import text_outline
from consult.exports.filters import ExportError, describe_filters, filter_conditions, parse_filters
from consult.exports.records import (
    CHANNEL_LABELS, DECISION_LABELS, SECTION_ARTICLE, SECTION_GENERAL, SECTION_NEW,
    SECTION_OTHER, SECTION_TITLE, CommentRow, Fonts, OutlineEntry, SummaryData, SummaryStats)
from consult.exports.wording import (
    cn_date, commenter_text, consultation_period, local_time, scrub_contacts, source_text, titled)
from consult.extensions import db
from consult.lawtext import article_label, int_to_cn

YIELD_PER = 1000
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
class Selection:
    """A validated selection of a draft's comments and the version whose outline orders them."""

    draft: object
    version: DraftVersion
    filters: dict
    query: str = ""
    ids: set[int] | None = None  # the search's matches when a query was given
    options: ExportOptions = field(default_factory=ExportOptions)
    extra: list = field(default_factory=list)  # more SQL conditions (feedback letters)

    @property
    def is_whole_draft(self) -> bool:
        """True when nothing narrows the selection."""
        return not self.filters and not self.query and not self.extra


def select_comments(draft, filters: Mapping | None = None, query: str = "",
                    options: ExportOptions | None = None, extra: list | None = None) -> Selection:
    """Validate filters and run the query text through the search (raises ExportError on bad input)."""
    if draft is None or draft.current_version is None:
        raise ExportError(_("草案不存在。"))
    clean = parse_filters(filters, draft)
    version = (db.session.get(DraftVersion, clean["version_id"]) if "version_id" in clean
               else draft.current_version)
    query = (query or "").strip()
    ids = None
    if query:
        try:
            from consult.search.queries import matching_comment_ids
        except ImportError:
            raise ExportError(_("全文检索暂不可用，请去掉检索词后再导出。"), "query") from None
        search_filters = {k: v.isoformat() if isinstance(v, date) else v for k, v in clean.items()}
        try:
            ids = set(matching_comment_ids(query, draft_id=draft.id, filters=search_filters))
        except ValueError as exc:  # the search's QueryError / FilterError carry a user-facing message
            raise ExportError(getattr(exc, "message", str(exc)), "query") from None
    return Selection(draft=draft, version=version, filters=clean, query=query, ids=ids,
                     options=options or ExportOptions(), extra=list(extra or ()))


def _section_rank(sel: Selection):
    return case((Comment.anchor_kind == "general", 0), (Comment.anchor_kind == "title", 1),
                (Comment.anchor_kind == "new_article", 3),
                (and_(Comment.article_id.is_not(None), Article.version_id == sel.version.id), 2), else_=4)


def _joined(sel: Selection, *columns):
    rank = _section_rank(sel)
    return (select(*columns, rank.label("section_rank"))
            .outerjoin(Article, Comment.article_id == Article.id)
            .outerjoin(ContactPoint, Comment.contact_point_id == ContactPoint.id)
            .outerjoin(Meeting, Comment.meeting_id == Meeting.id)
            .outerjoin(DuplicateGroup, Comment.duplicate_group_id == DuplicateGroup.id)
            .where(*filter_conditions(sel.draft, sel.filters), *sel.extra)
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


def take_census(sel: Selection) -> Census:
    """Count the selection per section, duplicate group, channel, contact point and meeting."""
    census = Census()
    stmt = _joined(sel, Comment.id, Comment.article_id, Comment.channel, Comment.contact_point_id,
                   Comment.meeting_id, Comment.duplicate_group_id, DuplicateGroup.confirmed,
                   Comment.commenter_name, Comment.is_organisation, Comment.commenter_is_minor,
                   ContactPoint.name.label("point_name"),
                   Meeting.held_on, Meeting.kind.label("meeting_kind"))
    for row in db.session.execute(stmt):
        if sel.ids is not None and row.id not in sel.ids:
            continue
        census.total += 1
        census.sections[_section_key(row)] += 1
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
    if row.anchor_kind == "general":
        return "总体意见"
    if row.anchor_kind == "title":
        return "名称"
    if row.anchor_kind == "new_article":
        return "新增条款"
    if row.number is None:
        return "原条文（已删除）"
    label = article_label(row.number, row.suffix)
    if row.paragraph_no:
        label += f"第{int_to_cn(row.paragraph_no)}款"
    if row.item_no:
        label += f"第（{int_to_cn(row.item_no)}）项"
    if row.section_rank != 2:
        label = f"（{version_labels.get(row.article_version_id, '')}）{label}"
    return label


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


def iter_rows(sel: Selection, *, collapse: Census | None = None,
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
                anchor_label=_anchor_label(r, version_labels), body=scrub(r.body),
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
                decision=DECISION_LABELS.get(r.decision, r.decision), decision_reason=r.decision_reason or "",
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
    return "、".join(sources) + (" 等" if key in census.group_overflow else "")


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


def count_selected(sel: Selection) -> int:
    """How many comments the selection holds."""
    if sel.ids is not None:
        return sum(1 for r in db.session.execute(_joined(sel, Comment.id)) if r.id in sel.ids)
    return db.session.scalar(select(func.count(Comment.id)).where(
        *filter_conditions(sel.draft, sel.filters), *sel.extra)) or 0


def _outline(sel: Selection, census: Census) -> list[OutlineEntry]:
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
                count=census.sections.get(key, 0), identical=census.identical.get(key, 0)))
    return entries


def summary_data(sel: Selection) -> SummaryData:
    """Everything the Word summary needs, the comments as a lazy text-ordered stream."""
    census = take_census(sel)
    meeting_ids = set(census.meetings)
    if sel.is_whole_draft:
        meeting_ids |= set(db.session.scalars(select(Meeting.id).where(Meeting.draft_id == sel.draft.id)))
    participants, points = 0, set(census.contact_points)
    ids = sorted(meeting_ids)
    for start in range(0, len(ids), 500):
        chunk = (select(Meeting.attendance, Meeting.contact_point_id)
                 .where(Meeting.id.in_(ids[start:start + 500])))
        for attendance, point_id in db.session.execute(chunk):
            participants += attendance or 0
            points.add(point_id)
    outline = _outline(sel, census)
    ranked = sorted((e for e in outline if e.kind == "article" and e.count),
                    key=lambda e: (-e.count, e.article_id))
    stats = SummaryStats(
        period=consultation_period(sel.draft), contact_points=len(points), meetings=len(meeting_ids),
        participants=participants, total=census.total, identical=sum(census.identical.values()),
        by_channel=[(CHANNEL_LABELS[c], census.channels[c]) for c in CHANNELS if census.channels.get(c)],
        top_articles=[(e.heading, e.count) for e in ranked[:TOP_ARTICLES]],
        section_counts={s: (census.sections.get((s, None), 0), census.identical.get((s, None), 0))
                        for s in (SECTION_GENERAL, SECTION_TITLE, SECTION_NEW, SECTION_OTHER)})
    return SummaryData(
        draft_title=titled(sel.draft.title, sel.version.label), version_label=sel.version.label, stats=stats,
        outline=outline,
        comments=iter_rows(sel, collapse=census), filters_text=describe_filters(sel.filters, sel.query),
        show_empty_articles=sel.is_whole_draft, with_text=sel.options.with_text,
        generated_on=cn_date(datetime.now(timezone.utc).replace(tzinfo=None)))
