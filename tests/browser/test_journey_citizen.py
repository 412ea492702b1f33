"""The citizen's whole journey in Chromium, from `/` by links and forms only.

Read the draft (open an article from the table of contents), search the drafts, comment on a paragraph,
keep the receipt code and look it up. Screenshots of each step land in <live tmp>/journeys/citizen/.
"""
from __future__ import annotations

import re

import pytest

from tests.browser.journeys import Journey, comments_with_body, draft_title
from tests.browser.support import no_csp_errors

pytestmark = pytest.mark.browser

RECEIPT_RE = re.compile(r"^[A-Z0-9]{4}-[A-Z0-9]{4}$")
BODY = "第二款应当写明擅自改变传统村落风貌的，由谁负责恢复原状。"


def test_citizen_reads_searches_comments_on_a_paragraph_and_looks_up_the_receipt(page, live_server, seed):
    """/ → draft → 目录 → 第十二条 → 搜索 → hit → comment on 第二款 → receipt code → 查询回执."""
    j = Journey(page, live_server, "citizen")
    title = draft_title(live_server.app, seed.draft_id())

    j.start()
    j.shot("home")
    j.follow(title, within=page.locator("main"))
    assert page.locator("h1").inner_text().strip() == title
    j.shot("draft")

    # Read: the table of contents leads to the article, the article's label opens its own page.
    toc = page.get_by_role("navigation", name="目录")
    toc_link = toc.get_by_role("link", name="第十二条", exact=True)
    if not toc_link.is_visible():  # a collapsible table of contents (phone layout) is opened first
        toc.locator("summary").first.click()
    toc_link.click()
    page.wait_for_function("() => location.hash === '#art-12'")
    section = page.locator("#art-12")
    assert "旅游资源普查和名录制度" in section.inner_text()
    j.follow("第十二条", within=section)
    assert "第十二条" in page.locator("h1").inner_text()
    assert "不得擅自改变其原有风貌" in j.main_text()
    j.shot("article")

    # Search the drafts: the public search box finds the article.
    j.follow("搜索", within=page.locator("header"))
    page.get_by_role("searchbox").fill("名录制度")
    j.submit("搜索", within=page.locator("main"))
    hits = page.locator(".search-hits")
    assert "名录制度" in hits.inner_text(), f"no hit: {j.main_text()[:400]}"
    j.shot("search")
    j.follow("第十二条", within=hits)
    assert "第十二条" in page.locator("h1").inner_text()

    # Comment on the second paragraph.
    j.follow(re.compile("对第十二条提意见"))
    anchor = page.get_by_label("针对")
    second = anchor.locator("option", has_text="第二款").first
    anchor.select_option(value=second.get_attribute("value"))
    page.locator("textarea[name=body]").fill(BODY)
    page.locator("input[name=commenter_name]").fill("刘洋")
    page.locator("input[name=wants_feedback]").check()
    page.locator("input[name=contact]").fill("13800000000")
    page.locator("input[name=consent_personal_info]").check()
    j.shot("comment-form")
    j.submit("提交意见")
    code = page.locator("#receipt-code").inner_text().strip()
    assert RECEIPT_RE.match(code), f"no receipt code on the page: {j.main_text()[:300]}"
    j.shot("receipt-code")

    # Look the receipt up from the header link, typing the code.
    j.follow("查询回执", within=page.locator("header"))
    page.get_by_label("回执编号").fill(code)
    j.submit("查询", within=page.locator("main"))
    result = page.locator(".receipt-result").inner_text()
    j.shot("receipt-lookup")
    assert code in result and BODY in result
    assert "第十二条第二款" in result
    assert "待审核" in result
    assert "未处理" not in result, "the citizen must never read the internal word 未处理"
    assert no_csp_errors(page) == []
    j.check()

    stored = comments_with_body(live_server.app, BODY)
    assert len(stored) == 1
    assert stored[0]["receipt_code"] == code
    assert (stored[0]["anchor_kind"], stored[0]["article"], stored[0]["paragraph_no"]) == ("paragraph", 12, 2)
    assert (stored[0]["channel"], stored[0]["moderation_state"]) == ("online", "pending")
