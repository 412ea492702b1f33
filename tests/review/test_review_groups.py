"""Duplicate groups as staff use them: decided once for all, the representative's decisions propagate,
marked and split by hand, detected after every import, stamped, paged, differences highlighted."""
from __future__ import annotations

import lxml.html
import pytest
from sqlalchemy import func, select

from consult.audit.models import AuditEvent
from consult.comments.imports import import_comments_file
from consult import queue
from consult.comments import duplicate_jobs
from consult.comments.models import Comment, DuplicateDetection, DuplicateGroup
from consult.review import queries, services
from consult.review.highlight import char_diff, diff_html
from consult.comments.duplicates import DuplicateError
from consult.review.services import ReviewError

CAMPAIGN = "建议在第三条中明确规定民宿经营者应当在入住时告知游客消防安全设施的位置和使用方法，保障游客人身安全。"
EDITED = "建议在第三条中明确规定民宿经营者应当在入住时告知游客消防设施的位置和使用方法，保障游客的人身安全！"
OTHER = "游客乱扔垃圾的现象比较普遍，建议增加文明旅游宣传，在景区多设垃圾桶。"


@pytest.fixture
def confirmed(db, entered, staff):
    """A confirmed group of three near-copies on article 4: (group, [representative, member, member])."""
    members = [entered(body=CAMPAIGN), entered(body=EDITED), entered(body=CAMPAIGN + "。")]
    group = services.find_duplicate_groups(members[0].draft)[0]
    services.confirm_group(group, actor=staff)
    db.session.commit()
    return group, members


def fresh(db, comment):
    """The comment as stored."""
    db.session.expire_all()
    return db.session.get(Comment, comment.id)


def test_decide_a_confirmed_group_once_every_member_takes_it(client, db, confirmed, signed_in):
    group, members = confirmed
    response = client.post(f"/review/groups/{group.id}/decision",
                           data={"decision": "not_adopted", "reason": "上位法已有规定"})
    assert response.status_code == 302
    for member in members:
        stored = fresh(db, member)
        assert (stored.decision, stored.decision_reason) == ("not_adopted", "上位法已有规定")
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "comment.decide")) == 3


def test_later_decision_on_the_representative_propagates(db, confirmed, staff):
    group, (representative, *others) = confirmed
    assert services.group_representative(group) is representative
    services.decide_comment(representative, "partly_adopted", "部分吸收", actor=staff)
    db.session.commit()
    assert all(fresh(db, c).decision == "partly_adopted" for c in others)
    # a member decided on its own keeps its decision to itself
    services.decide_comment(fresh(db, others[0]), "under_study", "", actor=staff)
    db.session.commit()
    assert [fresh(db, c).decision for c in (representative, *others)] == \
        ["partly_adopted", "under_study", "partly_adopted"]


def test_group_decision_refused_changes_nobody(db, confirmed, staff):
    group, members = confirmed
    with pytest.raises(ReviewError) as refused:
        services.decide_group(group, "not_adopted", "  ", actor=staff)
    assert refused.value.field == "reason"
    db.session.rollback()
    assert all(fresh(db, c).decision is None for c in members)


def test_group_decision_without_reason_rerenders_beside_the_group_field(client, db, confirmed, signed_in):
    group, members = confirmed
    response = client.post(f"/review/groups/{group.id}/decision", data={"decision": "not_adopted", "reason": ""})
    assert response.status_code == 422
    doc = lxml.html.fromstring(response.data.decode())
    reason = doc.get_element_by_id(f"r-g{group.id}")
    assert reason.get("aria-invalid") == "true" and reason.get("autofocus") is not None
    assert "必须说明理由" in doc.get_element_by_id(f"r-g{group.id}-error").text_content()
    assert all(fresh(db, c).decision is None for c in members)


def test_mark_by_hand_joins_the_group_and_takes_its_decision(client, db, confirmed, entered, staff, signed_in):
    group, members = confirmed
    services.decide_group(group, "adopted", "", actor=staff)
    db.session.commit()
    loner = entered(body=OTHER)  # different words, same opinion: only staff can tell
    response = client.post(f"/review/comments/{loner.id}/duplicate-of",
                           data={"other": members[1].receipt_code.lower()})
    assert response.status_code == 302
    stored = fresh(db, loner)
    assert stored.duplicate_group_id == group.id and stored.decision == "adopted"
    # detection keeps it: the group is confirmed
    services.find_duplicate_groups(stored.draft)
    db.session.commit()
    assert fresh(db, loner).duplicate_group_id == group.id


def test_mark_two_loose_comments_makes_a_confirmed_group(db, entered, staff):
    first, second = entered(body=CAMPAIGN), entered(body=OTHER)
    services.mark_duplicate(second, first, actor=staff)
    db.session.commit()
    group = fresh(db, first).duplicate_group
    assert group.confirmed and group.representative_id == first.id
    assert [c.id for c in group.comments] == [first.id, second.id]


def test_mark_refuses_bad_targets(client, db, entered, draft, staff, signed_in):
    comment = entered(body=CAMPAIGN)
    with pytest.raises(DuplicateError, match="自身"):
        services.mark_duplicate(comment, comment, actor=staff)
    db.session.rollback()
    response = client.post(f"/review/comments/{comment.id}/duplicate-of", data={"other": "NOPE-0000"})
    assert response.status_code == 422
    doc = lxml.html.fromstring(response.data.decode())
    field = doc.get_element_by_id(f"dup-{comment.id}")
    assert field.get("aria-invalid") == "true" and field.get("autofocus") is not None
    assert "找不到这个回执编号" in doc.get_element_by_id(f"dup-{comment.id}-error").text_content()
    assert fresh(db, comment).duplicate_group_id is None


def test_split_asks_first_then_keeps_the_comment_out_by_a_column(client, db, confirmed, draft, signed_in):
    group, members = confirmed
    page = client.get(f"/review/comments/{members[2].id}/split")
    assert page.status_code == 200 and "确认移出" in page.data.decode()
    assert fresh(db, members[2]).duplicate_group_id == group.id  # asking changes nothing
    assert client.post(f"/review/comments/{members[2].id}/split").status_code == 302
    stored = fresh(db, members[2])
    assert stored.duplicate_group_id is None and stored.duplicate_excluded
    db.session.execute(AuditEvent.__table__.delete())  # the column, not the audit trail, keeps it out
    db.session.commit()
    services.confirm_group  # noqa: B018  (the group stays confirmed; unconfirm it to regroup freely)
    group = db.session.get(DuplicateGroup, group.id)
    group.confirmed = False
    db.session.commit()
    services.find_duplicate_groups(draft)
    db.session.commit()
    assert fresh(db, members[2]).duplicate_group_id is None
    assert fresh(db, members[0]).duplicate_group_id is not None


def test_mark_again_after_split_brings_it_back(db, confirmed, staff):
    group, members = confirmed
    services.split_from_group(members[2], actor=staff)
    services.mark_duplicate(members[2], members[0], actor=staff)
    db.session.commit()
    stored = fresh(db, members[2])
    assert stored.duplicate_group_id == group.id and not stored.duplicate_excluded


def test_splitting_the_representative_hands_it_on(db, confirmed, staff):
    group, members = confirmed
    services.split_from_group(members[0], actor=staff)
    db.session.commit()
    assert db.session.get(DuplicateGroup, group.id).representative_id == members[1].id


def test_never_run_is_said_plainly_and_a_get_writes_nothing(client, db, draft, entered, signed_in):
    entered(body=CAMPAIGN)
    entered(body=CAMPAIGN)
    events = db.session.scalar(select(func.count(AuditEvent.id)))
    text = client.get(f"/review/drafts/{draft.id}/duplicates").data.decode()
    assert "尚未检测过本草案的重复意见" in text and "没有发现重复意见" not in text
    client.get(f"/review/drafts/{draft.id}/stats")
    assert db.session.scalar(select(func.count(AuditEvent.id))) == events
    assert db.session.scalar(select(func.count(DuplicateGroup.id))) == 0
    assert db.session.get(DuplicateDetection, draft.id) is None


def test_detection_stamp_and_nothing_found(client, db, draft, entered, signed_in):
    entered(body=CAMPAIGN)
    entered(body=OTHER)
    client.post(f"/review/drafts/{draft.id}/duplicates/refresh")
    assert queue.wait_all(duplicate_jobs.TARGET, 120)  # the one SQLite connection is the job's until then
    text = client.get(f"/review/drafts/{draft.id}/duplicates").data.decode()
    assert ("检测完成" in text or "已开始检测重复意见" in text) and "上次检测：" in text and "上次检测没有发现重复意见" in text and 'http-equiv="refresh"' not in text
    db.session.expire_all()
    run = db.session.get(DuplicateDetection, draft.id)
    assert run is not None and run.groups == 0


def test_an_import_runs_detection(db, draft, point, staff):
    sheet = ("条款,意见\n" + "\n".join(f"第四条,{CAMPAIGN}{'！' * i}" for i in range(3)) + f"\n第四条,{OTHER}\n")
    import_comments_file(sheet.encode("utf-8"), "meeting.csv", draft=draft, contact_point=point, actor=staff)
    db.session.commit()
    run = db.session.get(DuplicateDetection, draft.id)
    assert run is not None and (run.groups, run.comments) == (1, 3)


def test_groups_page_is_paged_in_sql(client, db, draft, entered, staff, signed_in):
    for n in range(queries.GROUPS_PER_PAGE + 2):
        base = f"第{n}号意见：" + CAMPAIGN[n:] + OTHER[:n]
        entered(body=base, anchor=str(1 + n % 5))
        entered(body=base + "。", anchor=str(1 + n % 5))
    services.find_duplicate_groups(draft)
    db.session.commit()
    groups, total, page = queries.group_page(draft, page=2)
    assert (total, page, len(groups)) == (queries.GROUPS_PER_PAGE + 2, 2, 2)
    first = lxml.html.fromstring(client.get(f"/review/drafts/{draft.id}/duplicates").data.decode())
    second = lxml.html.fromstring(client.get(f"/review/drafts/{draft.id}/duplicates?page=2").data.decode())
    ids = [s.get("id") for s in first.xpath("//section[contains(@class, 'dup-group')]")]
    more = [s.get("id") for s in second.xpath("//section[contains(@class, 'dup-group')]")]
    assert len(ids) == queries.GROUPS_PER_PAGE and len(more) == 2 and not set(ids) & set(more)
    assert second.xpath("//nav[@class='pager']//a[@rel='prev']")


def test_differences_are_highlighted_against_the_representative(client, db, confirmed, draft, signed_in):
    group, members = confirmed
    doc = lxml.html.fromstring(client.get(f"/review/drafts/{draft.id}/duplicates").data.decode())
    edited = doc.get_element_by_id(f"dc-{members[1].id}")
    assert [d.text for d in edited.xpath(".//del")] == ["安全", "。"]
    assert [i.text for i in edited.xpath(".//ins")] == ["的", "！"]
    assert not doc.get_element_by_id(f"dc-{members[0].id}").xpath(".//ins|.//del")  # the representative


def test_char_diff_cleans_up_and_escapes():
    assert char_diff("abcdef", "axcxef") == [("=", "a"), ("-", "bcd"), ("+", "xcx"), ("=", "ef")]
    assert char_diff("同样", "同样") == [("=", "同样")]
    # "公布" between two longer insertions reads as part of one change (semantic clean-up)
    assert str(diff_html("建议公布客流", "建议<b>公布</b>客流")) == \
        "建议<del>公布</del><ins>&lt;b&gt;公布&lt;/b&gt;</ins>客流"
    # a long shared stretch stays shared
    assert str(diff_html("请公布景区客流量", "请及时公布景区客流量")) == "请<ins>及时</ins>公布景区客流量"
