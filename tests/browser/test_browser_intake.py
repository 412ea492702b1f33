"""End to end in Chromium: a facilitator records a meeting and enters five comments with the keyboard alone.

After signing in, the test only types and presses Tab and Enter: no clicks, no filling by selector.
"""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from sqlalchemy import select

from tests.browser.support import focused, login, no_csp_errors, tab_to

pytestmark = pytest.mark.browser

# (what is typed in the article field, what the resolved preview must show before saving, the comment)
ENTRIES = [
    ("12", "第十二条", "资源普查的结果要向居民公布，方便大家监督。"),
    ("第十二条", "第十二条", "名录制度应当写明多长时间更新一次。"),
    ("12.2", "第二款", "传统村落的风貌保护要征求村民意见。"),
    ("总体", "总体意见", "整部条例对老年人出游的保障还不够。"),
    ("新增", "新增条款", "建议新增一条：景区应当设置母婴室。"),
]


def test_facilitator_enters_five_comments_with_the_keyboard_alone(page, live_server):
    """Dashboard → new meeting → fast entry ×5 by Tab/Enter/typing; previews shown; five listed."""
    login(page, live_server, "facilitator")

    tab_to(page, lambda f: f.get("tag") == "a" and f.get("text") == "意见录入", "the 意见录入 menu link")
    page.keyboard.press("Enter")
    page.wait_for_url("**/intake/")
    tab_to(page, lambda f: f.get("tag") == "a" and "登记会议" in f.get("text", ""), "the new-meeting link")
    page.keyboard.press("Enter")
    page.wait_for_url("**/intake/meetings/new**")

    held_on = date.today() - timedelta(days=1)
    tab_to(page, lambda f: f.get("name") == "held_on", "the meeting date")
    # The browser runs with --lang=en-US: a date input reads mm/dd/yyyy and moves on after each part.
    page.keyboard.type(held_on.strftime("%m%d%Y"))
    tab_to(page, lambda f: f.get("name") == "place", "the meeting place")
    page.keyboard.type("江畔社区党群服务中心")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/intake/meetings/\d+$"))
    meeting_id = int(page.url.rsplit("/", 1)[-1])

    # autofocus is applied at the first rendering update after load, not necessarily before the load event
    try:
        page.wait_for_function("() => document.activeElement && document.activeElement.name === 'anchor'",
                               timeout=5_000)
    except PlaywrightTimeout:
        pytest.fail(f"focus must start in the article field, it is on {focused(page)}")
    resolved = page.locator("#anchor-resolved")
    for number, (anchor, expected_label, body) in enumerate(ENTRIES, start=1):
        page.keyboard.type(anchor)
        resolved.filter(has_text=expected_label).wait_for()  # the preview appears before saving
        assert resolved.inner_text().strip() != expected_label or anchor in ("总体", "新增"), \
            "the preview must show the resolved article text, not only its label"
        page.keyboard.press("Tab")
        assert focused(page).get("name") == "body"
        page.keyboard.type(body)
        page.keyboard.press("Enter")
        page.locator("#entry-count").filter(has_text=str(number)).wait_for()
        page.wait_for_function("() => document.activeElement && document.activeElement.name === 'anchor'"
                               " && document.activeElement.value === ''")

    running = page.locator("#entry-list > li")
    assert running.count() == 5
    listed = running.all_inner_texts()
    for _anchor, _label, body in ENTRIES:
        assert any(body in text for text in listed), f"{body} missing from the running list"
    assert no_csp_errors(page) == []

    stored = _meeting_comments(live_server.app, meeting_id)
    assert sorted(stored) == sorted([
        ("article", 12, None, ENTRIES[0][2]),
        ("article", 12, None, ENTRIES[1][2]),
        ("paragraph", 12, 2, ENTRIES[2][2]),
        ("general", None, None, ENTRIES[3][2]),
        ("new_article", None, None, ENTRIES[4][2]),
    ], key=repr)


def _meeting_comments(app, meeting_id: int) -> list[tuple]:
    from consult.comments.models import Comment
    from consult.extensions import db

    with app.app_context():
        try:
            comments = db.session.scalars(select(Comment).where(Comment.meeting_id == meeting_id)).all()
            return [(c.anchor_kind, c.article.number if c.article else None, c.paragraph_no, c.body)
                    for c in comments]
        finally:
            db.session.remove()
