"""The release flow: nothing public before the release, no release while the window is open, and the
released report says exactly what staff decided — per article, channel, district — until released again."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from consult.audit.models import AuditEvent
from consult.report.models import ArticleSummary, ReleasedDecision, ReportRelease
from consult.report.services import ReportError, release_report, released_decisions, report_released

PUBLIC_PAGES = ("", "/participation", "/charts/decision.svg", "/comments.csv", "/comments.json",
                "/data-dictionary", "/schema.json")


def _counts(db) -> dict:
    db.session.rollback()
    return {model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
            for model in (ReportRelease, ReleasedDecision, ArticleSummary, AuditEvent)}


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


@pytest.mark.parametrize("who", ["anonymous", "citizen", "facilitator"])
def test_nothing_is_public_before_the_release(client, auth, make_user, closed, who):
    draft, _ = closed
    if who != "anonymous":
        auth.login(make_user(who))
    for path in PUBLIC_PAGES:
        response = client.get(f"/report/drafts/{draft.id}{path}")
        assert response.status_code == 404, path
        assert "报告尚未发布" in response.get_data(as_text=True), path
    assert f"/report/drafts/{draft.id}" not in client.get(f"/drafts/{draft.id}").get_data(as_text=True)
    assert f"/report/drafts/{draft.id}" not in client.get("/").get_data(as_text=True)


def test_unknown_or_unpublished_draft_has_no_report(client, auth, staff, make_draft):
    unpublished = make_draft(published=False)
    auth.login(staff)
    assert client.get("/report/drafts/999").status_code == 404
    assert client.get(f"/report/drafts/{unpublished.id}").status_code == 404
    assert client.get(f"/report/drafts/{unpublished.id}/release").status_code == 404


def test_release_is_refused_while_the_window_is_open(db, consultation, staff):
    draft, _ = consultation
    before = _counts(db)
    with pytest.raises(ReportError, match="征求意见期尚未结束"):
        release_report(draft, staff)
    assert _counts(db) == before


def test_release_over_http_is_refused_while_open_and_changes_nothing(client, auth, db, consultation, staff):
    draft, _ = consultation
    auth.login(staff)
    page = client.get(f"/report/drafts/{draft.id}/release")
    assert page.status_code == 200 and "截止后才能发布报告" in _text(page)
    assert "确认发布报告" not in _text(page)  # the button shows exactly when the predicate allows it
    before = _counts(db)
    response = client.post(f"/report/drafts/{draft.id}/release", follow_redirects=True)
    assert "征求意见期尚未结束" in _text(response)
    assert _counts(db) == before
    assert "预览" in _text(client.get(f"/report/drafts/{draft.id}"))  # staff see a marked preview
    client.post("/accounts/logout")
    assert client.get(f"/report/drafts/{draft.id}").status_code == 404


def test_release_needs_staff(client, auth, make_user, db, closed):
    draft, _ = closed
    auth.login(make_user("citizen"))
    before = _counts(db)
    assert client.post(f"/report/drafts/{draft.id}/release").status_code == 403
    assert _counts(db) == before


def test_released_report_matches_the_decisions(client, auth, db, closed, staff):
    draft, comments = closed
    auth.login(staff)
    page = client.get(f"/report/drafts/{draft.id}/release")
    assert "计入报告的意见：6 条" in _text(page) and "1 条尚未决定" in _text(page)
    response = client.post(f"/report/drafts/{draft.id}/release", follow_redirects=True)
    assert "已发布意见处理情况报告" in _text(response)
    client.post("/accounts/logout")

    release = db.session.get(ReportRelease, draft.id)
    assert release.revision == 1 and release.comment_count == 6 and release.released_by_id == staff.id
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "report.release"))
    assert event.actor_id == staff.id and event.details["comments"] == 6

    text = _text(client.get(f"/report/drafts/{draft.id}"))
    assert "共收到意见 6 条" in text  # pending and rejected online comments are not counted
    assert "2 个基层立法联系点召开 2 场会议，19 人次参加" in text
    # per article, in text order: 总体意见 (1 undecided), 第三条 (2 adopted, 1 partly), 第四条, 第五条
    blocks = re.findall(r'<section class="report-article"[^>]*>(.*?)</section>',
                        client.get(f"/report/drafts/{draft.id}").get_data(as_text=True), re.S)
    lines = [_text_of(b) for b in blocks]
    assert lines == [
        "总体意见 1 条意见 · 未处理 1",
        "第三条 3 条意见 · 采纳 2 · 部分采纳 1",
        "第四条 1 条意见 · 未采纳 1",
        "第五条 1 条意见 · 待研究 1",
    ]
    assert "未收到意见的条款（2 条）" in text and "第一条、第二条" in text
    channels = _table(client.get(f"/report/drafts/{draft.id}"), "各渠道意见数")
    assert channels == [("座谈会", "3"), ("网上征求意见", "3")]
    districts = _table(client.get(f"/report/drafts/{draft.id}"), "各区县意见数")
    assert districts == [("（不经联系点）", "3"), ("东湖区", "2"), ("西山区", "1")]
    decisions = _table(client.get(f"/report/drafts/{draft.id}"), "处理情况")
    assert decisions == [("采纳", "2"), ("部分采纳", "1"), ("未采纳", "1"), ("待研究", "1"), ("未处理", "1")]
    assert "张伟" not in text and "王芳" not in text and comments["o3"].receipt_code not in text
    # linked from the public draft page and the home page once released
    assert f'href="/report/drafts/{draft.id}"' in client.get(f"/drafts/{draft.id}").get_data(as_text=True)
    assert f'href="/report/drafts/{draft.id}"' in client.get("/").get_data(as_text=True)


def _text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def _table(response, caption: str) -> list[tuple[str, str]]:
    html = response.get_data(as_text=True)
    match = re.search(r"<caption[^>]*>" + re.escape(caption) + r"</caption>(.*?)</table>", html, re.S)
    assert match, caption
    return [(_text_of(th), _text_of(td)) for th, td in
            re.findall(r'<tr><th scope="row">(.*?)</th><td class="num">(.*?)</td></tr>', match.group(1))]


def test_a_later_decision_is_public_only_after_the_next_release(client, db, released, staff):
    from consult.review.services import decide_comment

    draft, comments = released
    received = []

    def receiver(sender, release, changed_since):
        received.append((sender.id, release.revision, changed_since))

    decide_comment(comments["w5"], "adopted", "", actor=staff)
    db.session.commit()
    assert "第五条 1 条意见 · 待研究 1" in _text(client.get(f"/report/drafts/{draft.id}"))  # the snapshot
    assert ",under_study," in client.get(f"/report/drafts/{draft.id}/comments.csv").get_data(as_text=True)

    with report_released.connected_to(receiver):
        release_report(draft, staff)
    db.session.commit()
    assert received == [(draft.id, 2, 1)]
    text = _text(client.get(f"/report/drafts/{draft.id}"))
    assert "第五条 1 条意见 · 采纳 1" in text and "第 2 次更新" in text
    changed = [(c.id, r.decision) for c, r in released_decisions(draft, since_revision=1)]
    assert changed == [(comments["w5"].id, "adopted")]  # only what changed since revision 1
    assert len(list(released_decisions(draft))) == 6


def test_a_comment_rejected_after_release_leaves_at_the_next_release(client, db, released, staff):
    from consult.review.services import reject_comment

    draft, comments = released
    reject_comment(comments["o4"], "含有不当内容", actor=staff)
    db.session.commit()
    csv_text = client.get(f"/report/drafts/{draft.id}/comments.csv").get_data(as_text=True)
    assert "民宿登记应当可以网上办理" not in csv_text  # its text leaves the open data at once (not published)
    release_report(draft, staff)
    db.session.commit()
    assert db.session.get(ReportRelease, draft.id).comment_count == 5
    assert f"\n{comments['o4'].id}," not in client.get(f"/report/drafts/{draft.id}/comments.csv").get_data(as_text=True)


def test_article_summary_written_on_the_workbench_is_public_with_the_release(client, auth, db, closed, staff):
    draft, _ = closed
    auth.login(staff)
    page = client.get(f"/review/drafts/{draft.id}/articles/3").get_data(as_text=True)
    assert 'id="summary-text"' in page
    article = draft.current_version.articles[2]
    response = client.post(f"/report/drafts/{draft.id}/articles/{article.id}/summary",
                           data={"text": "根据意见，增加了文明拍照的规定。", "next": f"/review/drafts/{draft.id}/articles/3"})
    assert response.status_code == 302 and response.headers["Location"].endswith("#summary")
    assert "根据意见，增加了文明拍照的规定。" in client.get(f"/review/drafts/{draft.id}/articles/3").get_data(as_text=True)
    client.post(f"/report/drafts/{draft.id}/release")
    client.post(f"/report/drafts/{draft.id}/articles/{article.id}/summary", data={"text": "第二稿说明。"})
    client.post("/accounts/logout")
    text = _text(client.get(f"/report/drafts/{draft.id}"))
    assert "根据意见，增加了文明拍照的规定。" in text and "第二稿说明" not in text  # edits wait for a release
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "report.summary"))
    assert event.actor_id == staff.id


def test_bad_summaries_are_refused_and_change_nothing(client, auth, db, closed, staff, make_draft):
    draft, _ = closed
    other = make_draft()
    auth.login(staff)
    article = draft.current_version.articles[0]
    before = _counts(db)
    response = client.post(f"/report/drafts/{draft.id}/articles/{article.id}/summary",
                           data={"text": "长" * 4001}, follow_redirects=True)
    assert response.status_code == 200 and "4000" in _text(response)
    foreign = other.current_version.articles[0]
    assert client.post(f"/report/drafts/{draft.id}/articles/{foreign.id}/summary",
                       data={"text": "x"}).status_code == 404
    assert client.post(f"/report/drafts/{draft.id}/articles/99999/summary", data={"text": "x"}).status_code == 404
    assert _counts(db) == before


def test_unknown_chart_is_404_and_charts_are_plain_svg(client, released):
    draft, _ = released
    assert client.get(f"/report/drafts/{draft.id}/charts/nothing.svg").status_code == 404
    for name in ("decision", "channel", "district", "article", "time"):
        response = client.get(f"/report/drafts/{draft.id}/charts/{name}.svg")
        assert response.status_code == 200 and response.mimetype == "image/svg+xml"
        svg = response.get_data(as_text=True)
        assert "<script" not in svg
        assert not re.search(r"""(?:href|src)\s*=\s*["']https?:|url\(\s*["']?https?:""", svg)  # loads nothing


def test_participation_page_puts_a_table_beside_every_chart(client, released):
    draft, _ = released
    html = client.get(f"/report/drafts/{draft.id}/participation").get_data(as_text=True)
    sections = re.findall(r'<section class="report-chart".*?</section>', html, re.S)
    assert len(sections) == 5
    for section in sections:
        assert "<img" in section and "<table" in section and "数据见旁边的表格" in section
    assert "<th scope=\"row\">东湖区</th><td class=\"num\">2</td>" in html


def test_comparison_with_the_next_version_is_linked(client, db, released, staff):
    from tests.conftest import SMALL_DRAFT
    from consult.drafts.services import import_draft

    draft, _ = released
    import_draft(SMALL_DRAFT.replace("诚信经营", "诚信守法经营").encode("utf-8"), "v2.txt", draft=draft,
                 version_label="二审稿", actor=staff)
    db.session.commit()
    html = client.get(f"/report/drafts/{draft.id}").get_data(as_text=True)
    assert f"/drafts/{draft.id}/changes" in html and "二审稿" in html
    assert "征求意见版本：草案" in _text(client.get(f"/report/drafts/{draft.id}"))  # still the consulted text


def test_staff_preview_is_marked_and_shows_live_decisions(client, auth, db, released, staff):
    from consult.review.services import decide_comment

    draft, comments = released
    decide_comment(comments["og"], "adopted", "", actor=staff)
    db.session.commit()
    auth.login(staff)
    preview = _text(client.get(f"/report/drafts/{draft.id}?preview=1"))
    assert "预览" in preview and "总体意见 1 条意见 · 采纳 1" in preview
    assert "总体意见 1 条意见 · 未处理 1" in _text(client.get(f"/report/drafts/{draft.id}"))
