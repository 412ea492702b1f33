"""Verbs of the public report: write an article's summary, release the report (and release it again).

Services flush, never commit (the view or command owns the transaction) and audit what staff do.

Hook for notifications (used by the citizen-accounts / notifications feature):

    from consult.report.services import report_released, released_decisions

    @report_released.connect
    def queue_feedback(draft, release, changed_since):
        ...  # add job rows; never commit, never send mail here

`report_released` is a blinker signal sent by `release_report` inside the release's transaction, after
the snapshot is flushed: a receiver adds rows (e.g. one job per draft) and they commit or roll back with
the release. `released_decisions(draft, since_revision=n)` then yields `(comment, released)` for every
comment whose released decision or reason changed after revision n (all of them for `since_revision=0`).
"""
from __future__ import annotations

from typing import Iterator

from blinker import Namespace
from flask_babel import gettext as _
from sqlalchemy import delete, func, insert, select

from consult.audit.services import record
from consult.comments.models import Comment
from consult.database import utcnow
from consult.drafts.models import Article, Draft, DraftVersion
from consult.errors import UserError
from consult.extensions import db
from consult.report.models import ArticleSummary, ReleasedDecision, ReportRelease

# Comments the report counts: published online comments and comments recorded at meetings, by letter …
# (内部记录). Pending ones are not counted until moderated; rejected ones (不予公开) never are.
COUNTED_STATES = ("published", "internal")
SUMMARY_MAX = 4000
_BATCH = 5000

signals = Namespace()
report_released = signals.signal("report-released")


class ReportError(UserError):
    """A report step refused: window still open, unknown article, text too long …"""


def save_article_summary(draft: Draft, article: Article, text: str, user) -> ArticleSummary:
    """Store staff's summary of what changed in `article` and why; public only with the next release."""
    if article.version.draft_id != draft.id:
        raise ReportError(_("该条文不属于这部草案。"), "text")
    text = (text or "").strip()
    if len(text) > SUMMARY_MAX:
        raise ReportError(_("说明不能超过 %(n)s 字。", n=SUMMARY_MAX), "text")
    summary = db.session.scalar(select(ArticleSummary).where(
        ArticleSummary.draft_id == draft.id, ArticleSummary.article_id == article.id))
    if summary is None:
        summary = ArticleSummary(draft_id=draft.id, article_id=article.id, released_text="")
        db.session.add(summary)
    summary.text = text
    summary.updated_by_id = getattr(user, "id", None)
    summary.updated_at = utcnow()
    db.session.flush()
    record(user, "report.summary", article, draft_id=draft.id, length=len(text))
    return summary


def report_version(draft: Draft) -> DraftVersion | None:
    """The version the report follows: the newest one the public commented on, else the current one."""
    version_id = db.session.scalar(
        select(func.max(Comment.version_id)).where(Comment.draft_id == draft.id,
                                                   Comment.moderation_state.in_(COUNTED_STATES)))
    return db.session.get(DraftVersion, version_id) if version_id else draft.current_version


def check_releasable(draft: Draft, now=None) -> None:
    """Refuse a release before the comment window has closed (or of a draft never published)."""
    if not draft.is_published:
        raise ReportError(_("草案尚未发布，不能发布意见处理情况报告。"))
    if draft.is_open(now):
        raise ReportError(_("征求意见期尚未结束，不能发布意见处理情况报告。请在截止后再发布。"))
    if draft.comment_opens_at and (now or utcnow()) < draft.comment_opens_at:
        raise ReportError(_("征求意见期尚未开始，不能发布意见处理情况报告。"))


def release_report(draft: Draft, user, now=None) -> ReportRelease:
    """Make the report public (or refresh it): snapshot every counted comment's decision and the summaries.

    A second release replaces the snapshot; each comment keeps the revision in which its decision last
    changed, so notifications can tell what is new. Refused while the comment window is open.
    """
    check_releasable(draft, now)
    now = now or utcnow()
    release = db.session.get(ReportRelease, draft.id)
    if release is None:
        release = ReportRelease(draft_id=draft.id, revision=0, first_released_at=now)
        db.session.add(release)
    revision = (release.revision or 0) + 1
    before = {row.comment_id: (row.decision, row.reason, row.changed_in) for row in db.session.execute(
        select(ReleasedDecision.comment_id, ReleasedDecision.decision, ReleasedDecision.reason,
               ReleasedDecision.changed_in).where(ReleasedDecision.draft_id == draft.id))}
    rows = []
    for comment_id, decision, reason in db.session.execute(
            select(Comment.id, Comment.decision, Comment.decision_reason)
            .where(Comment.draft_id == draft.id, Comment.moderation_state.in_(COUNTED_STATES))
            .order_by(Comment.id)):
        reason = reason or ""
        old = before.get(comment_id)
        changed_in = old[2] if old is not None and old[:2] == (decision, reason) else revision
        rows.append({"comment_id": comment_id, "draft_id": draft.id, "decision": decision, "reason": reason,
                     "changed_in": changed_in})
    db.session.execute(delete(ReleasedDecision).where(ReleasedDecision.draft_id == draft.id))
    for start in range(0, len(rows), _BATCH):
        db.session.execute(insert(ReleasedDecision), rows[start:start + _BATCH])
    for summary in db.session.scalars(select(ArticleSummary).where(ArticleSummary.draft_id == draft.id)):
        summary.released_text = summary.text
    release.version_id = getattr(report_version(draft), "id", None)
    release.revision = revision
    release.released_at = now
    release.released_by_id = getattr(user, "id", None)
    release.comment_count = len(rows)
    db.session.flush()
    changed = sum(1 for row in rows if row["changed_in"] == revision)
    record(user, "report.release", draft, revision=revision, comments=len(rows), changed=changed)
    report_released.send(draft, release=release, changed_since=revision - 1)
    return release


def released_decisions(draft: Draft, since_revision: int = 0) -> Iterator[tuple[Comment, ReleasedDecision]]:
    """(comment, its released decision) for each counted comment whose decision changed after a revision.

    `since_revision=0` gives every released comment; in comment order, loaded in batches.
    """
    query = (select(Comment, ReleasedDecision)
             .join(ReleasedDecision, ReleasedDecision.comment_id == Comment.id)
             .where(ReleasedDecision.draft_id == draft.id, ReleasedDecision.changed_in > since_revision)
             .order_by(Comment.id).execution_options(yield_per=1000))
    for comment, released in db.session.execute(query):
        yield comment, released
