"""The report journey in Chromium, from `/` by links and forms only.

Staff write an article's summary of changes on the workbench, find the release refused while the window
is open, close the window, and release the report; a citizen then opens the report from the draft page,
sees the participation chart with its table beside it (also at phone width), and downloads the open data
as CSV. The consultation (a draft with decided comments from a meeting and online) is created beforehand
through the services, as other users would have. Screenshots land in <live tmp>/journeys/<test>/.
"""
from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest

from tests.browser.journeys import Journey, in_app
from tests.browser.support import no_csp_errors

pytestmark = pytest.mark.browser

TITLE = "清江市报告旅程测试条例"
TEXT = """{title}（草案）
第一条　为了测试意见处理情况报告，制定本条例。
第二条　本条例适用于本市。
第三条　游客应当文明旅游。
"""
SUMMARY = "根据意见，第三条增加了文明拍照的要求。"
PHONE = "13912345678"


def _consultation(app, title: str = TITLE) -> int:
    """An open draft with three decided comments (two online with a phone typed in, one from a meeting)."""
    from consult.accounts.models import User
    from consult.comments.services import enter_comment, submit_online_comment
    from consult.contact_points.models import ContactPoint
    from consult.contact_points.services import create_meeting
    from consult.database import utcnow
    from consult.drafts.services import import_draft, publish_draft
    from consult.review.services import decide_comment, publish_comment
    from datetime import timedelta
    from sqlalchemy import select

    def make(db):
        staff = db.session.scalar(select(User).where(User.username == "staff"))
        point = db.session.scalars(select(ContactPoint).order_by(ContactPoint.id)).first()
        version = import_draft(TEXT.format(title=title).encode("utf-8"), "report.txt", actor=staff)
        draft = version.draft
        publish_draft(draft, utcnow() - timedelta(days=3), utcnow() + timedelta(days=10), actor=staff)
        first = submit_online_comment(draft, anchor="3", body=f"建议增加文明拍照的要求，电话{PHONE}。",
                                      commenter_name="欧阳明")
        second = submit_online_comment(draft, anchor="2", body="适用范围写得清楚。")
        meeting = create_meeting(draft, point, held_on=date.today(), kind="symposium", attendance=9, actor=staff)
        third = enter_comment(draft, contact_point=point, meeting=meeting, anchor="3", body="居民赞成第三条。",
                              actor=staff)
        for comment in (first, second):
            publish_comment(comment, actor=staff)
        decide_comment(first, "adopted", "", actor=staff)
        decide_comment(second, "not_adopted", "已有规定。", actor=staff)
        decide_comment(third, "adopted", "", actor=staff)
        db.session.flush()
        return draft.id

    return in_app(app, make)


def _card(j: Journey):
    card = j.page.locator("main .card", has=j.page.get_by_role("heading", name=TITLE))
    assert card.count() == 1, f"no card for {TITLE}: {j.main_text()[:400]}"
    return card


def test_report_release_and_public_reading(page, live_server):
    draft_id = _consultation(live_server.app)
    j = Journey(page, live_server, "report")
    j.start()
    j.login("staff")

    # 1. the summary of changes, written on the workbench article page
    j.follow("逐条审阅", within=_card(j))
    j.follow("第三条", within=page.locator("main"))
    page.get_by_label("修改情况说明（公开报告中显示）").fill(SUMMARY)
    j.submit("保存说明")
    assert "已保存修改情况说明" in j.main_text()
    assert page.get_by_label("修改情况说明（公开报告中显示）").input_value() == SUMMARY
    j.shot("summary-saved")

    # 2. the release is refused while the window is open: no button, a clear message
    j.home()
    j.follow("意见处理情况报告", within=_card(j))
    assert "预览" in j.main_text()
    j.follow("发布报告…", within=page.locator("main"))
    assert "截止后才能发布报告" in j.main_text()
    assert page.get_by_role("button", name="确认发布报告").count() == 0
    j.shot("release-refused-while-open")

    # 3. close the window, then release
    j.home()
    j.follow("结构检查", within=_card(j))
    j.follow("立即截止征求意见…", within=page.locator("main"))
    j.submit("确认截止")
    j.home()
    j.follow("意见处理情况报告", within=_card(j))
    j.follow("发布报告…", within=page.locator("main"))
    assert "计入报告的意见：3 条" in j.main_text()
    j.shot("release-confirm")
    j.submit("确认发布报告")
    assert "已发布意见处理情况报告" in j.main_text()
    page.context.clear_cookies()  # a citizen's browser from here on: not signed in

    # 4. a citizen (not signed in) opens the report from the draft page
    j.start()
    j.follow(TITLE, within=page.locator("main"))
    j.follow("意见处理情况报告", within=page.locator("main"))
    text = j.main_text()
    assert "共收到意见 3 条" in text and SUMMARY in text
    assert re.search(r"第三条\s*2 条意见 · 采纳 2", text), text[:1200]
    assert "预览" not in text and "欧阳明" not in text and PHONE not in text
    j.shot("report")

    j.follow("参与情况图表", within=page.locator("main"))
    chart = page.locator("#chart-decision img")
    chart.scroll_into_view_if_needed()
    assert page.evaluate("img => img.complete && img.naturalWidth > 0", chart.element_handle()), "chart not drawn"
    table = page.locator("#chart-decision table")
    assert table.is_visible() and "采纳" in table.inner_text() and "2" in table.inner_text()
    box_chart, box_table = chart.bounding_box(), table.bounding_box()
    assert box_table["x"] > box_chart["x"] + box_chart["width"] - 5, "the table should stand beside the chart"
    j.shot("participation")
    page.set_viewport_size({"width": 390, "height": 844})
    j.shot("participation-phone")
    box_chart, box_table = chart.bounding_box(), table.bounding_box()
    assert box_table["y"] >= box_chart["y"] + box_chart["height"] - 5, "at phone width the table goes below"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), "page scrolls sideways"
    j.follow("处理情况", within=page.locator("main nav"))
    j.shot("report-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    name, data = j.download(page.get_by_role("link", name="下载开放数据（CSV）"))
    assert name == f"report-{draft_id}.csv"
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == 3 and {r["decision"] for r in rows} == {"adopted", "not_adopted"}
    assert PHONE not in data.decode("utf-8-sig") and "欧阳明" not in data.decode("utf-8-sig")
    assert sum(1 for r in rows if r["text_published"] == "false" and r["body"] == "") == 1  # the meeting's
    assert not no_csp_errors(page), page.console_errors
    j.check()


def test_report_pages_pass_the_accessibility_audit(audit_page, live_server, axe_audit):
    """The report, its charts page, the dictionary, the not-yet-released page and the staff release page."""
    from consult.drafts.models import Draft
    from consult.drafts.services import close_draft
    from consult.report.services import release_report

    pending_id = _consultation(live_server.app, "清江市报告无障碍测试条例甲")
    assert audit_page.goto(live_server.url("report.show", draft_id=pending_id)).status == 404
    axe_audit(audit_page, "report not yet released")
    released_id = _consultation(live_server.app, "清江市报告无障碍测试条例乙")

    def release(db):
        draft = db.session.get(Draft, released_id)
        close_draft(draft)
        release_report(draft, None)

    in_app(live_server.app, release)
    for endpoint in ("report.show", "report.participation", "report.dictionary"):
        response = audit_page.goto(live_server.url(endpoint, draft_id=released_id))
        assert response.status == 200, endpoint
        axe_audit(audit_page, endpoint)
    from tests.browser.support import login

    login(audit_page, live_server, "staff")
    for url in (live_server.url("report.release_confirm", draft_id=pending_id),
                live_server.url("review.article", draft_id=released_id, key="3")):
        assert audit_page.goto(url).status == 200, url
        axe_audit(audit_page, url)
