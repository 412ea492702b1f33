"""The facilitator's whole journey in Chromium, from `/` by links and forms only.

Log in (and land on the intake page), record a meeting, enter five comments with the keyboard alone
(Tab, Enter and typing; the article typed as 12, 第十二条, 12.2, 总体, 新增), import a spreadsheet built
here with openpyxl through the upload form, and correct one entered comment.
Screenshots of each step land in <live tmp>/journeys/facilitator/.
"""
from __future__ import annotations

import re
from datetime import date, timedelta
from urllib.parse import urlparse

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser.journeys import Journey, comments_with_body, in_app, xlsx_bytes
from tests.browser.support import no_csp_errors, tab_to

pytestmark = pytest.mark.browser

PLACE = "江畔社区党群服务中心（旅游条例座谈）"
# (what is typed in the article field, what the preview shows before saving, the comment)
ENTRIES = [
    ("12", "第十二条", "资源普查的结果要向居民公布，方便大家监督普查质量。"),
    ("第十二条", "第十二条", "名录制度应当写明多长时间更新一次名录。"),
    ("12.2", "第二款", "传统村落的风貌保护要先征求村民的意见。"),
    ("总体", "总体意见", "整部条例对老年人出游的保障还写得不够。"),
    ("新增", "新增条款", "建议新增一条：五A级景区应当设置母婴室。"),
]
SHEET_HEADER = ["条款", "意见", "理由", "提出人", "类别", "渠道", "日期"]
SHEET_ROWS = [
    ["第十三条", "生态敏感区域的开发强度应当有量化的控制指标。", "便于执法检查。", "周敏", "居民", "座谈会"],
    ["13.2", "自然保护地内能开展哪些旅游活动，应当公布清单。", "", "", "村民", "座谈会"],
]
CORRECTED = "名录制度应当写明每三年更新一次名录，并向社会公布。"


def test_facilitator_meeting_five_comments_by_keyboard_spreadsheet_and_a_correction(page, live_server):
    """/ → 登录 → intake page → 登记会议 → 5 × keyboard entry → 导入表格 (.xlsx) → 修改 one comment."""
    j = Journey(page, live_server, "facilitator")
    j.start()
    j.login("facilitator")
    assert urlparse(page.url).path == "/intake/", f"a facilitator must land on the intake page: {page.url}"
    assert page.locator("h1").inner_text().strip() == "意见录入"
    j.shot("landing")

    # A meeting, typed with the keyboard.
    j.follow("登记会议并录入意见", within=page.locator("main"))
    held_on = date.today() - timedelta(days=1)
    tab_to(page, lambda f: f.get("name") == "held_on", "the meeting date")
    page.keyboard.type(held_on.strftime("%m%d%Y"))  # --lang=en-US: a date input reads mm/dd/yyyy
    tab_to(page, lambda f: f.get("name") == "place", "the meeting place")
    page.keyboard.type(PLACE)
    tab_to(page, lambda f: f.get("name") == "attendance", "the attendance")
    page.keyboard.type("15")
    # The demo draft, whatever other journeys on this shared server have published since (the list shows the
    # newest first).
    demo_draft_value = page.locator("select[name=draft_id] option", has_text="全域旅游促进条例").first \
        .get_attribute("value")
    page.select_option("select[name=draft_id]", value=demo_draft_value)
    j.shot("meeting-form")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    j.check()
    assert re.search(r"/intake/meetings/\d+$", page.url), f"the meeting was not saved: {j.main_text()[:400]}"
    meeting_id = int(page.url.rsplit("/", 1)[-1])

    # Five comments with the keyboard alone; the preview resolves the article before each save.
    try:
        page.wait_for_function("() => document.activeElement && document.activeElement.name === 'anchor'",
                               timeout=5_000)
    except PlaywrightTimeout:
        pytest.fail(f"focus must start in the article field, it is on {j.focused()}")
    resolved = page.locator("#anchor-resolved")
    for number, (anchor, label, body) in enumerate(ENTRIES, start=1):
        page.keyboard.type(anchor)
        resolved.filter(has_text=label).wait_for()
        page.keyboard.press("Tab")
        assert j.focused().get("name") == "body"
        page.keyboard.type(body)
        page.keyboard.press("Enter")
        page.locator("#entry-count").filter(has_text=str(number)).wait_for()
        page.wait_for_function("() => document.activeElement && document.activeElement.name === 'anchor'"
                               " && document.activeElement.value === ''")
    listed = page.locator("#entry-list > li").all_inner_texts()
    assert len(listed) == 5
    for _anchor, _label, body in ENTRIES:
        assert any(body in text for text in listed), f"{body} missing from the running list"
    j.shot("five-comments")
    assert _stored(live_server.app, meeting_id) == sorted([
        ("article", 12, None, ENTRIES[0][2]), ("article", 12, None, ENTRIES[1][2]),
        ("paragraph", 12, 2, ENTRIES[2][2]), ("general", None, None, ENTRIES[3][2]),
        ("new_article", None, None, ENTRIES[4][2])], key=repr)

    # A spreadsheet for the same meeting, uploaded through the import form.
    j.follow("← 意见录入")
    j.follow("导入表格", within=page.locator("main"))
    point_id = in_app(live_server.app, lambda db: _meeting_point(db, meeting_id))
    page.select_option("select[name=draft_id]", value=demo_draft_value)
    page.get_by_label("联系点").select_option(value=str(point_id))
    page.get_by_label("会议（可选）").select_option(value=str(meeting_id))
    today = date.today().isoformat()
    data = xlsx_bytes(SHEET_HEADER, [row + [today] for row in SHEET_ROWS])
    page.locator("input[type=file]").set_input_files({
        "name": "座谈会意见.xlsx", "buffer": data,
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})
    j.shot("import-form")
    j.submit("上传并检查")
    assert page.locator("#import-errors").count() == 0, f"import refused: {j.main_text()[:600]}"
    assert "已导入 2 条意见" in j.main_text()
    table = page.locator("main table").inner_text()
    for row in SHEET_ROWS:
        assert row[1] in table, f"{row[1]} missing from the point's list"
    j.shot("imported")
    imported = comments_with_body(live_server.app, SHEET_ROWS[1][1])
    assert [(c["anchor_kind"], c["article"], c["paragraph_no"], c["meeting_id"]) for c in imported] == [
        ("paragraph", 13, 2, meeting_id)]

    # Correct one of the comments typed at the meeting: it was filed under the wrong wording.
    row = page.locator("main tr", has_text=ENTRIES[1][2])
    j.follow(re.compile("^修改"), within=row, exact=False)
    assert page.locator("h1").inner_text().strip() == "修改意见"
    body_field = page.get_by_label("意见", exact=True)
    assert body_field.input_value() == ENTRIES[1][2]
    body_field.fill(CORRECTED)
    anchor_field = page.get_by_label("条款", exact=True)
    anchor_field.fill("12.1")
    page.locator("#anchor-resolved").filter(has_text="第一款").wait_for()
    j.shot("correction")
    j.submit("保存修改")
    assert "意见已更正" in j.main_text()
    assert CORRECTED in j.main_text() and ENTRIES[1][2] not in j.main_text()
    j.shot("corrected")
    assert no_csp_errors(page) == []
    j.check()

    assert comments_with_body(live_server.app, ENTRIES[1][2]) == []
    corrected = comments_with_body(live_server.app, CORRECTED)
    assert [(c["anchor_kind"], c["article"], c["paragraph_no"], c["meeting_id"]) for c in corrected] == [
        ("paragraph", 12, 1, meeting_id)]
    assert len(_stored(live_server.app, meeting_id)) == 7  # five typed, two imported, none lost


def _meeting_point(db, meeting_id: int) -> int:
    from consult.contact_points.models import Meeting

    return db.session.get(Meeting, meeting_id).contact_point_id


def _stored(app, meeting_id: int) -> list[tuple]:
    from sqlalchemy import select

    from consult.comments.models import Comment

    def read(db):
        rows = db.session.scalars(select(Comment).where(Comment.meeting_id == meeting_id)).all()
        return sorted([(c.anchor_kind, c.article.number if c.article else None, c.paragraph_no, c.body)
                       for c in rows], key=repr)

    return in_app(app, read)
