"""Themes through the database, the workbench pages and the CLI: a run stores key terms and clusters that
match the planted topics; deciding a cluster decides (and audits) every member; 意见要点 are stored and
printed in the Word summary; bad input gets one clear message and changes nothing."""
from __future__ import annotations

import io
import re

import pytest
from docx import Document
from sklearn.metrics import adjusted_rand_score
from sqlalchemy import func, select

from consult.audit.models import AuditEvent
from consult.comments.models import Comment
from consult.themes import jobs, queries
from consult.themes.models import ArticlePoints, KeyTerm, Theme, ThemeMember, ThemeRun
from consult.themes.services import ThemeError, decide_theme, save_points, start_run
from tests.themes.conftest import topic_words


def _count(db, model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def _analyse(db, draft, staff) -> ThemeRun:
    run = start_run(draft, actor=staff)
    db.session.commit()
    return jobs.run_job(run.id)


@pytest.fixture
def analysed(db, corpus, staff):
    """The corpus draft after one finished analysis: (draft, truth, run)."""
    draft, truth = corpus
    return draft, truth, _analyse(db, draft, staff)


def _article(draft, key):
    return next(a for a in draft.current_version.articles if a.address == key)


def test_run_stores_clusters_matching_the_planted_topics(db, analysed):
    draft, truth, run = analysed
    assert run.status == "done" and run.comments == len(truth) and run.error == ""
    for key in ("1", "2", "3", "4"):
        article = _article(draft, key)
        themes = queries.anchor_themes(run, article.id)
        assert [t.rank for t in themes] == [1, 2, 3]
        predicted = {m.comment_id: m.theme_id for t in themes
                     for m in db.session.scalars(select(ThemeMember).where(ThemeMember.theme_id == t.id))}
        ids = [cid for cid, (k, _t) in truth.items() if k == key]
        assert adjusted_rand_score([truth[i][1] for i in ids], [predicted.get(i, -1) for i in ids]) >= 0.9
        for theme in themes:
            assert theme.size == _count(db, ThemeMember, ThemeMember.theme_id == theme.id)
            assert truth[theme.representative_id][0] == key
        terms = [t.term for t in queries.key_terms(run, article.id)]
        for topic in {t for k, t in truth.values() if k == key}:
            assert sum(any(w in term or term in w for term in terms) for w in topic_words(topic)) >= 2, terms


def test_a_new_run_replaces_the_older_one(db, analysed, staff):
    draft, _truth, first = analysed
    first_id = first.id
    second = _analyse(db, draft, staff)
    assert second.status == "done" and second.id != first_id
    db.session.expire_all()
    assert db.session.get(ThemeRun, first_id) is None
    assert _count(db, Theme, Theme.run_id == first_id) == 0
    assert _count(db, KeyTerm, KeyTerm.run_id == first_id) == 0
    assert queries.shown_run(draft).id == second.id


def test_deciding_a_cluster_decides_every_member_audited(db, analysed, staff, client, auth):
    draft, _truth, run = analysed
    theme = queries.anchor_themes(run, _article(draft, "2").id)[0]
    members = list(db.session.scalars(select(ThemeMember.comment_id).where(ThemeMember.theme_id == theme.id)))
    auth.login(staff)
    response = client.post(f"/themes/clusters/{theme.id}/decision",
                           data={"decision": "partly_adopted", "reason": "已在第二条中体现。"})
    assert response.status_code == 302 and f"#t-{theme.id}" in response.headers["Location"]
    db.session.expire_all()
    decided = db.session.scalars(select(Comment).where(Comment.id.in_(members))).all()
    assert {c.decision for c in decided} == {"partly_adopted"}
    assert {c.decision_reason for c in decided} == {"已在第二条中体现。"}
    assert _count(db, AuditEvent, AuditEvent.action == "comment.decide") == len(members)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "themes.decide"))
    assert event.target_id == theme.id and sorted(event.details["comments"]) == sorted(members)
    assert event.actor_id == staff.id
    others = db.session.scalar(select(func.count(Comment.id)).where(Comment.decision.is_not(None),
                                                                     Comment.id.not_in(members)))
    assert others == 0


def test_a_refused_cluster_decision_changes_nothing(db, analysed, staff, client, auth):
    draft, _truth, run = analysed
    theme = queries.anchor_themes(run, _article(draft, "1").id)[0]
    auth.login(staff)
    before = _count(db, AuditEvent)
    response = client.post(f"/themes/clusters/{theme.id}/decision",
                           data={"decision": "not_adopted", "reason": ""})
    assert response.status_code == 422
    assert "必须说明理由" in response.get_data(as_text=True)
    assert _count(db, Comment, Comment.decision.is_not(None)) == 0
    assert _count(db, AuditEvent) == before
    with pytest.raises(ThemeError):
        decide_theme(theme, "adopted", "", actor=_citizen(db))
    db.session.rollback()
    assert _count(db, Comment, Comment.decision.is_not(None)) == 0


def _citizen(db):
    from consult.accounts.services import create_user

    return create_user("someone", "password123", "citizen")


def test_rejected_members_keep_no_decision(db, analysed, staff):
    draft, _truth, run = analysed
    theme = queries.anchor_themes(run, _article(draft, "3").id)[0]
    member = db.session.get(Comment, theme.representative_id)
    member.moderation_state = "rejected"
    db.session.commit()
    count = decide_theme(theme, "adopted", "", actor=staff)
    db.session.commit()
    assert count == theme.size - 1 and db.session.get(Comment, member.id).decision is None


def test_removing_a_member_moves_the_representative(db, analysed, staff, client, auth):
    draft, _truth, run = analysed
    theme = queries.anchor_themes(run, _article(draft, "4").id)[0]
    old, size = theme.representative_id, theme.size
    auth.login(staff)
    assert client.post(f"/themes/clusters/{theme.id}/members/{old}/remove").status_code == 302
    db.session.expire_all()
    theme = db.session.get(Theme, theme.id)
    assert theme.size == size - 1 and theme.representative_id not in (None, old)
    assert db.session.get(ThemeMember, (theme.id, old)) is None
    response = client.post(f"/themes/clusters/{theme.id}/members/{old}/remove", follow_redirects=True)
    assert "这条意见不在该主题中" in response.get_data(as_text=True)
    assert db.session.get(Theme, theme.id).size == size - 1


def test_points_are_prefilled_saved_and_printed_in_the_summary(db, analysed, staff, client, auth):
    from consult.exports.services import export_summary

    draft, _truth, run = analysed
    article = _article(draft, "1")
    auth.login(staff)
    page = client.get(f"/themes/drafts/{draft.id}/articles/1").get_data(as_text=True)
    themes = queries.anchor_themes(run, article.id)
    prefilled = re.search(r'<textarea[^>]*name="text"[^>]*>(.*?)</textarea>', page, re.S).group(1)
    assert prefilled.strip().startswith("1. ") and f"（{themes[0].size} 条意见）" in prefilled
    text = "1. 停车位不足，建议增建停车场。\n2. 门票价格应当对老人学生优惠。"
    response = client.post(f"/themes/drafts/{draft.id}/articles/1/points", data={"text": text})
    assert response.status_code == 302
    saved = db.session.scalar(select(ArticlePoints).where(ArticlePoints.article_id == article.id))
    assert saved.text == text and saved.updated_by_id == staff.id
    assert "停车位不足，建议增建停车场。" in client.get(f"/themes/drafts/{draft.id}/articles/1").get_data(as_text=True)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "themes.points"))
    assert event.details["after"] == text

    out = io.BytesIO()
    export_summary(draft, out, include_points=True, actor=staff)
    paragraphs = [p.text for p in Document(io.BytesIO(out.getvalue())).paragraphs]
    at = paragraphs.index("意见要点：")
    assert paragraphs[at + 1:at + 3] == ["1. 停车位不足，建议增建停车场。", "2. 门票价格应当对老人学生优惠。"]
    assert paragraphs[at - 1].startswith(article.label)  # under the article's heading, before its table
    assert paragraphs.count("意见要点：") == 1
    plain = io.BytesIO()
    export_summary(draft, plain, actor=staff)
    assert "意见要点：" not in [p.text for p in Document(io.BytesIO(plain.getvalue())).paragraphs]


def test_points_too_long_are_refused_and_nothing_stored(db, analysed, staff, client, auth):
    draft, _truth, _run = analysed
    auth.login(staff)
    response = client.post(f"/themes/drafts/{draft.id}/articles/1/points", data={"text": "长" * 10001})
    assert response.status_code == 422
    assert _count(db, ArticlePoints) == 0
    with pytest.raises(ThemeError):
        save_points(draft, None, "general", "x" * 10001, actor=staff)


def test_summary_export_job_keeps_the_points_option(db, analysed, staff, client, auth):
    from consult.exports.models import ExportJob

    draft, _truth, _run = analysed
    auth.login(staff)
    client.post(f"/exports/drafts/{draft.id}", data={"kind": "summary", "include_points": "y"})
    job = db.session.scalar(select(ExportJob).order_by(ExportJob.id.desc()))
    assert job is not None and job.params.get("include_points") is True
    from consult.exports.jobs import wait_for

    wait_for(job.id)


def test_pages_show_terms_linked_to_the_filtered_search(db, analysed, staff, client, auth):
    draft, _truth, run = analysed
    auth.login(staff)
    overview = client.get(f"/themes/drafts/{draft.id}").get_data(as_text=True)
    assert f"/themes/drafts/{draft.id}/articles/1" in overview and "上次分析" in overview
    article = _article(draft, "1")
    page = client.get(f"/themes/drafts/{draft.id}/articles/1").get_data(as_text=True)
    term = queries.key_terms(run, article.id)[0].term
    link = re.search(r'href="(/search/comments\?[^"]*)"', page).group(1).replace("&amp;", "&")
    assert f"article_id={article.id}" in link and "q=" in link
    found = client.get(link).get_data(as_text=True)
    assert term in found and "没有找到" not in found
    theme = queries.anchor_themes(run, article.id)[0]
    cluster = client.get(f"/themes/clusters/{theme.id}").get_data(as_text=True)
    assert cluster.count('class="review-comment') == min(theme.size, queries.MEMBERS_PER_PAGE)
    review = client.get(f"/review/drafts/{draft.id}/articles/1").get_data(as_text=True)
    assert f"/themes/drafts/{draft.id}/articles/1" in review


def test_bad_input_gets_a_clear_message_and_changes_nothing(db, make_draft, staff, client, auth, runner):
    empty = make_draft()
    auth.login(staff)
    response = client.post(f"/themes/drafts/{empty.id}/run", follow_redirects=True)
    assert "该草案还没有可分析的意见" in response.get_data(as_text=True)
    assert _count(db, ThemeRun) == 0
    assert client.get("/themes/drafts/999").status_code == 404
    assert client.get(f"/themes/drafts/{empty.id}/articles/99").status_code == 404
    assert client.get("/themes/clusters/999").status_code == 404
    assert client.post("/themes/clusters/999/decision", data={"decision": "adopted"}).status_code == 404
    result = runner.invoke(args=["review", "themes", "999"])
    assert result.exit_code == 1 and "no draft with id 999" in result.output
    result = runner.invoke(args=["review", "themes", str(empty.id)])
    assert result.exit_code == 1 and "该草案还没有可分析的意见" in result.output
    assert _count(db, ThemeRun) == 0 and _count(db, AuditEvent, AuditEvent.action.like("themes.%")) == 0
    page = client.get(f"/themes/drafts/{empty.id}/articles/1").get_data(as_text=True)
    assert "尚未分析过本草案的意见主题" in page


def test_a_second_run_is_refused_while_one_is_queued(db, corpus, staff):
    draft, _truth = corpus
    start_run(draft, actor=staff)
    db.session.commit()
    with pytest.raises(ThemeError, match="正在进行"):
        start_run(draft, actor=staff)
    db.session.rollback()
    assert _count(db, ThemeRun) == 1


def test_cli_runs_the_analysis(db, corpus, runner):
    draft, truth = corpus
    result = runner.invoke(args=["review", "themes", str(draft.id), "--json"])
    assert result.exit_code == 0, result.output
    assert f'"comments": {len(truth)}' in result.output
    assert queries.shown_run(draft) is not None


def test_staff_start_the_job_from_the_workbench(db, corpus, staff, client, auth):
    draft, truth = corpus
    auth.login(staff)
    review = client.get(f"/review/drafts/{draft.id}").get_data(as_text=True)
    assert f"/themes/drafts/{draft.id}" in review
    response = client.post(f"/themes/drafts/{draft.id}/run")
    assert response.status_code == 302
    run = db.session.scalar(select(ThemeRun))
    assert jobs.wait_for(run.id)
    db.session.expire_all()
    assert db.session.get(ThemeRun, run.id).status == "done"
    assert "上次分析" in client.get(f"/themes/drafts/{draft.id}").get_data(as_text=True)


def test_a_run_whose_worker_died_reads_as_failed_and_can_be_restarted(db, corpus, staff, client, auth):
    from datetime import timedelta

    from consult.database import utcnow

    draft, _truth = corpus
    stale = start_run(draft, actor=staff)
    stale.created_at = utcnow() - jobs.ABANDONED_AFTER - timedelta(minutes=1)
    db.session.commit()
    auth.login(staff)
    page = client.get(f"/themes/drafts/{draft.id}").get_data(as_text=True)
    assert "分析中断" in page and 'http-equiv="refresh"' not in page
    db.session.expire_all()
    assert db.session.get(ThemeRun, stale.id).status == "queued"  # the page only reads
    fresh = start_run(draft, actor=staff)
    db.session.commit()
    assert db.session.get(ThemeRun, stale.id).status == "failed" and fresh.status == "queued"
