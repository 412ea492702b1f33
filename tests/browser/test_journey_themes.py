"""The themes journey in Chromium, from `/` by links and forms only.

Staff open a draft's workbench, start the analysis (分析意见主题) and wait for the background job, open an
article's clusters, decide one cluster for all its comments, and edit and save the article's 意见要点.
The consultation (three planted topics on one article, 60 comments from a contact point) is created
beforehand through the services. Screenshots land in <live tmp>/journeys/themes/.
"""
from __future__ import annotations

import re
import time

import pytest

from tests.browser.journeys import Journey, in_app
from tests.browser.support import no_csp_errors
from tests.themes.corpus import planted

pytestmark = pytest.mark.browser

TITLE = "清江市主题旅程测试条例"
TEXT = f"""{TITLE}（草案）
第一条　为了测试意见主题，制定本条例。
第二条　景区应当做好服务工作。
第三条　本条例自公布之日起施行。
"""
POINTS = "1. 停车位不足，建议增建停车场。\n2. 门票价格偏高，建议实行优惠。"


def _consultation(app) -> int:
    """An open draft with 60 comments on 第二条 making three points in different words."""
    from datetime import date, timedelta

    from sqlalchemy import select

    from consult.accounts.models import User
    from consult.comments.services import enter_comment
    from consult.contact_points.models import ContactPoint
    from consult.database import utcnow
    from consult.drafts.services import import_draft, publish_draft

    def make(db):
        staff = db.session.scalar(select(User).where(User.username == "staff"))
        point = db.session.scalars(select(ContactPoint).order_by(ContactPoint.id)).first()
        version = import_draft(TEXT.encode("utf-8"), "themes.txt", actor=staff)
        publish_draft(version.draft, utcnow() - timedelta(days=3), utcnow() + timedelta(days=10), actor=staff)
        for _group, _topic, body in planted(1, 60, seed=9):
            enter_comment(version.draft, contact_point=point, anchor="2", body=body,
                          submitted_on=date.today(), actor=staff)
        db.session.flush()
        return version.draft.id

    return in_app(app, make)


def _decisions(app, draft_id: int) -> dict:
    from sqlalchemy import func, select

    from consult.comments.models import Comment

    return in_app(app, lambda db: dict(db.session.execute(
        select(Comment.decision, func.count(Comment.id)).where(Comment.draft_id == draft_id)
        .group_by(Comment.decision)).all()))


def test_staff_work_an_article_by_its_clusters(page, live_server):
    draft_id = _consultation(live_server.app)
    j = Journey(page, live_server, "themes")
    j.start()
    j.login("staff")
    card = page.locator("main .card", has=page.get_by_role("heading", name=TITLE))
    j.follow("逐条审阅", within=card)
    j.follow("意见主题", within=page.locator("main nav"))
    assert "尚未分析过本草案的意见主题" in j.main_text()
    j.shot("not-analysed")

    j.submit("分析意见主题")
    assert "已开始分析意见主题" in j.main_text()
    deadline = time.monotonic() + 120
    while "上次分析" not in j.main_text():  # the page refreshes itself every 5 s while the job runs
        assert time.monotonic() < deadline, j.main_text()[:600]
        page.wait_for_timeout(1000)
        assert "分析失败" not in j.main_text(), j.main_text()[:600]
    assert "共分析 60 条意见" in j.main_text()
    j.shot("analysed")

    j.follow("第二条", within=page.locator("main table"))
    text = j.main_text()
    assert "关键词" in text and re.search(r"主题（3 个）", text), text[:800]
    headings = page.locator("main section.dup-group h3").all_inner_texts()
    sizes = [int(re.search(r"(\d+) 条意见", h).group(1)) for h in headings]
    assert sizes == sorted(sizes, reverse=True) and sum(sizes) == 60, headings
    j.shot("clusters")

    first = page.locator("main section.dup-group").first
    first.get_by_label("采纳情况").select_option(label="采纳")
    j.submit("对本主题全部意见作出处理", within=first)
    assert f"已对 {sizes[0]} 条意见统一作出处理" in j.main_text()
    assert _decisions(live_server.app, draft_id).get("adopted") == sizes[0]
    j.shot("cluster-decided")

    box = page.get_by_role("textbox", name="意见要点")
    assert box.input_value().startswith("1. ") and f"（{sizes[0]} 条意见）" in box.input_value()
    box.fill(POINTS)
    j.submit("保存意见要点")
    assert "意见要点已保存" in j.main_text()
    assert page.get_by_role("textbox", name="意见要点").input_value() == POINTS
    j.shot("points-saved")

    term = page.locator("main ul.key-terms a").first
    word = term.inner_text()
    j.follow(word, within=page.locator("main ul.key-terms"))
    assert word in j.main_text() and "/search/comments" in page.url
    j.shot("term-search")
    assert not no_csp_errors(page), page.console_errors
    j.check()
