"""The public "what changed" page: old and new text side by side with the redline (<del>/<ins>), how many
comments each changed article drew, linked from the draft page once there is a second version, no personal data."""
from __future__ import annotations

import re

import pytest

from consult.comments.services import enter_comment, submit_online_comment
from consult.drafts.services import import_draft
from consult.review.services import publish_comment

SECOND = """清江市文明旅游促进条例（草案修改稿）

第一章　总则
第一条　为了促进文明旅游，根据有关法律、行政法规，结合本市实际，制定本条例。
第二章　游客与经营者
第二条　游客应当遵守下列规定：
（一）爱护旅游资源；
（二）遵守景区游览秩序；
（三）尊重当地风俗。
游客违反前款规定的，由景区管理机构予以制止。
第三条　旅游经营者应当诚信经营。
民宿经营者应当依法向所在地公安机关办理登记。
第四条　鼓励游客参与文明旅游志愿服务。
第三章　附则
第五条　本条例自2028年7月1日起施行。
"""


@pytest.fixture
def draft(db, make_draft, make_user, make_contact_point):
    """The sample draft with comments on its first reading (one with a phone number), then a second reading."""
    draft = make_draft()
    staff = make_user("staff")
    point = make_contact_point()
    for body in ("景区秩序的含义不清楚。", "劝阻没有约束力，我的电话 13912345678。"):
        enter_comment(draft, contact_point=point, anchor="第三条", body=body, actor=staff,
                      commenter_name="张三丰")
    online = submit_online_comment(draft, anchor="第二条", body="适用范围过窄。", commenter_name="李四",
                                   consent_personal_info=True)
    publish_comment(online, actor=staff)
    db.session.commit()
    import_draft(SECOND.encode(), "second.txt", draft=draft, version_label="二审稿", actor=staff)
    db.session.commit()
    return draft


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def test_the_draft_page_links_to_what_changed(client, draft):
    page = client.get(f"/drafts/{draft.id}").get_data(as_text=True)
    assert f'href="/drafts/{draft.id}/changes"' in page


def test_a_one_version_draft_has_no_link_and_says_so(client, make_draft):
    single = make_draft()
    assert "/changes" not in client.get(f"/drafts/{single.id}").get_data(as_text=True)
    response = client.get(f"/drafts/{single.id}/changes")
    assert response.status_code == 200
    assert "只有一个版本" in response.get_data(as_text=True)


def test_changed_articles_side_by_side_with_the_redline(client, draft):
    response = client.get(f"/drafts/{draft.id}/changes")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<del>劝阻</del>" in page
    assert "<ins>管理机构予以制止</ins>" in page
    assert "<ins>游览</ins>" in page
    assert "<del>2027年1</del>" in page and "<ins>2028年7</ins>" in page
    # The deleted 第二条 in its old place, with its own comment count; the added 第四条 marked whole.
    text = _text(page)
    assert "<del>本市行政区域内的旅游活动，适用本条例。</del>" in page
    assert "<ins>鼓励游客参与文明旅游志愿服务。</ins>" in page
    assert text.index("第一章") < text.index("本市行政区域内") < text.index("第二章")
    # Unchanged 第一条 is left out by default.
    assert "为了促进文明旅游" not in page
    assert "原条文收到意见 2 条" in text and "原条文收到意见 1 条" in text


def test_all_articles_on_request(client, draft):
    page = client.get(f"/drafts/{draft.id}/changes?all=1").get_data(as_text=True)
    assert "为了促进文明旅游" in page
    assert "只看修改的条文" in page


def test_no_personal_data(client, draft):
    page = client.get(f"/drafts/{draft.id}/changes?all=1").get_data(as_text=True)
    for secret in ("张三丰", "张*", "13912345678", "李四", "景区秩序的含义不清楚"):
        assert secret not in page


@pytest.mark.parametrize("query, message", [
    ("from=三审稿", "没有版本“三审稿”"),
    ("from=二审稿&to=草案", "请把较早的版本放在 --from"),
    ("to=草案", "第一个版本"),
])
def test_bad_versions_are_one_clear_message(client, draft, query, message):
    response = client.get(f"/drafts/{draft.id}/changes?{query}")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_an_unpublished_draft_is_not_shown(client, make_draft):
    hidden = make_draft(published=False)
    assert client.get(f"/drafts/{hidden.id}/changes").status_code == 404
    assert client.get("/drafts/999/changes").status_code == 404


def test_staff_download_the_comparison_table_from_the_workbench(client, auth, make_user, draft):
    staff = make_user("staff", username="staffer")
    auth.login(staff)
    workbench = client.get(f"/review/drafts/{draft.id}").get_data(as_text=True)
    assert f'href="/exports/drafts/{draft.id}/comparison"' in workbench
    response = client.get(f"/exports/drafts/{draft.id}/comparison?changed_only=1")
    assert response.status_code == 200
    assert response.data[:2] == b"PK"
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    bad = client.get(f"/exports/drafts/{draft.id}/comparison?from=三审稿")
    assert bad.status_code == 302 and bad.headers["Location"].endswith(f"/review/drafts/{draft.id}")
    assert "没有版本“三审稿”" in client.get(bad.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize("role", ["anonymous", "citizen", "facilitator"])
def test_only_staff_download_the_table(client, auth, make_user, draft, role):
    if role != "anonymous":
        auth.login(make_user(role, username=f"u-{role}"))
    response = client.get(f"/exports/drafts/{draft.id}/comparison")
    assert response.status_code in (302, 403)
    assert response.data[:2] != b"PK"


def test_an_unconfirmed_lineage_is_said_so_and_confirmed_one_is_not(client, draft, db, make_user):
    from consult.drafts.lineage_services import confirm_lineage

    assert "尚待工作人员确认" in client.get(f"/drafts/{draft.id}/changes").get_data(as_text=True)
    confirm_lineage(draft.current_version, make_user("staff", username="checker"))
    db.session.commit()
    assert "尚待工作人员确认" not in client.get(f"/drafts/{draft.id}/changes").get_data(as_text=True)


def test_a_reading_that_changed_nothing_says_so(client, make_draft, db):
    from tests.conftest import SMALL_DRAFT

    same = make_draft()
    import_draft(SMALL_DRAFT.replace("第五条　", "第五条 ").encode(), "again.txt", draft=same, version_label="二审稿")
    db.session.commit()
    page = client.get(f"/drafts/{same.id}/changes").get_data(as_text=True)
    assert "两个版本的条文相同" in page and "<del>" not in page and "<ins>" not in page
