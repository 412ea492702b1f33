"""The next reading in Chromium (issue 10): staff import a second version of a draft in the browser, review
the proposed lineage side by side, break one link and add another, confirm, and then find a comment made on
the first reading on today's article of the workbench, marked with the version it was made on.

The first reading and its comment are created beforehand through the services (as earlier work would have);
every step after that is a link or a form, from `/`. Screenshots land in <live tmp>/journeys/next_reading/.
"""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.browser.journeys import Journey, in_app

pytestmark = pytest.mark.browser

TITLE = "清江市条文沿革测试条例"
FIRST = f"""{TITLE}（草案）
第一章　总则
第一条　为了测试条文沿革，制定本条例。
第二条　本条例适用于本市行政区域内的旅游活动。
第二章　经营者
第三条　旅游经营者应当诚信经营，明码标价。
第四条　民宿经营者应当向所在地公安机关登记，并公示房价。
第三章　附则
第五条　本条例自2027年1月1日起施行。
"""
# 第一条, 第二条 unchanged; a new 第三条 on 民宿 (staff know it continues the old 第四条, reworded beyond
# recognition); old 第三条 becomes 第四条; 第五条 now carries another date.
SECOND = f"""{TITLE}（草案修改稿）
第一章　总则
第一条　为了测试条文沿革，制定本条例。
第二条　本条例适用于本市行政区域内的旅游活动。
第二章　经营者
第三条　开办民宿的，实行备案管理，具体办法由市文化和旅游部门制定。
第四条　旅游经营者应当诚信经营，明码标价。
第三章　附则
第五条　本条例自2028年7月1日起施行。
"""
EARLIER_COMMENT = "民宿登记应当可以在网上办理，不要让经营者跑窗口（沿革测试）。"


@pytest.fixture
def first_reading(live_server):
    """The first reading, published, with a citizen's comment on its 第四条 (民宿)."""
    from datetime import timedelta

    from consult.comments.services import submit_online_comment
    from consult.database import utcnow
    from consult.drafts.services import import_draft, publish_draft

    def make(db):
        version = import_draft(FIRST.encode("utf-8"), "first.txt", version_label="一审稿")
        now = utcnow()
        publish_draft(version.draft, now - timedelta(days=1), now + timedelta(days=30))
        comment = submit_online_comment(version.draft, anchor="4", body=EARLIER_COMMENT)
        db.session.flush()
        return {"draft_id": version.draft_id, "comment_id": comment.id}

    return in_app(live_server.app, make)


def _articles(app, draft_id: int) -> dict:
    """(version label, article label) → article id, for choosing options by value."""
    from consult.drafts.models import Draft

    def read(db):
        draft = db.session.get(Draft, draft_id)
        return {(v.label, a.label): a.id for v in draft.versions for a in v.articles}

    return in_app(app, read)


def _lineage_state(app, draft_id: int) -> str:
    from consult.drafts.models import Draft

    return in_app(app, lambda db: db.session.get(Draft, draft_id).current_version.lineage_state)


def _audited(app) -> list[str]:
    from consult.audit.models import AuditEvent

    return in_app(app, lambda db: list(db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.action.like("draft.lineage%")).order_by(AuditEvent.id))))


def test_staff_import_the_next_reading_review_its_lineage_and_see_earlier_comments(page, live_server,
                                                                                     first_reading):
    app = live_server.app
    draft_id = first_reading["draft_id"]
    j = Journey(page, live_server, "next_reading")
    j.start()
    j.login("staff")

    # 管理草案 → the draft's row → 导入新版本
    j.follow("管理草案", within=page.locator("main"))
    row = page.locator("tr", has=page.get_by_role("link", name=TITLE, exact=True))
    assert row.count() == 1, j.main_text()[:600]
    j.follow("导入新版本", within=row)
    assert page.locator("h1").inner_text().strip() == "导入新版本"
    page.locator("input[type=file]").set_input_files({
        "name": "second.txt", "mimeType": "text/plain", "buffer": SECOND.encode("utf-8")})
    page.get_by_label(re.compile("版本名称")).fill("二审稿")
    j.shot("import-next-reading")
    j.submit("上传并比对")

    # the proposed lineage, side by side
    assert page.locator("h1").inner_text().strip() == "条文对应关系", j.main_text()[:600]
    text = j.main_text()
    assert "尚待确认" in text and "原条文（一审稿）" in text and "新条文（二审稿）" in text
    assert _lineage_state(app, draft_id) == "proposed"
    ids = _articles(app, draft_id)
    old4, new3 = ids[("一审稿", "第四条")], ids[("二审稿", "第三条")]
    assert page.locator(f"#old-{old4}").count() == 1, "the old 民宿 article should stand as deleted"
    assert page.locator(f"#new-{new3}").count() == 1, "the new 第三条 should stand as added"
    j.shot("proposed-lineage")

    # break: staff hold that the new 第五条 (another date) is a new provision
    j.submit("断开 第五条 与 第五条")
    assert "已断开 第五条 与 第五条 的对应关系" in j.main_text()
    # add: the new 第三条 continues the old 第四条
    page.select_option("#add-old", value=str(old4))
    page.select_option("#add-new", value=str(new3))
    j.submit("添加对应关系")
    assert "已添加对应关系" in j.main_text()
    added = page.locator("tr.lineage-row", has=page.get_by_role("button", name="断开 第四条 与 第三条"))
    assert added.count() == 1 and "人工" in added.inner_text() and "有修改" in added.inner_text()
    j.shot("lineage-edited")

    # confirm → the workbench, no banner any more
    j.submit("确认条文对应关系")
    assert _lineage_state(app, draft_id) == "confirmed"
    assert "已确认" in j.main_text() and "尚未确认" not in j.main_text()
    assert _audited(app)[-3:] == ["draft.lineage_link_remove", "draft.lineage_link_add", "draft.lineage_confirm"]
    j.shot("workbench-after-confirm")

    # today's 第三条 on the workbench shows the comment made on the first reading's 第四条
    j.follow("第三条", within=page.locator("table.heat-table"))
    card = page.locator(f"#c-{first_reading['comment_id']}")
    assert card.count() == 1, j.main_text()[:800]
    note = card.locator(".carried").inner_text()
    assert "一审稿意见" in note and "原针对一审稿第四条" in note and "现为第三条" in note and "条文已修改" in note
    assert EARLIER_COMMENT in card.inner_text()
    j.shot("earlier-comment-on-todays-article")
    j.check()


def test_lineage_and_carried_comment_pages_pass_axe(audit_page, live_server, axe_audit):
    """The lineage review page (also with a link being changed) and an article page showing an earlier
    reading's comment have no serious or critical accessibility violations."""
    from datetime import timedelta

    from consult.comments.services import submit_online_comment
    from consult.database import utcnow
    from consult.drafts.services import import_draft, publish_draft
    from tests.browser.support import login

    title = "清江市条文沿革无障碍测试条例"

    def make(db):
        first = import_draft(FIRST.replace(TITLE, title).encode("utf-8"), "a.txt", version_label="一审稿")
        now = utcnow()
        publish_draft(first.draft, now - timedelta(days=1), now + timedelta(days=30))
        submit_online_comment(first.draft, anchor="3", body="诚信经营应当有具体标准（无障碍测试）。")
        second = import_draft(SECOND.replace(TITLE, title).encode("utf-8"), "b.txt", version_label="二审稿",
                              draft=first.draft)
        db.session.flush()
        link = next(l for l in first.draft.article_links if l.new_article.label == "第四条")
        return {"draft_id": first.draft_id, "version_id": second.id, "link_id": link.id}

    ids = in_app(live_server.app, make)
    login(audit_page, live_server, "staff")
    for label, url in (
            ("lineage review", live_server.url("review.lineage", draft_id=ids["draft_id"])),
            ("lineage review, changing a link", live_server.url("review.lineage", draft_id=ids["draft_id"],
                                                                version=ids["version_id"], change=ids["link_id"])),
            ("article with an earlier reading's comment",
             live_server.url("review.article", draft_id=ids["draft_id"], key="4"))):
        response = audit_page.goto(url)
        assert response is not None and response.status == 200, f"{label}: {url}"
        axe_audit(audit_page, label)
    assert audit_page.locator(".carried").count() == 1
