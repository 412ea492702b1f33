"""The lineage review page (issue 10 §1): staff see old | new side by side, break, add and change links,
confirm; every change is audited; bad input gets one clear message and changes nothing."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from consult.audit.models import AuditEvent
from consult.drafts.models import ArticleLink
from consult.drafts.services import import_draft

# The second reading of tests/conftest.py's SMALL_DRAFT: 第一条 unchanged, 第二条 reworded, a new 第三条,
# old 第三条 renumbered 第四条 (unchanged), old 第四条 (民宿登记) deleted, 第五条 reworded.
SECOND_READING = """清江市文明旅游促进条例（草案修改稿）

第一章　总则
第一条　为了促进文明旅游，根据有关法律、行政法规，结合本市实际，制定本条例。
第二条　本市行政区域内的旅游活动及其监督管理，适用本条例。
第二章　游客与经营者
第三条　市人民政府应当建立文明旅游宣传机制，每年组织宣传活动。
第四条　游客应当遵守下列规定：
（一）爱护旅游资源；
（二）遵守景区秩序；
（三）尊重当地风俗。
游客违反前款规定的，由景区劝阻。
第三章　附则
第五条　本条例自2028年1月1日起施行。
"""


@pytest.fixture
def reading(db, draft):
    """The draft with its second reading imported (the lineage proposed by the import)."""
    version = import_draft(SECOND_READING.encode("utf-8"), "second.txt", version_label="二审稿", draft=draft)
    db.session.commit()
    return version


def _articles(version):
    return {a.label: a for a in version.articles}


def _link(version, old_label, new_label):
    old, new = _articles(version.draft.versions[0])[old_label], _articles(version)[new_label]
    return next((l for l in version.draft.article_links
                 if l.old_article_id == old.id and l.new_article_id == new.id), None)


def _state(db, version):
    """Everything a refused action must leave alone: the links, the lineage state, the audit log."""
    db.session.expire_all()
    links = sorted((l.old_article_id, l.new_article_id, l.origin) for l in
                   db.session.scalars(select(ArticleLink).where(ArticleLink.to_version_id == version.id)))
    events = db.session.scalar(select(func.count()).select_from(AuditEvent))
    return links, version.lineage_state, events


def _events(db, action):
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_page_shows_old_and_new_side_by_side_with_similarity_shape_and_kind(client, auth, staff, reading):
    auth.login(staff)
    html = client.get(f"/review/drafts/{reading.draft_id}/lineage").get_data(as_text=True)
    assert "条文对应关系" in html and "尚待确认" in html
    first = reading.draft.versions[0].label
    assert f"原条文（{first}）" in html and "新条文（二审稿）" in html
    unchanged = _link(reading, "第三条", "第四条")
    assert unchanged is not None and unchanged.kind == "unchanged"
    row = html.split(f'id="link-{unchanged.id}"')[1].split("</tr>")[0]
    assert "一对一" in row and "未修改" in row and "相似度 100%" in row
    reworded = _link(reading, "第二条", "第二条")
    row = html.split(f'id="link-{reworded.id}"')[1].split("</tr>")[0]
    assert "有修改" in row and "<ins>" in row  # the redline of what changed
    fifth = _link(reading, "第五条", "第五条")
    row = html.split(f'id="link-{fifth.id}"')[1].split("</tr>")[0]
    assert "<del>2027</del><ins>2028</ins>" in row  # a changed year reads as one number, as in the 对照表
    old4 = _articles(reading.draft.versions[0])["第四条"]
    new3 = _articles(reading)["第三条"]
    assert f'id="old-{old4.id}"' in html and "条文已删除" in html  # the deleted article in its old place
    assert f'id="new-{new3.id}"' in html  # the added one
    # deleted 第四条 stands after the row of old 第三条 and before 第五条
    assert html.index(f'id="link-{unchanged.id}"') < html.index(f'id="old-{old4.id}"') < \
        html.index(f'id="link-{_link(reading, "第五条", "第五条").id}"')


def test_break_add_change_and_confirm_are_each_audited(client, auth, staff, reading, db):
    auth.login(staff)
    old = _articles(reading.draft.versions[0])
    new = _articles(reading)
    link = _link(reading, "第三条", "第四条")
    response = client.post(f"/review/lineage/links/{link.id}/remove")
    assert response.status_code == 302
    db.session.expire_all()
    assert _link(reading, "第三条", "第四条") is None
    assert _events(db, "draft.lineage_link_remove")[-1].actor_id == staff.id

    response = client.post(f"/review/versions/{reading.id}/lineage/links",
                           data={"old_article_id": old["第四条"].id, "new_article_id": new["第三条"].id})
    assert response.status_code == 302
    added = _link(reading, "第四条", "第三条")
    assert added is not None and added.origin == "staff"
    assert _events(db, "draft.lineage_link_add")[-1].details["new"] == "第三条"

    response = client.post(f"/review/lineage/links/{added.id}/change",
                           data={"old_article_id": old["第三条"].id, "new_article_id": new["第四条"].id})
    assert response.status_code == 302
    db.session.expire_all()
    assert _link(reading, "第四条", "第三条") is None and _link(reading, "第三条", "第四条") is not None

    response = client.post(f"/review/versions/{reading.id}/lineage/confirm")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/review/drafts/{reading.draft_id}")
    db.session.expire_all()
    assert reading.lineage_state == "confirmed" and reading.lineage_confirmed_by_id == staff.id
    assert len(_events(db, "draft.lineage_confirm")) == 1
    assert "已确认" in client.get(f"/review/drafts/{reading.draft_id}/lineage").get_data(as_text=True)


@pytest.mark.parametrize("case", ["unknown article", "article of another version", "link exists", "no choice"])
def test_bad_link_input_is_refused_with_a_message_and_changes_nothing(client, auth, staff, reading, db, case):
    auth.login(staff)
    old, new = _articles(reading.draft.versions[0]), _articles(reading)
    data = {"unknown article": {"old_article_id": old["第一条"].id, "new_article_id": 999999},
            "article of another version": {"old_article_id": new["第一条"].id, "new_article_id": new["第二条"].id},
            "link exists": {"old_article_id": old["第三条"].id, "new_article_id": new["第四条"].id},
            "no choice": {"old_article_id": "", "new_article_id": new["第二条"].id}}[case]
    before = _state(db, reading)
    response = client.post(f"/review/versions/{reading.id}/lineage/links", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    message = {"unknown article": "版本“二审稿”中没有这一条", "article of another version": f"版本“{reading.draft.versions[0].label}”中没有这一条",
               "link exists": "已经对应", "no choice": "请选择原版本的条文"}[case]
    assert message in html
    assert _state(db, reading) == before


def test_change_to_an_existing_link_keeps_the_old_one(client, auth, staff, reading, db):
    auth.login(staff)
    old, new = _articles(reading.draft.versions[0]), _articles(reading)
    link = _link(reading, "第二条", "第二条")
    before = _state(db, reading)
    response = client.post(f"/review/lineage/links/{link.id}/change",
                           data={"old_article_id": old["第三条"].id, "new_article_id": new["第四条"].id})
    assert response.status_code == 422 and "已经对应" in response.get_data(as_text=True)
    assert _state(db, reading) == before  # the broken half of the change was rolled back too


def test_confirm_twice_and_unknown_link_are_refused(client, auth, staff, reading, db):
    auth.login(staff)
    client.post(f"/review/versions/{reading.id}/lineage/confirm")
    before = _state(db, reading)
    response = client.post(f"/review/versions/{reading.id}/lineage/confirm", follow_redirects=True)
    assert "已经确认过了" in response.get_data(as_text=True)
    assert _state(db, reading) == before
    assert client.post("/review/lineage/links/999999/remove").status_code == 404
    assert _state(db, reading) == before


def test_a_one_version_draft_explains_and_offers_the_import(client, auth, staff, draft):
    auth.login(staff)
    html = client.get(f"/review/drafts/{draft.id}/lineage").get_data(as_text=True)
    assert "只有一个版本" in html and f"/drafts/{draft.id}/versions/new" in html
    response = client.post(f"/review/versions/{draft.current_version.id}/lineage/confirm", follow_redirects=True)
    assert "第一个版本" in response.get_data(as_text=True)


def test_workbench_shows_a_banner_until_the_lineage_is_confirmed(client, auth, staff, reading):
    auth.login(staff)
    page = client.get(f"/review/drafts/{reading.draft_id}").get_data(as_text=True)
    assert "条文对应关系尚未确认" in page and f"/review/drafts/{reading.draft_id}/lineage?version={reading.id}" in page
    client.post(f"/review/versions/{reading.id}/lineage/confirm")
    assert "条文对应关系尚未确认" not in client.get(f"/review/drafts/{reading.draft_id}").get_data(as_text=True)


@pytest.mark.parametrize("role", ["citizen", "facilitator"])
def test_only_staff_review_the_lineage(client, auth, make_user, reading, db, role, point):
    user = make_user(role, [point] if role == "facilitator" else ())
    auth.login(user)
    before = _state(db, reading)
    assert client.get(f"/review/drafts/{reading.draft_id}/lineage").status_code == 403
    assert client.post(f"/review/versions/{reading.id}/lineage/confirm").status_code == 403
    assert _state(db, reading) == before
