"""Theme verbs: start an analysis, compute it (the background job's body), decide a cluster, edit 意见要点.

Services flush, never commit — except `compute_run`, the body of a background job, which owns its own
session (see consult.themes.jobs) and commits its result in one transaction at the end.
"""
from __future__ import annotations

import time
from collections.abc import Callable

from flask_babel import gettext as _
from sqlalchemy import delete, func, insert, select

from consult.accounts.permissions import can_decide, is_staff
from consult.audit.services import record
from consult.comments.models import Comment
from consult.database import utcnow
from consult.errors import UserError
from consult.extensions import db
from consult.review.services import bulk_apply
from consult.themes.models import ArticlePoints, KeyTerm, Theme, ThemeMember, ThemeRun

ANALYSED_STATES = ("pending", "published", "internal")  # what the workbench shows: all but 不予公开
MAX_POINTS_LENGTH = 10000
POINT_EXCERPT = 160  # characters of a representative quoted in the prefilled 要点


class ThemeError(UserError):
    """A user-facing reason why a themes action changed nothing."""


def _require(predicate, actor) -> None:
    if actor is not None and not predicate(actor):
        raise ThemeError(_("您没有权限执行此操作。"))


def analysable_count(draft) -> int:
    """How many comments of the draft an analysis would read."""
    return db.session.scalar(select(func.count(Comment.id)).where(
        Comment.draft_id == draft.id, Comment.moderation_state.in_(ANALYSED_STATES))) or 0


def active_run(draft) -> ThemeRun | None:
    """The draft's run still queued or running, if any."""
    return db.session.scalar(select(ThemeRun).where(
        ThemeRun.draft_id == draft.id, ThemeRun.status.in_(("queued", "running")))
        .order_by(ThemeRun.id.desc()))


def start_run(draft, *, actor, params: dict | None = None) -> ThemeRun:
    """Queue an analysis of the draft's comments (the caller commits, then starts the job)."""
    from consult.themes.jobs import fail_if_abandoned

    _require(is_staff, actor)
    if draft is None or draft.current_version is None:
        raise ThemeError(_("找不到该草案。"))
    if analysable_count(draft) == 0:
        raise ThemeError(_("该草案还没有可分析的意见。"))
    running = active_run(draft)
    if running is not None and not fail_if_abandoned(running):
        raise ThemeError(_("本草案的意见主题分析正在进行，请等待完成。"))
    run = ThemeRun(draft_id=draft.id, status="queued", params=dict(params or {}),
                   created_by_id=getattr(actor, "id", None))
    db.session.add(run)
    db.session.flush()
    record(actor, "themes.run", draft, run=run.id)
    return run


def _anchor_of(article_id: int | None, anchor_kind: str) -> tuple[int | None, str]:
    """The anchor a comment is analysed under: its article, or its non-article section."""
    return (article_id, "article") if article_id is not None else (None, anchor_kind or "general")


def _load_comments(draft) -> tuple[list[int], list[str], list[tuple[int | None, str]]]:
    ids, texts, anchors = [], [], []
    rows = db.session.execute(
        select(Comment.id, Comment.body, Comment.proposed_text, Comment.article_id, Comment.anchor_kind)
        .where(Comment.draft_id == draft.id, Comment.moderation_state.in_(ANALYSED_STATES))
        .order_by(Comment.id).execution_options(yield_per=5000))
    for comment_id, body, proposed, article_id, anchor_kind in rows:
        ids.append(comment_id)
        texts.append(f"{body or ''}\n{proposed}" if proposed else (body or ""))
        anchors.append(_anchor_of(article_id, anchor_kind))
    return ids, texts, anchors


def compute_run(run: ThemeRun, progress: Callable[[int, int], None] | None = None) -> ThemeRun:
    """Analyse the run's draft and store key terms and clusters (replacing the draft's older runs)."""
    from consult.themes.analysis import Params, analyse

    from consult.drafts.models import Draft

    started = time.perf_counter()
    draft = db.session.get(Draft, run.draft_id)
    ids, texts, anchors = _load_comments(draft)
    if not ids:
        raise ThemeError(_("该草案还没有可分析的意见。"))
    known = {k: v for k, v in (run.params or {}).items() if k in Params().__dict__}
    params = Params(**known)
    results = analyse(texts, anchors, params, progress=progress)
    _store(run, results, ids)
    _drop_older_runs(run)
    run.status, run.comments, run.finished_at = "done", len(ids), utcnow()
    run.total = run.progress = len(results)
    run.params = params.to_dict()
    run.seconds = round(time.perf_counter() - started, 3)
    db.session.flush()
    return run


def _store(run: ThemeRun, results, ids: list[int]) -> None:
    term_rows, themes, member_lists = [], [], []
    for result in results:
        article_id, anchor_kind = result.key
        for rank, term in enumerate(result.terms, 1):
            term_rows.append(dict(run_id=run.id, article_id=article_id, anchor_kind=anchor_kind, rank=rank,
                                  term=term.word[:50], score=term.score, comments=term.comments))
        for rank, cluster in enumerate(result.clusters, 1):
            themes.append(Theme(run_id=run.id, draft_id=run.draft_id, article_id=article_id,
                                anchor_kind=anchor_kind, rank=rank, size=cluster.size,
                                cohesion=cluster.cohesion, terms=[t.word for t in cluster.terms],
                                representative_id=ids[cluster.representative]))
            member_lists.append(cluster.members)
    if term_rows:
        db.session.execute(insert(KeyTerm), term_rows)
    db.session.add_all(themes)
    db.session.flush()
    batch = []
    for theme, members in zip(themes, member_lists):
        for position, index in enumerate(members):
            batch.append(dict(theme_id=theme.id, comment_id=ids[index], position=position))
            if len(batch) >= 10000:
                db.session.execute(insert(ThemeMember), batch)
                batch = []
    if batch:
        db.session.execute(insert(ThemeMember), batch)


def _drop_older_runs(run: ThemeRun) -> None:
    older = select(ThemeRun.id).where(ThemeRun.draft_id == run.draft_id, ThemeRun.id != run.id,
                                      ThemeRun.status.in_(("done", "failed")))
    old_themes = select(Theme.id).where(Theme.run_id.in_(older))
    db.session.execute(delete(ThemeMember).where(ThemeMember.theme_id.in_(old_themes)))
    db.session.execute(delete(Theme).where(Theme.run_id.in_(older)))
    db.session.execute(delete(KeyTerm).where(KeyTerm.run_id.in_(older)))
    db.session.execute(delete(ThemeRun).where(ThemeRun.id.in_(list(db.session.scalars(older)))))


def theme_comments(theme: Theme) -> list[Comment]:
    """The comments of a theme as they are now, representative first."""
    return list(db.session.scalars(
        select(Comment).join(ThemeMember, ThemeMember.comment_id == Comment.id)
        .where(ThemeMember.theme_id == theme.id).order_by(ThemeMember.position)))


def decide_theme(theme: Theme, decision: str | None, reason: str, *, actor) -> int:
    """Decide once for every comment of a cluster, as for a duplicate group (all or none, each audited);
    comments not published (不予公开) are left out. Returns how many comments were decided."""
    _require(can_decide, actor)
    members = [c for c in theme_comments(theme) if c.moderation_state != "rejected"]
    if not members:
        raise ThemeError(_("该主题下已没有可处理的意见。"))
    count = bulk_apply(members, "decide", actor=actor, decision=decision, reason=reason)
    record(actor, "themes.decide", theme, decision=decision, reason=(reason or "").strip(),
           comments=[c.id for c in members])
    db.session.flush()
    return count


def remove_member(theme: Theme, comment: Comment, *, actor) -> Theme:
    """Take one comment out of a cluster (it does not make the cluster's point); audited."""
    _require(can_decide, actor)
    member = db.session.get(ThemeMember, (theme.id, comment.id))
    if member is None:
        raise ThemeError(_("这条意见不在该主题中。"))
    db.session.delete(member)
    theme.size = max(0, theme.size - 1)
    if theme.representative_id == comment.id:
        theme.representative_id = db.session.scalar(
            select(ThemeMember.comment_id).where(ThemeMember.theme_id == theme.id,
                                                 ThemeMember.comment_id != comment.id)
            .order_by(ThemeMember.position).limit(1))
    record(actor, "themes.remove_member", theme, comment=comment.id)
    db.session.flush()
    return theme


def points_for(draft, article_id: int | None, anchor_kind: str) -> ArticlePoints | None:
    """The saved 意见要点 of an anchor, if staff have saved any."""
    query = select(ArticlePoints).where(ArticlePoints.draft_id == draft.id)
    if article_id is not None:
        query = query.where(ArticlePoints.article_id == article_id)
    else:
        query = query.where(ArticlePoints.article_id.is_(None), ArticlePoints.anchor_kind == anchor_kind)
    return db.session.scalar(query)


def save_points(draft, article_id: int | None, anchor_kind: str, text: str, *, actor) -> ArticlePoints:
    """Store the edited 意见要点 of an anchor (empty text clears them); audited with the text before."""
    _require(can_decide, actor)
    text = (text or "").replace("\r\n", "\n").strip()
    if len(text) > MAX_POINTS_LENGTH:
        raise ThemeError(_("意见要点不能超过 %(n)s 个字。", n=MAX_POINTS_LENGTH), "text")
    points = points_for(draft, article_id, anchor_kind)
    before = points.text if points is not None else ""
    if points is None:
        points = ArticlePoints(draft_id=draft.id, article_id=article_id,
                               anchor_kind="article" if article_id is not None else anchor_kind)
        db.session.add(points)
    points.text = text
    points.updated_by_id = getattr(actor, "id", None)
    points.updated_at = utcnow()
    db.session.flush()
    record(actor, "themes.points", points, before=before, after=text)
    return points


def suggested_points(themes: list[Theme]) -> str:
    """A first 意见要点 draft: the clusters' representatives, largest first, numbered, with their sizes."""
    lines = []
    for number, theme in enumerate(sorted(themes, key=lambda t: (-t.size, t.rank)), 1):
        body = " ".join((theme.representative.body if theme.representative else "").split())
        if len(body) > POINT_EXCERPT:
            body = body[:POINT_EXCERPT] + "……"
        lines.append(f"{number}. {body}（{theme.size} 条意见）")
    return "\n".join(lines)
