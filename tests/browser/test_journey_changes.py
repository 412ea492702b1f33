"""The "what changed" journey in Chromium, from `/` by links only, at phone width (375 px).

A draft in its second reading (the first reading drew comments, the second rewrote, deleted and added
articles) is created beforehand through the services. A citizen opens the draft from the home page, follows
the link to what changed, and reads the redline: the deleted words struck through, the new ones underlined,
each changed article with the comments its old text drew, and no sideways scrolling. Staff then download the
comparison table from the workbench. Screenshots land in <live tmp>/journeys/<test>/.
"""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
from docx import Document

from tests.browser.journeys import Journey, in_app
from tests.browser.support import no_csp_errors

pytestmark = pytest.mark.browser

TITLE = "清江市修改情况旅程测试条例"
FIRST = f"""{TITLE}（草案）
第一章　总则
第一条　为了测试修改情况页面，制定本条例。
第二条　本条例适用于本市行政区域内的各类旅游活动以及与旅游活动相关的经营、管理和服务工作。
第二章　游客
第三条　游客违反文明旅游规定的，由景区劝阻。
第四条　游客应当爱护公共设施。
"""
SECOND = f"""{TITLE}（草案修改稿）
第一章　总则
第一条　为了测试修改情况页面，制定本条例。
第二条　本条例适用于本市行政区域内的各类旅游活动以及与旅游活动相关的经营、管理、服务和监督工作。
第二章　游客
第三条　游客违反文明旅游规定的，由景区管理机构予以制止并记录在案。
第四条　鼓励游客参与文明旅游志愿服务。
"""


def _two_readings(app) -> int:
    from sqlalchemy import select

    from consult.accounts.models import User
    from consult.comments.services import submit_online_comment
    from consult.database import utcnow
    from consult.drafts.services import import_draft, publish_draft
    from consult.review.services import decide_comment, publish_comment

    def make(db):
        staff = db.session.scalar(select(User).where(User.username == "staff"))
        draft = import_draft(FIRST.encode(), "first.txt", actor=staff).draft
        publish_draft(draft, utcnow() - timedelta(days=3), utcnow() + timedelta(days=10), actor=staff)
        for body in ("劝阻太软，建议由管理机构制止，电话13912345678。", "建议记录不文明行为。"):
            comment = submit_online_comment(draft, anchor="3", body=body, commenter_name="欧阳明")
            publish_comment(comment, actor=staff)
            decide_comment(comment, "adopted", "", actor=staff)
        db.session.flush()
        import_draft(SECOND.encode(), "second.txt", draft=draft, version_label="二审稿", actor=staff)
        db.session.flush()
        return draft.id

    return in_app(app, make)


def test_citizen_reads_what_changed_on_a_phone(page, live_server):
    draft_id = _two_readings(live_server.app)
    page.set_viewport_size({"width": 375, "height": 812})
    j = Journey(page, live_server, "changes")
    j.start()
    j.follow(TITLE, within=page.locator("main"))
    j.follow("与上一版本相比修改了哪些条文", within=page.locator("main"))
    assert page.url.endswith(f"/drafts/{draft_id}/changes")
    text = j.main_text()
    assert "草案 → 二审稿" in text
    row = page.locator("section.changes-row", has=page.locator("ins", has_text="管理机构予以制止并记录在案"))
    assert row.count() == 1, text[:1500]
    assert row.locator("del").first.inner_text() == "劝阻"
    assert "原条文收到意见 2 条" in row.inner_text()
    # A word changed inside a long sentence is marked alone, not the whole sentence.
    assert page.locator("ins", has_text="和监督").count() == 1
    assert page.locator("ins", has_text="鼓励游客参与文明旅游志愿服务").count() == 1
    # The redline is visible as a redline: struck through and underlined.
    deco = page.evaluate("""() => [getComputedStyle(document.querySelector('.changes del')).textDecorationLine,
                                   getComputedStyle(document.querySelector('.changes ins')).textDecorationLine]""")
    assert deco == ["line-through", "underline"]
    # Stacked at phone width: the new text below the old one, and nothing scrolls sideways.
    old_box = row.locator(".changes-old").bounding_box()
    new_box = row.locator(".changes-new").bounding_box()
    assert new_box["y"] >= old_box["y"] + old_box["height"] - 1
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), "page scrolls sideways"
    assert "欧阳" not in text and "13912345678" not in text
    j.shot("changes-phone")
    row.scroll_into_view_if_needed()
    j.shot("changes-phone-row")
    j.follow("显示全部条文", within=page.locator("main"))
    assert "为了测试修改情况页面" in j.main_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.set_viewport_size({"width": 1280, "height": 900})
    j.shot("changes-wide")
    row = page.locator("section.changes-row", has=page.locator("ins", has_text="管理机构予以制止并记录在案"))
    old_box, new_box = row.locator(".changes-old").bounding_box(), row.locator(".changes-new").bounding_box()
    assert new_box["x"] > old_box["x"] + old_box["width"] - 5, "side by side on a wide screen"
    assert not no_csp_errors(page), page.console_errors
    j.check()
    print("screenshots:", *j.shots)


def test_staff_download_the_comparison_table_from_the_workbench(page, live_server):
    draft_id = _two_readings(live_server.app)
    j = Journey(page, live_server, "comparison-download")
    j.start()
    j.login("staff")
    card = page.locator("main .card", has=page.get_by_role("heading", name=TITLE))
    j.follow("逐条审阅", within=card)
    assert page.url.endswith(f"/review/drafts/{draft_id}")
    name, data = j.download(page.get_by_role("link", name="下载修改对照表"))
    assert name.endswith(".docx")
    doc = Document(io.BytesIO(data))
    cells = [c.text for row in doc.tables[0].rows for c in row.cells]
    assert "原条文" in cells and any("管理机构予以制止" in c for c in cells)
    j.check()


def test_the_changes_page_passes_axe(audit_page, live_server, axe_audit):
    """The redline page (del/ins colours, headings, the version picker) has no serious accessibility violation."""
    draft_id = _two_readings(live_server.app)
    response = audit_page.goto(live_server.url("drafts.changes", draft_id=draft_id, all=1))
    assert response is not None and response.status == 200
    assert audit_page.locator("h1").count() == 1
    axe_audit(audit_page, "what changed")
