"""Reads of the public report: per article, per channel, per district, over time — from the released
snapshot (`ReleasedDecision`), or for staff before the release from the live decisions (a preview).

Nothing here returns personal data: counts, article labels, staff's summaries, districts.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, select

from consult.comments.models import Comment
from consult.comments.vocabulary import ANCHOR, CHANNEL, DECISION_OR_UNDECIDED, TEXT_ANCHORS, UNDECIDED
from consult.contact_points.models import ContactPoint, Meeting
from consult.drafts.models import Article, Draft, DraftVersion
from consult.extensions import db
from consult.report.models import ArticleSummary, ReleasedDecision, ReportRelease
from consult.report.services import COUNTED_STATES, report_version

TOP_ARTICLES = 20


@dataclass
class Report:
    """Which decisions a report shows: the released snapshot, or (preview) the live ones."""

    draft: Draft
    release: ReportRelease | None
    version: DraftVersion | None
    preview: bool
    source: object = field(repr=False)  # a subquery (comment_id, decision, reason)

    @property
    def is_released(self) -> bool:
        """True once staff released the report (the preview is for staff only)."""
        return self.release is not None


@dataclass
class ArticleRow:
    """One line of the report: an article (or 总体意见 / 名称 / 新增条款) and what became of its comments."""

    key: object  # article id, or the anchor kind for comments not on an article
    label: str
    caption: str = ""
    heading: str = ""  # the chapter/section heading printed before this article, if it starts one
    article: Article | None = None
    counts: dict = field(default_factory=dict)  # decision code (UNDECIDED for none) → number
    summary: str = ""

    @property
    def total(self) -> int:
        """Comments on this article."""
        return sum(self.counts.values())

    def decision_counts(self) -> list[tuple[str, str, int]]:
        """(code, label, number) for the four decisions and 未处理, in vocabulary order."""
        return [(term.code, str(term.label), self.counts.get(term.code, 0)) for term in DECISION_OR_UNDECIDED]


def release_of(draft: Draft) -> ReportRelease | None:
    """The draft's release, or None while the report is not public."""
    return db.session.get(ReportRelease, draft.id)


def article_summary(draft: Draft, article: Article) -> ArticleSummary | None:
    """Staff's summary of what changed in this article, if one was written."""
    return db.session.scalar(select(ArticleSummary).where(
        ArticleSummary.draft_id == draft.id, ArticleSummary.article_id == article.id))


def released_drafts() -> list[Draft]:
    """Drafts whose report is public, newest release first."""
    return list(db.session.scalars(select(Draft).join(ReportRelease, ReportRelease.draft_id == Draft.id)
                                   .order_by(ReportRelease.released_at.desc())))


def readiness(draft: Draft) -> dict:
    """What staff should know before releasing: comments counted, undecided, still pending, summaries."""
    counted = (Comment.draft_id == draft.id, Comment.moderation_state.in_(COUNTED_STATES))
    return {
        "counted": db.session.scalar(select(func.count(Comment.id)).where(*counted)) or 0,
        "undecided": db.session.scalar(select(func.count(Comment.id)).where(*counted,
                                                                            Comment.decision.is_(None))) or 0,
        "pending": db.session.scalar(select(func.count(Comment.id)).where(
            Comment.draft_id == draft.id, Comment.moderation_state == "pending")) or 0,
        "summaries": db.session.scalar(select(func.count(ArticleSummary.id)).where(
            ArticleSummary.draft_id == draft.id, ArticleSummary.text != "")) or 0,
        "unreleased_summaries": db.session.scalar(select(func.count(ArticleSummary.id)).where(
            ArticleSummary.draft_id == draft.id, ArticleSummary.text != ArticleSummary.released_text)) or 0,
    }


def load_report(draft: Draft, *, preview: bool) -> Report:
    """The report of a draft: released when there is a release (and not asked for a preview), else live."""
    release = release_of(draft)
    if release is not None and not preview:
        source = (select(ReleasedDecision.comment_id.label("comment_id"),
                         ReleasedDecision.decision.label("decision"), ReleasedDecision.reason.label("reason"))
                  .where(ReleasedDecision.draft_id == draft.id).subquery("decisions"))
        version = release.version or report_version(draft)
        return Report(draft, release, version, False, source)
    source = (select(Comment.id.label("comment_id"), Comment.decision.label("decision"),
                     Comment.decision_reason.label("reason"))
              .where(Comment.draft_id == draft.id, Comment.moderation_state.in_(COUNTED_STATES))
              .subquery("decisions"))
    return Report(draft, release, report_version(draft), True, source)


def _counted(report: Report, *columns):
    src = report.source
    return (select(*columns, func.count(src.c.comment_id)).select_from(src)
            .join(Comment, Comment.id == src.c.comment_id))


def article_rows(report: Report) -> list[ArticleRow]:
    """Every article of the report's version in text order, with 总体意见 / 名称 first and 新增条款 last."""
    src = report.source
    counts: dict = {}
    for kind, article_id, decision, n in db.session.execute(
            _counted(report, Comment.anchor_kind, Comment.article_id, src.c.decision)
            .group_by(Comment.anchor_kind, Comment.article_id, src.c.decision)):
        # a comment on an article that no longer exists counts with 新增条款 (not lost)
        key = article_id if article_id is not None else ("new_article" if kind in TEXT_ANCHORS else kind)
        row = counts.setdefault(key, Counter())
        row[decision or UNDECIDED] += n
    summaries = _summaries(report)
    version = report.version
    rows = [ArticleRow(kind, ANCHOR.label(kind), counts=dict(counts.pop(kind)))
            for kind in ("general", "title") if kind in counts]
    seen_division = None
    for article in (version.articles if version is not None else []):
        heading = ""
        if article.division is not None and article.division_id != seen_division:
            heading, seen_division = article.division.heading, article.division_id
        rows.append(ArticleRow(article.id, article.label, article.caption or "", heading, article,
                               dict(counts.pop(article.id, {})), summaries.get(article.id, "")))
    others = [key for key in counts if isinstance(key, int)]
    for article in (db.session.scalars(select(Article).where(Article.id.in_(others))
                                       .order_by(Article.version_id, Article.position)) if others else []):
        rows.append(ArticleRow(article.id, article.label, article.caption or "", "", article,
                               dict(counts.pop(article.id)), summaries.get(article.id, "")))
    if "new_article" in counts:
        rows.append(ArticleRow("new_article", ANCHOR.label("new_article"),
                               counts=dict(counts.pop("new_article"))))
    return rows


def _summaries(report: Report) -> dict[int, str]:
    column = ArticleSummary.text if report.preview else ArticleSummary.released_text
    return {article_id: text for article_id, text in db.session.execute(
        select(ArticleSummary.article_id, column).where(ArticleSummary.draft_id == report.draft.id)) if text}


def by_decision(report: Report) -> list[tuple[str, int]]:
    """(label, number) for the four decisions and 未处理."""
    src = report.source
    counts = {d or UNDECIDED: n for d, n in db.session.execute(
        select(src.c.decision, func.count(src.c.comment_id)).group_by(src.c.decision))}
    return [(str(term.label), counts.get(term.code, 0)) for term in DECISION_OR_UNDECIDED]


def by_channel(report: Report) -> list[tuple[str, int]]:
    """(channel label, number) in vocabulary order, channels without comments left out."""
    counts = dict(db.session.execute(_counted(report, Comment.channel).group_by(Comment.channel)).all())
    return [(str(term.label), counts[term.code]) for term in CHANNEL if counts.get(term.code)]


def by_district(report: Report) -> list[tuple[str, int]]:
    """(district of the contact point, number), most first; comments from no contact point on one line."""
    rows = db.session.execute(_counted(report, ContactPoint.district)
                              .outerjoin(ContactPoint, Comment.contact_point_id == ContactPoint.id)
                              .group_by(ContactPoint.district))
    return sorted(((district or _("（不经联系点）"), n) for district, n in rows), key=lambda r: (-r[1], r[0]))


def over_time(report: Report) -> list[tuple[str, int]]:
    """(day, number) of comments by the day they were made (meeting or letter date, else recorded)."""
    day = func.coalesce(Comment.submitted_on, func.date(Comment.created_at))
    days: Counter = Counter()
    for value, n in db.session.execute(_counted(report, day).group_by(day)):
        days[value.isoformat() if hasattr(value, "isoformat") else str(value)[:10]] += n
    return sorted(days.items())


def top_articles(rows: list[ArticleRow], limit: int = TOP_ARTICLES) -> list[tuple[str, int]]:
    """The articles that drew most comments, most first."""
    ranked = sorted((r for r in rows if r.total), key=lambda r: -r.total)[:limit]
    return [(r.label, r.total) for r in ranked]


def meeting_figures(report: Report) -> dict:
    """Contact points and meetings that contributed counted comments, and the attendance of those meetings."""
    src = report.source
    points = db.session.scalar(select(func.count(func.distinct(Comment.contact_point_id))).select_from(src)
                               .join(Comment, Comment.id == src.c.comment_id))
    meeting_ids = select(func.distinct(Comment.meeting_id)).select_from(src).join(
        Comment, Comment.id == src.c.comment_id).where(Comment.meeting_id.is_not(None))
    meetings, attendance = db.session.execute(
        select(func.count(Meeting.id), func.coalesce(func.sum(Meeting.attendance), 0))
        .where(Meeting.id.in_(meeting_ids))).one()
    return {"contact_points": points or 0, "meetings": meetings or 0, "attendance": attendance or 0}


def next_version(draft: Draft, version: DraftVersion | None) -> DraftVersion | None:
    """The version that came after the one the report follows (the text revised after the consultation)."""
    if version is None:
        return None
    return next((v for v in draft.versions if v.id > version.id), None)
