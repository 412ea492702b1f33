"""The staff journey in Chromium, from `/` by links and forms only, one test per part of the work.

Publish a draft past the publishing guard, moderate, search inside the workbench, confirm a duplicate
group and decide it once, decide with a reason (and be told where when it is missing), and export the
Word summary, a feedback letter and the spreadsheet, each downloaded by Chromium over HTTP and opened.
Each test starts at `/` and signs in through the header's 登录 link; comments a part needs are created
beforehand through the services (as other users would have), every step after that is a click or a form.
Screenshots land in <live tmp>/journeys/<test>/.
"""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.journeys import (EXPORT_WAIT_MS, Journey, comments_with_body, docx_text, draft_title,
                                    in_app, xlsx_rows)
from tests.browser.support import no_csp_errors

pytestmark = pytest.mark.browser

# Two 第四条 (a duplicate) and 第五条 after 第六条 (out of order): both block publishing.
TANGLED_TITLE = "清江市浏览器测试条例（草案）"
TANGLED = f"""{TANGLED_TITLE}
第一条　为了测试发布前的编号检查，制定本条例。
第二条　本条例适用于本市。
第三条　第三条的正文。
第四条　第一个第四条的正文。
第四条　第二个第四条的正文。
第六条　第六条的正文。
第五条　第五条的正文。
"""
PUBLISH = re.compile("^(公开|发布)$")  # the moderation buttons (wording settled by the vocabulary)
REFUSE = re.compile("(不予公开|驳回)$")


@pytest.fixture
def staff_journey(page, live_server, seed, request):
    """A staff member signed in from `/` through the header's login link, on the home dashboard."""
    j = Journey(page, live_server, request.node.name.removeprefix("test_staff_"))
    j.start()
    j.login("staff")
    assert page.locator("h1").inner_text().strip() == "工作台首页", f"staff landed on {page.url}"
    return j


def _draft_card(j: Journey, title: str):
    """The home dashboard's card of one draft (its workbench, search, duplicates, statistics, exports)."""
    card = j.page.locator("main .card", has=j.page.get_by_role("heading", name=title))
    assert card.count() == 1, f"no card for {title} on the home page: {j.main_text()[:400]}"
    return card


# -- publish guard -------------------------------------------------------------------------------------------
def test_staff_publish_guard(staff_journey, live_server):
    """Upload a draft with two 第四条 → publishing refused → accept each warning → confirm → both 第四条 open."""
    j, page = staff_journey, staff_journey.page
    j.follow("导入草案", within=page.locator("main"))
    page.locator("input[type=file]").set_input_files({
        "name": "tangled.txt", "mimeType": "text/plain", "buffer": TANGLED.encode("utf-8")})
    j.submit("上传并解析")
    assert page.locator("h1").inner_text().strip() == TANGLED_TITLE.removesuffix("（草案）"), j.main_text()[:400]
    assert "发布前须处理" in j.main_text()
    j.shot("parsed-with-warnings")
    draft_id = _draft_id(live_server.app, TANGLED_TITLE.removesuffix("（草案）"))

    closes = (_now_local() + timedelta(days=40)).strftime("%Y-%m-%dT%H:%M")
    page.get_by_label(re.compile("截止时间")).fill(closes)
    j.submit(re.compile("^发布"), exact=False)
    assert "确认发布" not in page.locator("h1").inner_text(), "a draft with two 第四条 reached the confirmation"
    assert re.search(r"还有 \d+ 个编号问题", j.main_text()), j.main_text()[:600]
    j.shot("publish-refused")
    assert not _published(live_server.app, draft_id)

    for _round in range(5):  # accept each blocking warning explicitly (the page reloads after each)
        accept = page.get_by_role("button", name="已核对，按现有文本确认")
        if accept.count() == 0:
            break
        with page.expect_navigation():
            accept.first.click()
        j.check()
    assert "发布前须处理" not in j.main_text()
    j.shot("warnings-accepted")

    page.get_by_label(re.compile("截止时间")).fill(closes)
    j.submit(re.compile("^发布"), exact=False)
    assert page.locator("h1").inner_text().strip() == "确认发布", j.main_text()[:600]
    assert not _published(live_server.app, draft_id), "the first click must only ask"
    j.shot("confirm-publish")
    j.submit("确认发布")
    assert "草案已发布" in j.main_text()
    assert _published(live_server.app, draft_id)

    # Every article has its own address: the second 第四条 opens its own page.
    j.follow("查看公开页面")
    toc = page.get_by_role("navigation", name="目录")
    fourths = toc.get_by_role("link", name="第四条", exact=True)
    assert fourths.count() == 2
    if not fourths.nth(1).is_visible():
        toc.locator("summary").first.click()
    fourths.nth(1).click()
    second = page.locator(page.evaluate("() => location.hash") or "#missing")
    j.follow("第四条", within=second)
    assert "第二个第四条的正文" in j.main_text() and "第一个第四条的正文" not in j.main_text()
    j.shot("second-fourth-article")
    j.check()


# -- moderation ----------------------------------------------------------------------------------------------
def test_staff_moderate(staff_journey, live_server, seed):
    """审核网上意见: publish one comment, reject another with a reason the commenter reads on the receipt."""
    j, page = staff_journey, staff_journey.page
    shown_body = "景区门票预约应当保留电话预约渠道，照顾不会用手机的老人（审核测试）。"
    refused_body = "这条意见与草案无关，只是广告：欢迎光临本店（审核测试）。"
    shown = seed.online_comment(anchor="12", body=shown_body, commenter_name="王小明")
    refused = seed.online_comment(anchor="12", body=refused_body, commenter_name="赵大伟")
    reason = "内容与草案无关"

    j.page.reload()  # the dashboard as it is now
    j.follow("审核网上意见", within=page.locator("main"))
    item = page.locator(f"#c-{shown['id']}")
    assert item.count() == 1, f"the new comment is not in the queue: {j.main_text()[:400]}"
    j.shot("queue")
    with page.expect_navigation():
        item.get_by_role("button", name=PUBLISH).click()
    j.check()
    assert page.locator(f"#c-{shown['id']}").count() == 0, "a published comment must leave the queue"
    item = page.locator(f"#c-{refused['id']}")
    item.get_by_label(re.compile("不予公开的理由|驳回理由")).fill(reason)
    with page.expect_navigation():
        item.get_by_role("button", name=REFUSE).click()
    j.check()
    assert page.locator(f"#c-{refused['id']}").count() == 0, "a rejected comment must leave the queue"
    j.shot("moderated")

    # The public article page shows the published comment with the name masked, never the rejected one.
    j.home()
    j.follow("公开页面", within=_draft_card(j, draft_title(live_server.app, seed.draft_id())))
    j.follow("第十二条", within=page.locator("#art-12"))
    public = page.locator(".article-comments").inner_text()
    assert shown_body in public and "王*" in public and "王小明" not in public
    assert refused_body not in public and "赵大伟" not in public

    j.follow("查询回执", within=page.locator("header"))
    page.get_by_label("回执编号").fill(refused["receipt_code"])
    j.submit("查询", within=page.locator("main"))
    result = page.locator(".receipt-result").inner_text()
    assert "不予公开" in result and reason in result
    assert [c["moderation_state"] for c in comments_with_body(live_server.app, shown_body)] == ["published"]
    assert [c["moderation_state"] for c in comments_with_body(live_server.app, refused_body)] == ["rejected"]
    assert no_csp_errors(page) == []


# -- search inside the workbench -----------------------------------------------------------------------------
def test_staff_search_in_the_workbench(staff_journey, live_server, seed):
    """The workbench's keyword box finds comments of every channel and state, grouped by article."""
    j, page = staff_journey, staff_journey.page
    keyword = "观鸟栈道"
    met = _entered(live_server.app, seed.draft_id(), "11", f"湿地公园的{keyword}应当限制每日人数。")
    online = seed.online_comment(anchor="27", body=f"{keyword}周边禁止露营烧烤，建议写进条例。")  # still pending
    title = draft_title(live_server.app, seed.draft_id())

    j.page.reload()
    j.follow("逐条审阅", within=_draft_card(j, title))
    box = page.locator("main").get_by_role("searchbox")
    assert box.count() >= 1, "the workbench has no keyword box"
    box.first.fill(keyword)
    with page.expect_navigation():
        box.first.press("Enter")
    j.check()
    text = j.main_text()
    j.shot("workbench-search")
    assert met["body"] in text
    groups = page.locator("main section", has_text=keyword)
    headings = " ".join(groups.locator("h2, h3").all_inner_texts())
    assert "第十一条" in headings and "第二十七条" in headings, \
        f"hits must be grouped by article (a meeting comment and a pending online one): {text[:800]}"
    assert online["receipt_code"] in text, "a pending online comment must be found by staff"

    # Each hit leads to its article's workbench page, which has the keyword box too.
    j.follow(re.compile("在工作台处理"), within=groups.filter(has_text="第十一条").first)
    assert "第十一条" in page.locator("h1").inner_text()
    assert page.locator(f"#c-{met['id']}").count() == 1
    assert page.locator("main").get_by_role("searchbox").count() >= 1, "no keyword box on the article page"
    j.shot("article-workbench")
    j.check()


# -- duplicates ----------------------------------------------------------------------------------------------
def test_staff_confirm_a_duplicate_group_and_decide_it_once(staff_journey, live_server, seed):
    """重复意见: detect, confirm the group, one decision → every member shows it."""
    j, page = staff_journey, staff_journey.page
    body = "建议第十一条明确旅游专项规划的编制期限为两年，并向社会公布规划草案征求意见。"
    reason = "已在修改稿第十一条中写明编制期限。"
    draft_id = seed.draft_id()
    for n in range(2):
        _entered(live_server.app, draft_id, "11", body, point_index=n)
    seed.online_comment(anchor="11", body=body, commenter_name="钱多多")
    title = draft_title(live_server.app, draft_id)

    j.page.reload()
    j.follow("重复意见", within=_draft_card(j, title))
    j.submit("重新检测重复意见")
    # A small draft is done when the page comes back; a large one says 正在检测 and refreshes itself.
    expect(page.locator("#detection")).not_to_contain_text("正在检测", timeout=60_000)
    j.shot("detected")
    group = _find_group(j, body)
    group_id = group.get_attribute("id")
    assert group.locator(".review-comment, article").count() == 3, group.inner_text()[:400]
    with page.expect_navigation():
        group.get_by_role("button", name="确认为重复意见").click()
    j.check()
    group = _find_group(j, body)
    assert group.get_attribute("id") == group_id
    assert "已确认" in group.inner_text()
    group.get_by_label(re.compile("采纳情况")).select_option(label="采纳")
    group.get_by_label(re.compile("说明")).fill(reason)
    j.shot("group-decision")
    with page.expect_navigation():
        group.get_by_role("button", name=re.compile("对本组全部意见")).click()
    j.check()
    group = _find_group(j, body)
    members = group.locator(".review-comment, article")
    assert members.count() == 3
    for text in members.all_inner_texts():
        assert f"采纳：{reason}" in text and "未处理" not in text, f"a member did not take the decision: {text}"
    j.shot("group-decided")
    stored = comments_with_body(live_server.app, body)
    assert len(stored) == 3
    assert {(c["decision"], c["decision_reason"]) for c in stored} == {("adopted", reason)}


def _find_group(j: Journey, body: str):
    """The duplicate group holding `body`, following the groups' pages (at most 20)."""
    for _page in range(20):
        group = j.page.locator("section.dup-group", has_text=body)
        if group.count():
            return group.first
        following = j.page.get_by_role("link", name=re.compile("下一页"))
        if following.count() == 0:
            break
        j.follow(re.compile("下一页"))
    pytest.fail(f"no duplicate group holds {body!r}: {j.main_text()[:600]}", pytrace=False)


# -- decide with a reason ------------------------------------------------------------------------------------
def test_staff_decide_with_a_reason_and_the_error_beside_the_field(staff_journey, live_server, seed):
    """未采纳 without a reason → message beside the reason field, focus on it; with a reason → saved."""
    j, page = staff_journey, staff_journey.page
    body = "第二十七条应当写明旅游投诉的处理时限，超过时限的要公开通报。"
    reason = "处理时限已由《旅游投诉处理办法》规定，本条例不再重复。"
    comment = _entered(live_server.app, seed.draft_id(), "27", body)
    title = draft_title(live_server.app, seed.draft_id())

    j.page.reload()
    j.follow("逐条审阅", within=_draft_card(j, title))
    j.follow("第二十七条", within=page.locator("main table"), exact=False)
    item = page.locator(f"#c-{comment['id']}")
    assert item.count() == 1, f"the comment is not on its article page: {j.main_text()[:400]}"
    item.locator("summary", has_text="处理这条意见").click()
    item.get_by_label("采纳情况").select_option(label="未采纳")
    with page.expect_navigation():
        item.get_by_role("button", name="保存采纳情况").click()
    j.check()
    j.shot("reason-missing")
    field = page.locator(f"#r-{comment['id']}")
    assert field.is_visible(), "the reason field must be shown again, open"
    assert field.get_attribute("aria-invalid") == "true"
    described = (field.get_attribute("aria-describedby") or "").split()
    beside = [page.locator(f"#{ident}").inner_text() for ident in described
              if page.locator(f"#{ident}").count()]
    assert any("理由" in text for text in beside), \
        f"no message tied to the reason field (aria-describedby {described}): {item.inner_text()[:400]}"
    page.wait_for_function(f"() => document.activeElement?.id === 'r-{comment['id']}'",
                           timeout=5_000)
    assert comments_with_body(live_server.app, body)[0]["decision"] is None, "a refused decision was stored"

    item = page.locator(f"#c-{comment['id']}")
    assert item.get_by_label("采纳情况").input_value() == "not_adopted", "the chosen decision must be kept"
    field.fill(reason)
    with page.expect_navigation():
        item.get_by_role("button", name="保存采纳情况").click()
    j.check()
    item = page.locator(f"#c-{comment['id']}")
    assert "未采纳" in item.locator(".status").inner_text() and reason in item.inner_text()
    j.shot("decided")
    stored = comments_with_body(live_server.app, body)[0]
    assert (stored["decision"], stored["decision_reason"]) == ("not_adopted", reason)


# -- exports -------------------------------------------------------------------------------------------------
def test_staff_export_summary_feedback_letter_and_sheet(staff_journey, live_server, seed):
    """导出: Word summary, one commenter's feedback letter, the .xlsx list — each downloaded and opened."""
    j, page = staff_journey, staff_journey.page
    draft_id = seed.draft_id()
    title = draft_title(live_server.app, draft_id)
    body = "建议第十二条写明旅游资源名录每三年更新一次（导出测试）。"
    answered = seed.online_comment(anchor="12", body=body, commenter_name="孙丽", wants_feedback=True,
                                   contact="13900000000", consent_personal_info=True)
    _publish_and_decide(live_server.app, answered["id"], "adopted", "已在修改稿中写明更新周期。")
    waiting = seed.online_comment(anchor="12", body="建议名录向社会公开征求意见（导出测试）。", commenter_name="周平",
                                  wants_feedback=True, contact="13700000000", consent_personal_info=True)
    _publish_and_decide(live_server.app, waiting["id"], None, "")

    j.page.reload()
    j.follow("导出", within=_draft_card(j, title))
    assert title in page.locator("h1").inner_text()
    export_page = page.url

    # The Word summary.
    page.get_by_label("意见汇总（Word）").check()
    j.submit("开始导出")
    name, data = _download_finished(j, "summary")
    assert name.endswith(".docx")
    summary = docx_text(data)
    assert title.replace("（草案）", "") in summary
    assert body in summary
    for word in ("采纳", "部分采纳", "未采纳"):
        assert word in summary, f"the summary has no tally word {word}"

    # A feedback letter is refused while that commenter's comment is undecided ...
    j.follow(re.compile(re.escape(title)))
    assert page.url.split("#")[0] == export_page
    page.get_by_label("意见反馈函（Word）").check()
    page.get_by_label("一位提出人（填写回执编号）").check()
    page.get_by_label("回执编号", exact=True).fill(waiting["receipt_code"])
    with page.expect_navigation():
        page.get_by_role("button", name="开始导出").click()
    j.check()
    refusal = j.main_text()
    j.shot("letter-refused")
    assert "尚未作出采纳决定" in refusal and "1 条" in refusal, refusal[:600]
    assert "/jobs/" not in page.url

    # ... and built for the commenter whose comment was decided: addressed by their name, no internal word.
    page.get_by_label("意见反馈函（Word）").check()
    page.get_by_label("一位提出人（填写回执编号）").check()
    page.get_by_label("回执编号", exact=True).fill(answered["receipt_code"])
    j.submit("开始导出")
    name, data = _download_finished(j, "letter")
    assert name.endswith(".docx")
    letter = docx_text(data)
    assert "孙丽" in letter and body in letter
    assert "采纳" in letter and "已在修改稿中写明更新周期" in letter
    assert "未处理" not in letter
    assert live_server.app.config["ISSUING_BODY"] == "清江市人大常委会法制工作委员会"
    assert letter.splitlines()[0] == "清江市人大常委会法制工作委员会", "the letterhead is the configured body"

    # The spreadsheet.
    j.follow(re.compile(re.escape(title)))
    page.get_by_label("意见清单（表格）").check()
    page.get_by_label("Excel (.xlsx)").check()
    j.submit("开始导出")
    name, data = _download_finished(j, "sheet")
    assert name.endswith(".xlsx")
    rows = xlsx_rows(data)
    header = [str(v or "") for v in rows[0]]
    assert "意见" in header or any("意见" in h for h in header), header
    flat = [" ".join(str(v) for v in row if v is not None) for row in rows[1:]]
    mine = [row for row in flat if body in row]
    assert len(mine) == 1 and "采纳" in mine[0] and answered["receipt_code"] in mine[0]
    assert len(rows) > 300, "the sheet must list every comment of the draft"
    assert no_csp_errors(page) == []


def _download_finished(j: Journey, step: str) -> tuple[str, bytes]:
    """On an export job's page: wait for the job, then download its file by the page's link."""
    page = j.page
    assert "/jobs/" in page.url, f"no export job was started: {j.main_text()[:600]}"
    link = page.locator("[data-download] a")
    try:
        link.wait_for(state="visible", timeout=EXPORT_WAIT_MS)
    except Exception:  # noqa: BLE001 - say what the page showed instead of a bare timeout
        j.shot(f"{step}-not-finished")
        pytest.fail(f"export {step} did not finish: {j.main_text()[:600]}", pytrace=False)
    j.shot(f"{step}-done")
    return j.download(link)


# -- data other users would have created ---------------------------------------------------------------------
def _entered(app, draft_id: int, anchor: str, body: str, *, username: str = "facilitator",
             point_index: int = 0) -> dict:
    """A comment a facilitator recorded for one of their contact points."""
    from consult.comments.services import enter_comment
    from consult.drafts.models import Draft
    from tests.browser.conftest import demo_user

    def make(db):
        user = demo_user(app, username)
        point = sorted(user.contact_points, key=lambda cp: cp.code)[point_index]
        draft = db.session.get(Draft, draft_id)
        comment = enter_comment(draft, contact_point=point, anchor=anchor, body=body, actor=user)
        db.session.flush()
        return {"id": comment.id, "receipt_code": comment.receipt_code, "body": body}

    return in_app(app, make)


def _publish_and_decide(app, comment_id: int, decision: str | None, reason: str) -> None:
    """What another staff member did earlier: publish an online comment and decide it (or leave it open)."""
    from consult.comments.models import Comment
    from consult.review.services import decide_comment, publish_comment
    from tests.browser.conftest import demo_user

    def act(db):
        staff = demo_user(app, "staff2")
        comment = db.session.get(Comment, comment_id)
        publish_comment(comment, actor=staff)
        if decision:
            decide_comment(comment, decision, reason, actor=staff)

    in_app(app, act)


def _draft_id(app, title: str) -> int:
    from sqlalchemy import select

    from consult.drafts.models import Draft

    return in_app(app, lambda db: db.session.scalar(select(Draft.id).where(Draft.title == title)))


def _published(app, draft_id: int) -> bool:
    from consult.drafts.models import Draft

    return in_app(app, lambda db: db.session.get(Draft, draft_id).published_at is not None)


def _now_local():
    """Now in Beijing time, the zone of the publish form."""
    from datetime import datetime, timezone

    return datetime.now(timezone(timedelta(hours=8)))
