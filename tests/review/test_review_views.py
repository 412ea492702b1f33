"""Workbench pages: overview counts and heat bar, article view, moderation reaching the public page, bulk
actions, duplicates, statistics (SVG + table)."""
from __future__ import annotations

from datetime import date

import lxml.html
import pytest
from sqlalchemy import select

from consult import queue
from consult.comments import duplicate_jobs
from consult.comments.models import Comment
from consult.review import queries

SAME = "建议在第四条中明确民宿经营者应当在入住时告知游客消防设施位置和使用方法，保障游客人身安全。"


def page(client, url):
    """GET a page that must answer 200, parsed."""
    response = client.get(url)
    assert response.status_code == 200, response.data[:500]
    return lxml.html.fromstring(response.data.decode("utf-8"))


def row(doc, key):
    """(count, heat-bar width) of an article row of the overview."""
    tr = doc.get_element_by_id(f"a-{key}")
    count = tr.xpath(".//td[@class='num']")[0].text_content()
    return int(count), int(tr.xpath(".//rect[@class='heatbar-fill']")[0].get("width"))


def test_overview_counts_and_heat_bar(client, db, draft, entered, online, other_point, staff, signed_in):
    for i in range(3):
        entered(body=f"第四条意见{i}", anchor="4")
    entered(body="第三条第一款第二项", anchor="3.1.2", contact_point=other_point, submitted_on=date(2026, 11, 20))
    entered(body="总体意见", anchor="总体")
    online(body="网上意见，待审核", anchor="4")
    doc = page(client, f"/review/drafts/{draft.id}")
    assert row(doc, "4") == (4, 100)
    assert row(doc, "3") == (1, 25)
    assert row(doc, "1") == (0, 0)
    assert "已处理 0 / 6 条" in doc.text_content()
    assert "待审核 1 条" in doc.text_content()
    headings = [th.text_content().strip() for th in doc.xpath("//tr[@class='division-row']/th")]
    assert headings == ["第一章 总则", "第二章 游客与经营者", "第三章 附则"]
    # the articles come in text order, chapter headings between them
    order = [tr.get("id") for tr in doc.xpath("//tr[starts-with(@id, 'a-')]")]
    assert order == ["a-1", "a-2", "a-3", "a-4", "a-5"]

    filtered = page(client, f"/review/drafts/{draft.id}?district=西山区")
    assert row(filtered, "3") == (1, 100) and row(filtered, "4") == (0, 0)
    by_date = page(client, f"/review/drafts/{draft.id}"
                           "?date_from=2026-11-19&date_to=2026-11-30&channel=meeting")
    assert row(by_date, "3") == (1, 100) and row(by_date, "4") == (0, 0)


def test_bad_filter_is_reported_and_ignored(client, draft, entered, signed_in):
    entered(anchor="4")
    response = client.get(f"/review/drafts/{draft.id}?date_from=yesterday&channel=pigeon")
    assert response.status_code == 200
    text = response.data.decode()
    assert "日期格式应为 YYYY-MM-DD" in text and "未知的渠道：pigeon" in text
    assert row(lxml.html.fromstring(text), "4") == (1, 100)


def test_progress_counts_decisions(client, db, draft, entered, staff, signed_in):
    comments = [entered(anchor="4") for _ in range(4)]
    client.post(f"/review/comments/{comments[0].id}/decision", data={"decision": "adopted", "reason": ""})
    client.post(f"/review/comments/{comments[1].id}/decision",
                data={"decision": "not_adopted", "reason": "上位法已有规定"})
    index = page(client, "/review/").text_content()
    assert "已处理 2 / 4 条（50%）" in index
    undecided = page(client, f"/review/drafts/{draft.id}?decision=none")
    assert row(undecided, "4") == (2, 100)


def test_article_view_shows_text_anchors_and_controls(client, draft, entered, online, signed_in):
    item = entered(body="第二项太笼统", anchor="3.1.2", commenter_name="张三丰")
    para = entered(body="第二款处罚太轻", anchor="3.2")
    whole = online(body="整条都好", anchor="3")
    elsewhere = entered(body="不相干的第四条意见", anchor="4")
    doc = page(client, f"/review/drafts/{draft.id}/articles/3")
    text = doc.text_content()
    assert doc.get_element_by_id("p1-i2").text_content().startswith("（二）遵守景区秩序")
    assert "游客违反前款规定的" in doc.get_element_by_id("p2").text_content()
    ids = [a.get("id") for a in doc.xpath("//article[contains(@class, 'review-comment')]")]
    # article-level comments first, then by paragraph and item
    assert ids == [f"c-{whole.id}", f"c-{item.id}", f"c-{para.id}"]
    assert f"c-{elsewhere.id}" not in ids
    assert "第三条第一款第（二）项" in doc.get_element_by_id(f"c-{item.id}-h").text_content()
    assert "第三条第二款" in doc.get_element_by_id(f"c-{para.id}-h").text_content()
    assert "张三丰" in text  # staff see names unmasked
    assert doc.xpath(f"//input[@name='comment_ids'][@value='{item.id}'][@form='bulk-form']")
    for endpoint in ("decision", "tags", "note", "assign", "lock"):
        assert doc.xpath(f"//form[@action='/review/comments/{item.id}/{endpoint}']")
    assert doc.xpath(f"//form[@action='/review/comments/{whole.id}/publish']")
    # meeting comments are not moderated
    assert not doc.xpath(f"//form[@action='/review/comments/{item.id}/publish']")
    general = page(client, f"/review/drafts/{draft.id}/articles/general")
    assert "没有意见" in general.text_content()


def test_comment_controls_change_the_comment(client, db, draft, entered, make_user, signed_in):
    comment = entered(anchor="4")
    colleague = make_user("staff")
    assert client.post(f"/review/comments/{comment.id}/tags", data={"tags": "民宿, 安全"}).status_code == 302
    client.post(f"/review/comments/{comment.id}/note", data={"note": "请文旅局研究"})
    client.post(f"/review/comments/{comment.id}/assign", data={"assignee": str(colleague.id)})
    client.post(f"/review/comments/{comment.id}/lock", data={"locked": "1"})
    response = client.post(f"/review/comments/{comment.id}/decision",
                           data={"decision": "partly_adopted", "reason": "部分吸收", "next": "/review/"})
    assert response.headers["Location"] == "/review/"
    db.session.expire_all()
    comment = db.session.get(Comment, comment.id)
    assert sorted(t.name for t in comment.tags) == ["安全", "民宿"]
    assert "请文旅局研究" in comment.internal_notes
    assert comment.assigned_to_id == colleague.id and comment.locked
    assert comment.decision == "partly_adopted"


def test_bad_decision_input_flashes_and_changes_nothing(client, db, draft, entered, facilitator, signed_in):
    comment = entered(anchor="4")
    response = client.post(f"/review/comments/{comment.id}/decision", data={"decision": "not_adopted"},
                           follow_redirects=True)
    assert "必须说明理由" in response.data.decode()
    response = client.post(f"/review/comments/{comment.id}/decision", data={"decision": "whatever"},
                           follow_redirects=True)
    assert "未知的采纳情况" in response.data.decode()
    response = client.post(f"/review/comments/{comment.id}/assign", data={"assignee": str(facilitator.id)},
                           follow_redirects=True)
    assert "只能分配给法工委工作人员" in response.data.decode()
    db.session.expire_all()
    comment = db.session.get(Comment, comment.id)
    assert comment.decision is None and comment.assigned_to_id is None


def test_bulk_actions_all_or_nothing(client, db, draft, entered, online, signed_in):
    comments = [entered(anchor="4"), entered(anchor="4", body="另一条")]
    other_draft_comment_id = 10_000  # unknown ids are ignored, never touched
    ids = [str(c.id) for c in comments] + [str(other_draft_comment_id)]
    response = client.post(f"/review/drafts/{draft.id}/bulk", follow_redirects=True,
                           data={"action": "decide", "decision": "not_adopted", "reason": "",
                                 "comment_ids": ids})
    assert "必须说明理由" in response.data.decode()
    db.session.expire_all()
    assert all(db.session.get(Comment, c.id).decision is None for c in comments)
    response = client.post(f"/review/drafts/{draft.id}/bulk", follow_redirects=True,
                           data={"action": "decide", "decision": "not_adopted", "reason": "已有规定",
                                 "comment_ids": ids})
    assert "已处理 2 条意见" in response.data.decode()
    client.post(f"/review/drafts/{draft.id}/bulk", data={"action": "tag", "tags": "交通", "comment_ids": ids})
    client.post(f"/review/drafts/{draft.id}/bulk", data={"action": "lock", "locked": "1", "comment_ids": ids})
    db.session.expire_all()
    for c in comments:
        stored = db.session.get(Comment, c.id)
        assert stored.decision == "not_adopted" and stored.locked and [t.name for t in stored.tags] == ["交通"]
    response = client.post(f"/review/drafts/{draft.id}/bulk", follow_redirects=True,
                           data={"action": "lock", "comment_ids": []})
    assert "请先勾选意见" in response.data.decode()


def test_moderation_changes_the_public_article_page(client, db, draft, online, auth, staff):
    shown = online(body="请公布景区实时客流量", anchor="3", commenter_name="王小明")
    hidden = online(body="这里是一条广告内容", anchor="3")
    public = client.get(f"/drafts/{draft.id}/articles/3").data.decode()
    assert "请公布景区实时客流量" not in public and "这里是一条广告内容" not in public
    auth.login(staff)
    queue = page(client, "/review/moderation")
    queued = {a.get("id") for a in queue.xpath("//article[contains(@class, 'review-comment')]")}
    assert queued == {f"c-{shown.id}", f"c-{hidden.id}"}
    assert client.post(f"/review/comments/{shown.id}/publish").status_code == 302
    response = client.post(f"/review/comments/{hidden.id}/reject", data={"reason": ""}, follow_redirects=True)
    assert "不予公开时必须填写理由" in response.data.decode()
    client.post(f"/review/comments/{hidden.id}/reject", data={"reason": "广告"})
    auth.logout()
    public = client.get(f"/drafts/{draft.id}/articles/3").data.decode()
    assert "请公布景区实时客流量" in public and "王*" in public and "王小明" not in public
    assert "这里是一条广告内容" not in public
    db.session.expire_all()
    assert db.session.get(Comment, hidden.id).moderation_reason == "广告"


def test_bulk_moderation_view(client, db, draft, online, signed_in):
    comments = [online(body=f"网上意见{i}") for i in range(3)]
    ids = [str(c.id) for c in comments]
    response = client.post("/review/moderation/bulk",
                           data={"action": "reject", "reason": "", "comment_ids": ids},
                           follow_redirects=True)
    assert "不予公开时必须填写理由" in response.data.decode()
    client.post("/review/moderation/bulk", data={"action": "publish", "comment_ids": ids[:2]})
    client.post("/review/moderation/bulk", data={"action": "reject", "reason": "无关", "comment_ids": ids[2:]})
    states = db.session.scalars(select(Comment.moderation_state).order_by(Comment.id)).all()
    assert states == ["published", "published", "rejected"]
    assert "没有待审核的意见" in page(client, "/review/moderation").text_content()


def test_duplicates_page_confirm_split_decide(client, db, draft, entered, signed_in):
    copies = [entered(body=SAME, anchor="4"), entered(body=SAME + "！", anchor="4"),
              entered(body=SAME.replace("游客", "遊客"), anchor="4")]
    client.post(f"/review/drafts/{draft.id}/duplicates/refresh")
    assert queue.wait_all(duplicate_jobs.TARGET, 120)
    response = client.get(f"/review/drafts/{draft.id}/duplicates")
    assert "发现 1 组、共 3 条意见" in response.data.decode()
    doc = lxml.html.fromstring(response.data.decode())
    group_id = int(doc.xpath("//section[contains(@class, 'dup-group')]")[0].get("id")[2:])
    assert len(doc.xpath("//section[contains(@class, 'dup-group')]//article")) == 3
    response = client.post(f"/review/groups/{group_id}/decision", data={"decision": "adopted"},
                           follow_redirects=True)
    assert "请先确认" in response.data.decode()
    client.post(f"/review/groups/{group_id}/confirm")
    client.post(f"/review/comments/{copies[2].id}/split")
    client.post(f"/review/groups/{group_id}/decision", data={"decision": "adopted", "reason": ""})
    db.session.expire_all()
    decisions = [db.session.get(Comment, c.id).decision for c in copies]
    assert decisions == ["adopted", "adopted", None]


def test_stats_page_svg_and_table(client, db, draft, entered, other_point, signed_in):
    entered(anchor="4", submitted_on=date(2026, 11, 18))
    entered(anchor="4", submitted_on=date(2026, 11, 19))
    entered(anchor="3", contact_point=other_point, submitted_on=date(2026, 11, 19))
    doc = page(client, f"/review/drafts/{draft.id}/stats")
    images = [img.get("src") for img in doc.xpath("//section[@class='chart']//img")]
    assert len(images) == 7 and all(src.endswith(".svg") for src in images)
    assert all(img.get("alt") for img in doc.xpath("//section[@class='chart']//img"))
    tables = {section.get("id"): [(tr[0].text_content(), tr[1].text_content())
                                  for tr in section.xpath(".//tbody/tr")]
              for section in doc.xpath("//section[@class='chart']")}
    assert tables["chart-time"] == [("2026-11-18", "1"), ("2026-11-19", "2")]
    assert tables["chart-article"] == [("第三条", "1"), ("第四条", "2")]
    assert tables["chart-chapter"][:2] == [("第一章 总则", "0"), ("第二章 游客与经营者", "3")]
    assert tables["chart-district"] == [("东湖区", "2"), ("西山区", "1")]
    assert ("未处理", "3") in tables["chart-decision"]
    for src in images:
        response = client.get(src)
        assert response.status_code == 200 and response.mimetype == "image/svg+xml"
        svg = response.data.decode()
        assert svg.startswith("<svg") and "<script" not in svg
        assert "kozea.github" not in svg and 'href="http' not in svg
        assert "script-src" not in response.headers["Content-Security-Policy"]
    svg = client.get(f"/review/drafts/{draft.id}/charts/article.svg").data.decode()
    assert "第四条" in svg and "意见最多的条款" in svg


def test_article_view_pages_through_many_comments(client, draft, entered, signed_in):
    ids = [entered(anchor="4").id for _ in range(55)]
    first = client.get(f"/review/drafts/{draft.id}/articles/4").get_data(as_text=True)
    second = client.get(f"/review/drafts/{draft.id}/articles/4?page=2").get_data(as_text=True)
    assert "55" in first
    on_first = [i for i in ids if f'id="c-{i}"' in first]
    on_second = [i for i in ids if f'id="c-{i}"' in second]
    assert len(on_first) == 50 and len(on_second) == 5 and not set(on_first) & set(on_second)
    assert "page=2" in first and "page=1" in second


@pytest.mark.parametrize("decision", ["not_adopted", "partly_adopted"])
def test_refused_decision_shows_beside_the_reason_of_that_comment(client, db, draft, entered, signed_in, decision):
    others = [entered(anchor="4", body=f"第四条意见{i}") for i in range(3)]
    comment = entered(anchor="4", body="需要说明理由的意见")
    here = f"/review/drafts/{draft.id}/articles/4?channel=meeting"
    response = client.post(f"/review/comments/{comment.id}/decision",
                           data={"decision": decision, "reason": "  ", "next": f"{here}#c-{comment.id}"})
    assert response.status_code == 422
    doc = lxml.html.fromstring(response.data.decode())
    reason = doc.get_element_by_id(f"r-{comment.id}")
    assert reason.get("aria-invalid") == "true" and reason.get("autofocus") is not None
    error = doc.get_element_by_id(f"r-{comment.id}-error")
    assert "必须说明理由" in error.text_content() and error.get("hidden") is None
    assert f"r-{comment.id}-error" in reason.get("aria-describedby")
    # the message sits in that comment's (opened) controls, not in a flash at the top
    controls = doc.get_element_by_id(f"c-{comment.id}").xpath(".//details[@class='controls']")[0]
    assert controls.get("open") is not None
    assert not doc.xpath("//*[contains(@class, 'flash')][contains(., '必须说明理由')]")
    selected = doc.xpath(f"//select[@id='d-{comment.id}']/option[@selected]")
    assert [o.get("value") for o in selected] == [decision]  # what they chose is kept
    for other in others:
        assert doc.get_element_by_id(f"r-{other.id}").get("aria-invalid") is None
    # the page keeps its filters and the form still posts back to it
    nexts = doc.xpath(f"//form[@action='/review/comments/{comment.id}/decision']/input[@name='next']/@value")
    assert nexts and "channel=meeting" in nexts[0]
    db.session.expire_all()
    assert db.session.get(Comment, comment.id).decision is None


def test_refused_decision_reopens_the_page_holding_the_comment(client, draft, entered, signed_in):
    ids = [entered(anchor="4").id for _ in range(52)]
    response = client.post(f"/review/comments/{ids[-1]}/decision", data={"decision": "not_adopted"})
    assert response.status_code == 422
    text = response.data.decode()
    assert f'id="c-{ids[-1]}"' in text and "第 2 / 2 页" in text


def test_general_comments_are_paged_in_sql(client, db, draft, entered, signed_in):
    ids = [entered(anchor="总体", body=f"总体意见{i}").id for i in range(queries.PAGE_SIZE + 3)]
    comments, total, page_no = queries.anchor_page(draft, anchor_kind="general", page=2)
    assert (total, page_no, [c.id for c in comments]) == (len(ids), 2, ids[queries.PAGE_SIZE:])
    _, _, clamped = queries.anchor_page(draft, anchor_kind="general", page=99)
    assert clamped == 2
    second = client.get(f"/review/drafts/{draft.id}/articles/general?page=2").get_data(as_text=True)
    assert sum(f'id="c-{i}"' in second for i in ids) == 3


def test_article_text_counts_cover_every_page(client, draft, entered, signed_in):
    for _ in range(queries.PAGE_SIZE + 1):
        entered(anchor="3.1.2")
    doc = page(client, f"/review/drafts/{draft.id}/articles/3?page=2")
    assert f"{queries.PAGE_SIZE + 1} 条意见" in doc.get_element_by_id("p1-i2").text_content()


def test_moderation_queue_is_paged(client, online, signed_in):
    ids = [online(body=f"网上意见{i}").id for i in range(queries.PAGE_SIZE + 2)]
    second = client.get("/review/moderation?page=2").get_data(as_text=True)
    assert sum(f'id="c-{i}"' in second for i in ids) == 2 and f"待审核（{len(ids)} 条）" in second


def test_a_comment_link_opens_the_article_page_that_shows_it(client, db, draft, staff, auth):
    """Staff search links to /review/comments/<id>: the article view's page holding that comment."""
    from consult.comments.services import submit_online_comment
    from consult.review.queries import PAGE_SIZE

    comments = [submit_online_comment(draft, anchor="4", body=f"第{i}条关于民宿的意见") for i in range(PAGE_SIZE + 3)]
    db.session.commit()
    auth.login(staff)
    last = comments[-1]
    response = client.get(f"/review/comments/{last.id}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/articles/4?page=2#c-{last.id}")
    assert f'id="c-{last.id}"' in client.get(response.headers["Location"]).get_data(as_text=True)
    assert client.get("/review/comments/999999").status_code == 404
