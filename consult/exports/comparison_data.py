"""The comparison table's data (修改对照表): plain records, their arrangement in text order, and the query.

`arrange` is pure: old and new articles (plain `ArticleSide`s), the new version's outline and the lineage
links in, the rows of the table out, in the text order of the new version with the chapter headings
between and each deleted article in its old place (after the old article it followed). One row stands
for one connected group of the lineage: a one-to-one link, a merge (several old → one new) or a split
(one old → several new), so every article of either version appears exactly once.

`comparison_data` reads the database: the two versions through the lineage contract
(`consult.drafts.lineage_services.compare`, whose one-line errors it passes on), the links by article id
(`compose_edges`: the stored lineage, followed through the versions in between), and for the
old articles the comments adopted or partly adopted (修改说明) and how many comments each drew.
Both the Word builder (`comparison.py`) and the public "what changed" page read these records.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone

from flask_babel import gettext as _
from sqlalchemy import func, select

from consult.comments.models import Comment
from consult.comments.vocabulary import CHANNEL, DECISION
from consult.contact_points.models import ContactPoint
from consult.drafts.models import Article, Draft, DraftVersion
from consult.drafts.queries import text_outline
from consult.errors import UserError
from consult.exports.redline import Redline, Span, all_marked, redline, split_lines, unmarked
from consult.exports.wording import cn_date, scrub_contacts
from consult.extensions import db

# The decisions whose comments the 修改说明 column lists (the vocabulary's codes, never their words).
ADOPTED_CODES = ("adopted", "partly_adopted")
RECEIVED_STATES = ("published", "internal")  # what counts as received (as in every export)
STATUSES = ("unchanged", "modified", "merged", "split", "added", "deleted")
EXCERPT_CHARS = 60
EXCERPTS_SHOWN = 5


@dataclass(frozen=True)
class ArticleSide:
    """One article as a column shows it: its label as printed, caption, text (paragraphs joined by "\\n")."""

    id: int
    label: str
    text: str
    position: int = 0
    caption: str = ""

    @property
    def heading(self) -> str:
        """第三条, or 第三条【目的依据】 with a caption."""
        return self.label + (f"【{self.caption}】" if self.caption else "")


@dataclass(frozen=True)
class AdoptedComment:
    """A comment on an old article that was adopted or partly adopted: what the 修改说明 column lists."""

    decision_code: str
    source: str  # contact point name, or the channel (网上征求意见, 来信 …)
    excerpt: str = ""


@dataclass(frozen=True)
class Link:
    """A lineage edge between an old and a new article id (kind: "unchanged" or "modified")."""

    old_id: int
    new_id: int
    kind: str = "modified"


@dataclass(eq=False)  # rows are found by identity (two deleted rows may hold equal data)
class ComparisonRow:
    """A row of the table: a division heading (merged across the columns) or a group of articles."""

    kind: str  # "division" or "articles"
    heading: str = ""  # division: 第二章 游客与经营者
    level: int = 1
    status: str = ""  # one of STATUSES
    old: list[ArticleSide] = field(default_factory=list)
    new: list[ArticleSide] = field(default_factory=list)
    adopted: list[AdoptedComment] = field(default_factory=list)
    comment_count: int = 0  # comments received on the old article(s)

    @property
    def changed(self) -> bool:
        """False only for an unchanged article (renumbering alone is not a change)."""
        return self.kind == "articles" and self.status != "unchanged"

    @property
    def renumbered(self) -> bool:
        """A one-to-one row whose label differs between the versions."""
        return len(self.old) == len(self.new) == 1 and self.old[0].label != self.new[0].label

    def redline(self) -> Redline:
        """Old text with its deletions, new text with its insertions (an added/deleted side marked whole)."""
        old_text = "\n".join(a.text for a in self.old)
        new_text = "\n".join(a.text for a in self.new)
        if not self.new:
            return Redline(all_marked(old_text), ())
        if not self.old:
            return Redline((), all_marked(new_text))
        return redline(old_text, new_text)

    def columns(self) -> tuple[list[tuple[ArticleSide, list[list[Span]]]], list[tuple[ArticleSide, list]]]:
        """Each side as (article, its lines of spans): the redline cut back into the articles it joined."""
        marks = self.redline()
        return _per_article(self.old, marks.old), _per_article(self.new, marks.new)


@dataclass
class ComparisonData:
    """Everything the comparison table shows."""

    draft_title: str
    from_label: str
    to_label: str
    rows: list[ComparisonRow]
    confirmed: bool = True  # staff confirmed the lineage (else the table says it is a proposal)
    generated_on: str = ""
    changed_only: bool = False

    def counts(self) -> Counter:
        """Rows per status (articles only)."""
        return Counter(r.status for r in self.rows if r.kind == "articles")


def _per_article(articles: list[ArticleSide], spans) -> list[tuple[ArticleSide, list[list[Span]]]]:
    lines = split_lines(spans) if spans else [[]]
    out, start = [], 0
    for article in articles:
        count = len(article.text.split("\n"))
        out.append((article, lines[start:start + count]))
        start += count
    return out


def _components(links: list[Link]) -> list[tuple[set[int], set[int], set[str]]]:
    """Connected groups of the link graph: (old ids, new ids, kinds of their links)."""
    parent: dict[tuple, tuple] = {}

    def find(node):
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for link in links:
        parent[find(("old", link.old_id))] = find(("new", link.new_id))
    groups: dict[tuple, tuple[set, set, set]] = defaultdict(lambda: (set(), set(), set()))
    for link in links:
        olds, news, kinds = groups[find(("old", link.old_id))]
        olds.add(link.old_id)
        news.add(link.new_id)
        kinds.add(link.kind)
    return list(groups.values())


def _status(olds: list, news: list, kinds: set[str]) -> str:
    if not news:
        return "deleted"
    if not olds:
        return "added"
    if len(olds) > 1:
        return "merged"
    if len(news) > 1:
        return "split"
    return "unchanged" if kinds == {"unchanged"} else "modified"


def arrange(old: list[ArticleSide], new_outline: list[tuple[str, object]], links: list[Link], *,
            changed_only: bool = False) -> list[ComparisonRow]:
    """The table's rows in text order of the new version, deleted articles in their old place.

    `new_outline` is the new version in reading order: ("division", (heading, level)) and
    ("article", ArticleSide). Links naming an article of neither side are ignored.
    """
    old_by_id = {a.id: a for a in old}
    new_by_id = {a.id: a for kind, a in new_outline if kind == "article"}
    links = [l for l in links if l.old_id in old_by_id and l.new_id in new_by_id]
    component_of_new: dict[int, int] = {}
    groups = _components(links)
    for index, (_olds, news, _kinds) in enumerate(groups):
        for new_id in news:
            component_of_new[new_id] = index
    rows: list[ComparisonRow] = []
    emitted: set[int] = set()
    for kind, obj in new_outline:
        if kind == "division":
            heading, level = obj
            rows.append(ComparisonRow("division", heading=heading, level=level))
            continue
        index = component_of_new.get(obj.id)
        if index is None:
            rows.append(ComparisonRow("articles", status="added", new=[obj]))
            continue
        if index in emitted:
            continue
        emitted.add(index)
        olds, news, kinds = groups[index]
        old_sides = sorted((old_by_id[i] for i in olds), key=lambda a: a.position)
        new_sides = sorted((new_by_id[i] for i in news), key=lambda a: a.position)
        rows.append(ComparisonRow("articles", status=_status(old_sides, new_sides, kinds),
                                  old=old_sides, new=new_sides))
    _place_deleted(rows, old, {i for olds, _n, _k in groups for i in olds})
    if changed_only:
        rows = _without_unchanged(rows)
    return rows


def _place_deleted(rows: list[ComparisonRow], old: list[ArticleSide], linked: set[int]) -> None:
    """Insert a row for each old article without a link right after the row holding the old article before it."""
    ordered = sorted(old, key=lambda a: a.position)
    row_of_old = {a.id: r for r in rows for a in r.old}
    pending_first: list[ComparisonRow] = []  # deleted before any linked old article
    previous_row: ComparisonRow | None = None
    for article in ordered:
        if article.id in linked:
            previous_row = row_of_old.get(article.id, previous_row)
            continue
        row = ComparisonRow("articles", status="deleted", old=[article])
        if previous_row is None:
            pending_first.append(row)
        else:
            rows.insert(rows.index(previous_row) + 1, row)
        previous_row = row
    if pending_first:
        first = next((i for i, r in enumerate(rows) if r.kind == "articles"), len(rows))
        rows[first:first] = pending_first


def _without_unchanged(rows: list[ComparisonRow]) -> list[ComparisonRow]:
    """Drop unchanged rows, then the headings with nothing left below them."""
    kept = [r for r in rows if r.kind == "division" or r.changed]
    out: list[ComparisonRow] = []
    for index, row in enumerate(kept):
        if row.kind == "division":
            following = next((r for r in kept[index + 1:] if r.kind == "articles" or r.level <= row.level),
                             None)
            if following is None or following.kind == "division":
                continue
        out.append(row)
    return out


# ---- Reading the database ---------------------------------------------------------------------------------


def _side(article: Article) -> ArticleSide:
    return ArticleSide(id=article.id, label=article.label, text=article.text, position=article.position,
                       caption=article.caption or "")


def new_outline(version: DraftVersion) -> list[tuple[str, object]]:
    """The version's reading order as `arrange` takes it."""
    depth: dict[int, int] = {}
    outline: list[tuple[str, object]] = []
    for kind, obj in text_outline(version):
        if kind == "division":
            depth[obj.id] = depth.get(obj.parent_id, 0) + 1 if obj.parent_id else 1
            outline.append(("division", (obj.heading, depth[obj.id])))
        elif not obj.deleted:  # a 第X条（删去） placeholder is not an article of the text
            outline.append(("article", _side(obj)))
    return outline


def resolve_versions(draft: Draft, from_ref=None, to_ref=None) -> tuple[DraftVersion, DraftVersion, dict]:
    """The two versions compared and the lineage contract's JSON (UserError: one line, for bad refs)."""
    from consult.drafts.lineage_services import compare  # the lineage owner's module (issue 10 §1)

    if draft is None or draft.current_version is None:
        raise UserError(_("草案不存在。"))
    result = compare(draft, from_ref or None, to_ref or None)
    old = db.session.get(DraftVersion, result["from"]["version_id"])
    new = db.session.get(DraftVersion, result["to"]["version_id"])
    return old, new, result


def _links(draft: Draft, old: DraftVersion, new: DraftVersion) -> list[Link]:
    """Links between the two versions by article id, followed through any version in between."""
    from consult.drafts.lineage_services import compose_edges

    return [Link(old_id, new_id, "unchanged" if status == "unchanged" else "modified")
            for (old_id, new_id), status in compose_edges(draft, old, new).items()]


def _comment_counts(article_ids: list[int]) -> dict[int, int]:
    if not article_ids:
        return {}
    rows = db.session.execute(
        select(Comment.article_id, func.count(Comment.id))
        .where(Comment.article_id.in_(article_ids), Comment.moderation_state.in_(RECEIVED_STATES))
        .group_by(Comment.article_id))
    return dict(rows.all())


def _adopted(article_ids: list[int]) -> dict[int, list[AdoptedComment]]:
    if not article_ids:
        return {}
    rows = db.session.execute(
        select(Comment.article_id, Comment.decision, Comment.channel, Comment.body,
               ContactPoint.name.label("point_name"))
        .outerjoin(ContactPoint, Comment.contact_point_id == ContactPoint.id)
        .where(Comment.article_id.in_(article_ids), Comment.moderation_state.in_(RECEIVED_STATES),
               Comment.decision.in_(ADOPTED_CODES))
        .order_by(Comment.article_id, Comment.id))
    found: dict[int, list[AdoptedComment]] = defaultdict(list)
    for r in rows:
        excerpt = scrub_contacts(" ".join((r.body or "").split()))
        if len(excerpt) > EXCERPT_CHARS:
            excerpt = excerpt[:EXCERPT_CHARS] + "……"
        found[r.article_id].append(AdoptedComment(
            r.decision, r.point_name or (CHANNEL.formal(r.channel) if r.channel else ""), excerpt))
    return found


def comparison_data(draft: Draft, from_ref=None, to_ref=None, *, changed_only: bool = False,
                    with_adopted: bool = True) -> ComparisonData:
    """The comparison table of two versions of `draft` (default: the previous one against the current one).

    `with_adopted=False` leaves the comment texts out (the public page shows counts only).
    """
    old, new, _result = resolve_versions(draft, from_ref, to_ref)
    old_sides = [_side(a) for a in old.articles if not a.deleted]
    rows = arrange(old_sides, new_outline(new), _links(draft, old, new), changed_only=changed_only)
    ids = [a.id for a in old_sides]
    counts = _comment_counts(ids)
    adopted = _adopted(ids) if with_adopted else {}
    for row in rows:
        row.comment_count = sum(counts.get(a.id, 0) for a in row.old)
        row.adopted = [c for a in row.old for c in adopted.get(a.id, ())]
    return ComparisonData(
        draft_title=draft.title, from_label=old.label, to_label=new.label, rows=rows,
        confirmed=getattr(new, "lineage_state", "") == "confirmed", changed_only=changed_only,
        generated_on=cn_date(datetime.now(timezone.utc).replace(tzinfo=None)))


def adopted_note(row: ComparisonRow) -> list[str]:
    """The 修改说明 lines of a row: what happened to the article, then the adopted comments by source."""
    lines = [_change_line(row)] if _change_line(row) else []
    if row.adopted:
        tally = Counter(c.decision_code for c in row.adopted)
        decided = "、".join(f"{DECISION.formal(code)} {tally[code]} 条" for code in ADOPTED_CODES if tally[code])
        lines.append(f"相关意见 {len(row.adopted)} 条（{decided}）：")
        by_source = Counter(c.source or "其他" for c in row.adopted)
        lines.extend(f"{source} {n} 条" for source, n in by_source.items())
        for number, comment in enumerate(row.adopted[:EXCERPTS_SHOWN], 1):
            lines.append(f"{number}. {comment.excerpt}（{DECISION.formal(comment.decision_code)}）")
        if len(row.adopted) > EXCERPTS_SHOWN:
            lines.append(f"等 {len(row.adopted)} 条")
    return lines


def _change_line(row: ComparisonRow) -> str:
    olds = "、".join(a.label for a in row.old)
    news = "、".join(a.label for a in row.new)
    if row.status == "deleted":
        return "删去本条。"
    if row.status == "added":
        return "新增本条。"
    if row.status == "merged":
        return f"将{olds}合并为{news}。"
    if row.status == "split":
        return f"将{olds}拆分为{news}。"
    if row.status == "modified":
        return f"修改本条（原{olds}）。" if row.renumbered else "修改本条。"
    return f"条文序号由{olds}调整为{news}。" if row.renumbered else ""


def export_comparison(draft: Draft, out, *, from_ref=None, to_ref=None, changed_only: bool = False,
                      fonts=None, actor=None) -> ComparisonData:
    """Write the comparison table .docx of two versions (UserError, nothing written, for bad refs); audited."""
    from consult.audit.services import record
    from consult.exports.comparison import build_comparison  # python-docx: only when writing
    from consult.exports.records import Fonts

    data = comparison_data(draft, from_ref, to_ref, changed_only=changed_only)
    build_comparison(data, out, fonts=fonts or Fonts())
    record(actor, "export.comparison", draft, from_version=data.from_label, to_version=data.to_label,
           changed_only=changed_only, **{k: v for k, v in data.counts().items()})
    return data
