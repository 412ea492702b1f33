"""Offline fast entry in Chromium: entries typed without a connection are kept, survive a reload served by
the service worker, and arrive exactly once when the connection comes back — even when an answer is lost,
the session ended meanwhile, or the server refuses one of them (shown per entry, never dropped).

"Offline" is the browser context's network emulation (navigator.onLine false, every request of the page
fails) plus a route that aborts every request of the service worker, in case the emulation does not reach
the worker (playwright#2311; in our runs with Playwright 1.65 it does; the route needs
PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS, set below before Playwright starts). The offline reload is
checked in the server's log: no request reached it. Screenshots land in <live tmp>/journeys/offline/.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.journeys import in_app
from tests.browser.support import login, no_csp_errors

os.environ.setdefault("PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS", "1")

pytestmark = pytest.mark.browser

ANCHORS = ["12", "第十三条", "12.2", "总体", "新增", "14", "15", "第十六条", "17", "18"]


def _shot(page, live_server, name: str) -> Path:
    target = Path(live_server.tmp_dir) / "journeys" / "offline" / f"{name}.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(target), full_page=True)
    return target


def _stored(app, meeting_id: int) -> list[tuple]:
    from sqlalchemy import select

    from consult.comments.models import Comment

    def read(db):
        return [(c.body, c.idempotency_key) for c in db.session.scalars(
            select(Comment).where(Comment.meeting_id == meeting_id).order_by(Comment.id))]

    return in_app(app, read)


def _abort_worker_requests(route):
    if route.request.service_worker is not None:
        route.abort("internetdisconnected")
    else:
        route.fallback()


def offline(context) -> None:
    """No network for the page nor for its service worker."""
    context.route("**/*", _abort_worker_requests)
    context.set_offline(True)


def online(page) -> None:
    """The connection is back (the browser fires `online`; the queue starts sending)."""
    page.context.unroute("**/*", _abort_worker_requests)
    page.context.set_offline(False)


def open_entry(page, live_server, meeting_id: int) -> None:
    """The entry page, controlled by its service worker, with its copy (page and assets) in the cache."""
    page.goto(live_server.url("intake.entry", meeting_id=meeting_id))
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller !== null",
                           timeout=15_000)
    eventually(page, """async () => {
        const page = await caches.match(location.pathname);
        const script = await caches.match('/static/js/offline-entry.js');
        return !!page && !!script;
    }""", None, "the page and its script in the cache")


def eventually(page, script: str, arg, what: str, tries: int = 150) -> None:
    """Evaluate an async predicate until it holds (wait_for_function does not await a returned promise)."""
    for _ in range(tries):
        if page.evaluate(script, arg):
            return
        page.wait_for_timeout(100)
    pytest.fail(f"timed out waiting for {what}", pytrace=False)


def type_entry(page, anchor: str, body: str) -> None:
    """One entry by keyboard: article, Tab, comment, Enter; back in an empty article field."""
    page.locator("#anchor").focus()
    page.keyboard.type(anchor)
    page.keyboard.press("Tab")
    page.keyboard.type(body)
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement && document.activeElement.name === 'anchor'"
                           " && document.activeElement.value === ''")


def queue_count(page) -> int:
    return int(page.locator("#entry-queue-count").inner_text())


def wait_queue(page, n: int) -> None:
    page.wait_for_function(f"() => document.getElementById('entry-queue-count').textContent === '{n}'")


def settled(page, conflicts: int) -> None:
    """Sending is over: nothing waits any more, `conflicts` entries were refused and stay listed."""
    page.wait_for_function("""n => document.querySelectorAll('#entry-queue li.is-conflict').length === n
        && document.querySelectorAll('#entry-queue li.is-pending').length === 0""", arg=conflicts)


def test_ten_entries_offline_survive_a_reload_and_arrive_exactly_once(page, live_server, seed):
    meeting = seed.meeting(place="离线座谈：十条意见")
    login(page, live_server, "facilitator")
    open_entry(page, live_server, meeting["id"])
    offline(page.context)
    bodies = [f"离线录入的第{i}条意见：{anchor}。" for i, anchor in enumerate(ANCHORS, start=1)]
    for anchor, body in zip(ANCHORS, bodies):
        type_entry(page, anchor, body)
    wait_queue(page, 10)
    assert page.locator("#entry-queue .queue-badge", has_text="待同步").count() == 10
    assert "离线" in page.locator("#entry-sync-status").inner_text()
    _shot(page, live_server, "1-ten-offline")

    page_requests = _server_hits(live_server, f"GET /intake/meetings/{meeting['id']} ")
    page.reload()  # no network: the service worker answers with its copy
    page.locator("#entry-form").wait_for()
    assert _server_hits(live_server, f"GET /intake/meetings/{meeting['id']} ") == page_requests
    wait_queue(page, 10)
    assert page.locator("#entry-queue li .entry-body").all_inner_texts() == bodies
    assert _stored(live_server.app, meeting["id"]) == []
    _shot(page, live_server, "2-reloaded-offline")

    online(page)
    page.wait_for_function("() => document.getElementById('entry-queue-section').hidden")
    page.locator("#entry-count").filter(has_text="10").wait_for()
    stored = _stored(live_server.app, meeting["id"])
    assert sorted(body for body, _key in stored) == sorted(bodies)
    assert len({key for _body, key in stored}) == 10 and all(stored_key for _b, stored_key in stored)
    assert page.locator("#entry-list > li").count() == 10
    _shot(page, live_server, "3-synced")
    assert no_csp_errors(page) == []


def test_a_lost_answer_is_sent_again_and_still_stored_once(page, live_server, seed):
    meeting = seed.meeting(place="离线座谈：丢失的应答")
    login(page, live_server, "facilitator")
    open_entry(page, live_server, meeting["id"])
    offline(page.context)
    bodies = [f"应答丢失测试第{i}条。" for i in range(1, 11)]
    for body in bodies:
        type_entry(page, "12", body)
    wait_queue(page, 10)

    lost = []

    def lose_first_answer(route):
        # The request reaches the server (which stores the comment); its answer never reaches the page.
        if route.request.method == "POST" and not lost:
            response = route.fetch(max_redirects=0)
            lost.append(response.status)
            route.abort("connectionreset")
        else:
            route.fallback()

    page.route(f"**/intake/meetings/{meeting['id']}", lose_first_answer)
    online(page)
    page.wait_for_function("() => document.getElementById('entry-queue-section').hidden", timeout=60_000)
    assert lost == [302], f"the first POST should have been stored and its answer dropped: {lost}"
    stored = _stored(live_server.app, meeting["id"])
    assert sorted(body for body, _key in stored) == sorted(bodies), "each entry exactly once"
    page.locator("#entry-count").filter(has_text="10").wait_for()
    assert page.locator("#entry-list > li").count() == 10
    _shot(page, live_server, "4-lost-answer")


def test_refused_entries_stay_with_the_server_message_until_fixed_or_discarded(audit_page, live_server, seed,
                                                                               axe_audit):
    page = audit_page  # CSP bypassed only so that axe-core can be injected
    meeting = seed.meeting(place="离线座谈：冲突")
    login(page, live_server, "facilitator")
    open_entry(page, live_server, meeting["id"])
    offline(page.context)
    type_entry(page, "12", "这一条没有问题。")
    type_entry(page, "99", "第九十九条并不存在，这条不能丢。")
    type_entry(page, "第九十八条", "这条录错了，要放弃。")
    wait_queue(page, 3)
    online(page)
    refused = page.locator("#entry-queue li.is-conflict")
    settled(page, conflicts=2)
    assert [body for body, _key in _stored(live_server.app, meeting["id"])] == ["这一条没有问题。"]
    texts = refused.all_inner_texts()
    assert "草案中没有第九十九条" in texts[0] and "这条不能丢" in texts[0]
    assert "草案中没有第九十八条" in texts[1]
    _shot(page, live_server, "5-conflicts")
    axe_audit(page, "entry page with refused entries")

    page.reload()  # refused entries are kept in the browser, not only on screen
    page.wait_for_function("() => document.querySelectorAll('#entry-queue li.is-conflict').length === 2")

    page.once("dialog", lambda dialog: dialog.accept())
    refused.filter(has_text="要放弃").get_by_role("button", name="放弃").click()
    wait_queue(page, 1)
    refused.filter(has_text="这条不能丢").get_by_role("button", name="修改").click()
    anchor = page.locator("#anchor")
    assert anchor.input_value() == "99"
    assert "第九十九条并不存在" in page.locator("#body").input_value()
    assert "草案中没有第九十九条" in page.locator("#anchor-error").inner_text()
    _shot(page, live_server, "6-fixing")
    anchor.fill("13")
    page.locator("#body").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.getElementById('entry-queue-section').hidden")
    page.locator("#entry-count").filter(has_text="2").wait_for()
    assert sorted(b for b, _k in _stored(live_server.app, meeting["id"])) == sorted(
        ["这一条没有问题。", "第九十九条并不存在，这条不能丢。"])


def test_closed_draft_meanwhile_is_shown_per_entry_and_nothing_stored(page, live_server, seed):
    meeting = seed.meeting(place="离线座谈：已截止")
    login(page, live_server, "facilitator")
    open_entry(page, live_server, meeting["id"])
    offline(page.context)
    type_entry(page, "12", "截止之后才联网的意见。")
    wait_queue(page, 1)
    closes_at = _close_draft(live_server.app, meeting["draft_id"])
    try:
        online(page)
        page.wait_for_function("() => document.querySelectorAll('#entry-queue li.is-conflict').length === 1")
        assert "征求意见已截止" in page.locator("#entry-queue li.is-conflict").inner_text()
        assert _stored(live_server.app, meeting["id"]) == []
        _shot(page, live_server, "7-closed")
    finally:
        _reopen_draft(live_server.app, meeting["draft_id"], closes_at)


def test_session_expired_while_offline_keeps_the_queue_and_resumes_after_sign_in(page, live_server, seed):
    meeting = seed.meeting(place="离线座谈：登录过期")
    login(page, live_server, "facilitator")
    open_entry(page, live_server, meeting["id"])
    stale_token = page.locator("#entry-form input[name=csrf_token]").input_value()
    offline(page.context)
    bodies = [f"登录过期期间的第{i}条意见。" for i in range(1, 4)]
    for body in bodies:
        type_entry(page, "12", body)
    wait_queue(page, 3)
    page.context.clear_cookies()  # the session ends while offline
    online(page)
    signed_out = page.locator("#entry-signed-out")
    signed_out.wait_for(state="visible")
    assert queue_count(page) == 3 and _stored(live_server.app, meeting["id"]) == []
    _shot(page, live_server, "8-signed-out")

    other = page.context.new_page()  # sign in in another tab, as the notice says
    login(other, live_server, "facilitator")
    other.close()
    page.evaluate("() => window.dispatchEvent(new Event('focus'))")  # back on the entry page
    page.wait_for_function("() => document.getElementById('entry-queue-section').hidden")
    assert signed_out.is_hidden()
    assert sorted(b for b, _k in _stored(live_server.app, meeting["id"])) == sorted(bodies)
    _shot(page, live_server, "9-resumed")

    # CSRF still holds: the page's token from before the new sign-in is refused, nothing stored.
    status = page.evaluate("""async (token) => {
        const body = new FormData();
        body.append('csrf_token', token); body.append('anchor', '12'); body.append('body', '旧令牌');
        const r = await fetch(location.pathname, {method: 'POST', body,
            headers: {'X-Requested-With': 'fetch', 'Accept': 'application/json'}});
        return r.status;
    }""", stale_token)
    assert status == 400
    assert len(_stored(live_server.app, meeting["id"])) == 3


def test_entry_typed_before_a_new_version_renumbered_its_article_is_refused_until_checked(page, live_server):
    """Offline, the facilitator types 第三条; meanwhile a new reading inserts an article before it."""
    ids = in_app(live_server.app, _small_draft_with_meeting)
    login(page, live_server, "facilitator")
    open_entry(page, live_server, ids["meeting"])
    offline(page.context)
    type_entry(page, "3", "游客守则应当张贴在景区入口。")
    type_entry(page, "1", "立法目的写得清楚。")
    wait_queue(page, 2)
    in_app(live_server.app, lambda db: _new_reading(db, ids["draft"]))
    online(page)
    settled(page, conflicts=1)
    conflict = page.locator("#entry-queue li.is-conflict")
    assert "条文已改变" in conflict.inner_text() and "游客守则" in conflict.inner_text()
    assert [b for b, _k in _stored(live_server.app, ids["meeting"])] == ["立法目的写得清楚。"]
    _shot(page, live_server, "10-new-version")
    # Checked: the resident meant the article on visitors, now 第四条.
    conflict.get_by_role("button", name="修改").click()
    page.locator("#anchor").fill("4")
    page.locator("#anchor-resolved").filter(has_text="游客应当遵守").wait_for()
    page.locator("#body").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.getElementById('entry-queue-section').hidden")
    in_app(live_server.app, lambda db: _close(db, ids["draft"]))
    assert sorted(_stored_articles(live_server.app, ids["meeting"])) == [
        (1, "立法目的写得清楚。"), (4, "游客守则应当张贴在景区入口。")]


SMALL = """清江市文明旅游促进条例（草案）

第一条　为了促进文明旅游，制定本条例。
第二条　本市行政区域内的旅游活动，适用本条例。
第三条　游客应当遵守下列规定：
（一）爱护旅游资源；
（二）遵守景区秩序。
第四条　本条例自2027年1月1日起施行。
"""


def _small_draft_with_meeting(db) -> dict:
    from datetime import date, timedelta

    from consult.contact_points.services import create_meeting
    from consult.database import utcnow
    from consult.drafts.services import import_draft, publish_draft
    from tests.browser.conftest import demo_user

    draft = import_draft(SMALL.encode("utf-8"), "offline-version-test.txt",
                         title="离线录入版本测试条例（草案）").draft
    now = utcnow()
    publish_draft(draft, now - timedelta(days=1), now + timedelta(days=30))
    user = demo_user(None, "facilitator")
    point = sorted(user.contact_points, key=lambda cp: cp.code)[0]
    meeting = create_meeting(draft, point, held_on=date.today(), kind="symposium", place="版本更新座谈",
                             attendance=5, actor=user)
    db.session.flush()
    return {"draft": draft.id, "meeting": meeting.id}


def _new_reading(db, draft_id: int) -> None:
    from consult.drafts.models import Draft
    from consult.drafts.services import import_draft

    text = SMALL.replace("第三条　游客", "第三条　本市鼓励绿色出行。\n第四条　游客", 1).replace("第四条　本条例", "第五条　本条例")
    import_draft(text.encode("utf-8"), "offline-version-test-2.txt", draft=db.session.get(Draft, draft_id))


def _close(db, draft_id: int) -> None:
    from consult.drafts.models import Draft
    from consult.drafts.services import close_draft

    close_draft(db.session.get(Draft, draft_id))


def _stored_articles(app, meeting_id: int) -> list[tuple]:
    from sqlalchemy import select

    from consult.comments.models import Comment

    def read(db):
        return [(c.article.number if c.article else None, c.body) for c in db.session.scalars(
            select(Comment).where(Comment.meeting_id == meeting_id))]

    return in_app(app, read)


def test_signing_out_removes_the_cached_entry_page(page, live_server, seed):
    meeting = seed.meeting(place="离线座谈：退出")
    login(page, live_server, "facilitator")
    open_entry(page, live_server, meeting["id"])
    path = f"/intake/meetings/{meeting['id']}"
    with page.expect_navigation():
        page.get_by_role("button", name="退出").click()
    assert "您已退出登录" in page.inner_text("main")
    assert page.evaluate("async path => !!(await caches.match(path))", path) is False
    # Signed out elsewhere (the session just ends): the next visit is sent to the login page, the copy goes.
    login(page, live_server, "facilitator")
    open_entry(page, live_server, meeting["id"])
    page.context.clear_cookies()
    page.goto(live_server.base_url + path)
    assert "/accounts/login" in page.url
    eventually(page, "async path => !(await caches.match(path))", path, "the cached copy to go")


def _server_hits(live_server, needle: str) -> int:
    return live_server.log_path.read_text(errors="replace").count(needle)


def _close_draft(app, draft_id: int):
    from datetime import timedelta

    from consult.database import utcnow
    from consult.drafts.models import Draft

    def close(db):
        draft = db.session.get(Draft, draft_id)
        before = draft.comment_closes_at
        draft.comment_closes_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
        return before

    return in_app(app, close)


def _reopen_draft(app, draft_id: int, closes_at) -> None:
    from consult.drafts.models import Draft

    def reopen(db):
        db.session.get(Draft, draft_id).comment_closes_at = closes_at
        db.session.commit()

    in_app(app, reopen)
