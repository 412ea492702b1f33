"""Comment services: anchors, windows for every channel, PIPL rules, receipts, edits, audit and outbox."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from consult.audit.models import AuditEvent
from consult.comments.models import Comment
from consult.comments.queries import comment_by_receipt, published_comments
from consult.comments.rules import RECEIPT_RE, normalise_receipt_code
from consult.comments.services import (
    CommentError, delete_comment, enter_comment, purge_contact_details, resolve_anchor, submit_online_comment,
    update_comment)
from consult.database import utcnow
from consult.errors import UserError
from consult.outbox import SearchOutbox


def online(draft, anchor="3", body="建议增加文明旅游宣传。", **fields):
    """Submit an online comment through the service."""
    return submit_online_comment(draft, anchor=anchor, body=body, **fields)


# --- anchors -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, kind, number, paragraph, item, label", [
    ("3", "article", 3, None, None, "第三条"),
    ("第三条", "article", 3, None, None, "第三条"),
    ("3.2", "paragraph", 3, 2, None, "第三条第二款"),
    ("第三条第二款", "paragraph", 3, 2, None, "第三条第二款"),
    ("3.1.3", "item", 3, 1, 3, "第三条第一款第（三）项"),
    ("第三条第一款第（三）项", "item", 3, 1, 3, "第三条第一款第（三）项"),
    ("第三条第（二）项", "item", 3, 1, 2, "第三条第一款第（二）项"),
    ("４", "article", 4, None, None, "第四条"),
])
def test_resolve_article_paragraph_item(draft, text, kind, number, paragraph, item, label):
    resolved = resolve_anchor(draft.current_version, text)
    assert resolved.kind == kind
    assert resolved.article.number == number
    assert (resolved.paragraph_no, resolved.item_no) == (paragraph, item)
    assert resolved.label == label


def test_resolved_text_is_the_article_paragraph_or_item(draft):
    version = draft.current_version
    assert resolve_anchor(version, "3.1.3").text == "（三）尊重当地风俗。"
    assert resolve_anchor(version, "3.2").text == "游客违反前款规定的，由景区劝阻。"
    assert resolve_anchor(version, "第四条").text == "旅游经营者应当诚信经营。\n民宿经营者应当向所在地公安机关登记。"
    assert resolve_anchor(version, "4.2").key == "4.2"


@pytest.mark.parametrize("text, kind, label", [
    ("总体", "general", "总体意见"), ("总体意见", "general", "总体意见"), ("general", "general", "总体意见"),
    ("名称", "title", "名称"), ("title", "title", "名称"),
    ("新增", "new_article", "新增条款"), ("新增条款", "new_article", "新增条款"),
    ("new_article", "new_article", "新增条款"),
])
def test_resolve_whole_draft_title_and_new_article(draft, text, kind, label):
    resolved = resolve_anchor(draft.current_version, text)
    assert (resolved.kind, resolved.article, resolved.label) == (kind, None, label)
    if kind == "title":
        assert resolved.text == draft.current_version.title


@pytest.mark.parametrize("text, message", [
    ("99", "草案中没有第九十九条"),
    ("第九十九条", "草案中没有第九十九条"),
    ("3.5", "草案中没有第三条第五款"),
    ("3.1.9", "草案中没有第三条第一款第（九）项"),
    ("4.1.1", "草案中没有第四条第一款第（一）项"),
    ("第二条之一", "草案中没有第二条之一"),
    ("abc", "无法识别的条款"),
    ("", "请选择或填写意见针对的条款"),
])
def test_unknown_anchors_are_refused_by_name(draft, text, message):
    with pytest.raises(CommentError) as excinfo:
        resolve_anchor(draft.current_version, text)
    assert message in excinfo.value.message
    assert excinfo.value.field == "anchor"


def test_anchor_is_stored_with_the_comment(db, draft):
    comment = online(draft, anchor="第三条第一款第（二）项")
    db.session.commit()
    assert comment.anchor_kind == "item"
    assert comment.article.number == 3 and comment.paragraph_no == 1 and comment.item_no == 2
    assert comment.version_id == draft.current_version.id
    assert comment.channel == "online" and comment.moderation_state == "pending"


# --- windows, every channel ---------------------------------------------------------------------

def test_closed_window_refuses_every_channel(db, draft, point, facilitator, close_window, count):
    close_window(draft)
    with pytest.raises(CommentError, match="已截止"):
        online(draft)
    with pytest.raises(CommentError, match="已截止"):
        enter_comment(draft, contact_point=point, anchor="3", body="会上意见", actor=facilitator)
    with pytest.raises(CommentError, match="已截止"):
        enter_comment(draft, contact_point=point, anchor="3", body="来信", channel="letter", actor=facilitator)
    assert count(Comment) == 0


def test_unpublished_draft_refuses_every_channel(db, make_draft, point, staff, count):
    draft = make_draft(published=False)
    with pytest.raises(CommentError, match="尚未发布"):
        online(draft)
    with pytest.raises(CommentError, match="尚未发布"):
        enter_comment(draft, contact_point=point, anchor="3", body="意见", actor=staff)
    assert count(Comment) == 0


def test_window_not_yet_open_refuses(db, draft, point, staff):
    draft.comment_opens_at = utcnow() + timedelta(days=2)
    db.session.commit()
    with pytest.raises(CommentError, match="尚未开始"):
        online(draft)
    with pytest.raises(CommentError, match="尚未开始"):
        enter_comment(draft, contact_point=point, anchor="3", body="意见", actor=staff)


# --- lengths ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("fields, field", [
    ({"body": "   "}, "body"),
    ({"body": "字" * 5001}, "body"),
    ({"reason": "字" * 5001}, "reason"),
    ({"proposed_text": "字" * 5001}, "proposed_text"),
    ({"commenter_name": "名" * 51}, "commenter_name"),
    ({"commenter_category": "外星人"}, "commenter_category"),
])
def test_lengths_and_category_are_checked(db, draft, count, fields, field):
    with pytest.raises(CommentError) as excinfo:
        online(draft, **{"body": "正常的意见", **fields})
    assert excinfo.value.field == field
    assert count(Comment) == 0


def test_limits_are_inclusive(db, draft):
    comment = online(draft, body="字" * 5000, reason="理" * 5000, proposed_text="改" * 5000,
                     commenter_name="名" * 50)
    assert len(comment.body) == 5000 and len(comment.commenter_name) == 50


# --- personal information (PIPL) ------------------------------------------------------------------

def test_contact_kept_only_with_feedback_and_consent(db, draft):
    comment = online(draft, commenter_name="张三", contact="13900001111", wants_feedback=True,
                     consent_personal_info=True)
    assert comment.commenter_contact == "13900001111"
    assert comment.wants_feedback and comment.consent_personal_info


def test_feedback_without_consent_is_refused(db, draft, count):
    with pytest.raises(CommentError) as excinfo:
        online(draft, contact="13900001111", wants_feedback=True, consent_personal_info=False)
    assert excinfo.value.field == "consent_personal_info"
    assert "同意" in excinfo.value.message
    assert count(Comment) == 0


def test_feedback_without_contact_is_refused(db, draft):
    with pytest.raises(CommentError) as excinfo:
        online(draft, wants_feedback=True, consent_personal_info=True)
    assert excinfo.value.field == "contact"


def test_contact_without_feedback_is_dropped(db, draft):
    comment = online(draft, contact="13900001111", wants_feedback=False, consent_personal_info=True)
    assert comment.commenter_contact == ""
    assert not comment.wants_feedback and not comment.consent_personal_info


def test_minor_is_flagged_and_no_identity_stored(db, draft, point, facilitator):
    comment = online(draft, commenter_name="小明", contact="13900001111", wants_feedback=True,
                     consent_personal_info=True, consent_publish_name=True, is_minor=True)
    assert comment.commenter_is_minor
    assert (comment.commenter_name, comment.commenter_contact) == ("", "")
    assert not comment.wants_feedback and not comment.consent_publish_name
    entered = enter_comment(draft, contact_point=point, anchor="3", body="学生的意见", commenter_name="小红",
                            is_minor=True, actor=facilitator)
    assert entered.commenter_is_minor and entered.commenter_name == ""


def test_publish_name_needs_a_name(db, draft):
    assert not online(draft, consent_publish_name=True).consent_publish_name
    assert online(draft, commenter_name="王五", consent_publish_name=True).consent_publish_name


# --- receipts -------------------------------------------------------------------------------------

def test_receipt_codes_unique_and_readable(db, draft):
    codes = [online(draft, body=f"意见{i}").receipt_code for i in range(200)]
    db.session.commit()
    assert len(set(codes)) == 200
    assert all(RECEIPT_RE.fullmatch(code) for code in codes)
    assert not any(ch in "".join(codes) for ch in "01OIL")


def test_receipt_lookup_forgives_case_spaces_and_dash(db, draft):
    comment = online(draft)
    db.session.commit()
    code = comment.receipt_code
    assert comment_by_receipt(code.lower()) is comment
    assert comment_by_receipt(" " + code.replace("-", " ") + " ") is comment
    assert comment_by_receipt(code.replace("-", "")) is comment
    assert comment_by_receipt("ZZZZ-ZZZZ") is None
    assert comment_by_receipt("nonsense") is None
    assert normalise_receipt_code("") is None


# --- facilitators' entry ------------------------------------------------------------------------

def test_enter_comment_records_provenance(db, draft, point, facilitator, meeting):
    comment = enter_comment(draft, contact_point=point, meeting=meeting, anchor="4.2", body="民宿登记太麻烦",
                            commenter_name="李四", commenter_category="居民", contact="13911112222",
                            wants_feedback=True, actor=facilitator)
    db.session.commit()
    assert comment.moderation_state == "internal" and comment.channel == "meeting"
    assert comment.contact_point_id == point.id and comment.meeting_id == meeting.id
    assert comment.submitted_on == meeting.held_on
    assert comment.commenter_contact == "13911112222" and comment.created_by_id == facilitator.id


def test_enter_comment_checks_the_contact_point_itself(db, draft, other_point, facilitator, make_user, count):
    with pytest.raises(UserError, match="权限"):
        enter_comment(draft, contact_point=other_point, anchor="3", body="意见", actor=facilitator)
    citizen = make_user("citizen")
    with pytest.raises(UserError, match="权限"):
        enter_comment(draft, contact_point=other_point, anchor="3", body="意见", actor=citizen)
    with pytest.raises(UserError, match="请选择联系点"):
        enter_comment(draft, contact_point=None, anchor="3", body="意见", actor=facilitator)
    assert count(Comment) == 0


def test_enter_comment_refuses_a_meeting_of_another_point_or_draft(db, make_draft, draft, point, other_point,
                                                                    staff, meeting, count):
    with pytest.raises(UserError, match="不属于所选联系点"):
        enter_comment(draft, contact_point=other_point, meeting=meeting, anchor="3", body="意见", actor=staff)
    second = make_draft(title="另一部草案")
    with pytest.raises(UserError, match="不是关于这部草案"):
        enter_comment(second, contact_point=point, meeting=meeting, anchor="3", body="意见", actor=staff)
    assert count(Comment) == 0


def test_staff_may_enter_a_letter_without_contact_point(db, draft, staff):
    comment = enter_comment(draft, contact_point=None, anchor="总体", body="来信意见", channel="letter",
                            actor=staff)
    assert comment.channel == "letter" and comment.contact_point_id is None
    with pytest.raises(CommentError, match="未知的渠道"):
        enter_comment(draft, contact_point=None, anchor="总体", body="x", channel="pigeon", actor=staff)


# --- corrections and deletion ---------------------------------------------------------------------

def test_facilitator_corrects_until_locked(db, draft, point, facilitator, staff):
    from consult.review.services import set_locked

    comment = enter_comment(draft, contact_point=point, anchor="3", body="原文", actor=facilitator)
    db.session.commit()
    update_comment(comment, actor=facilitator, body="改正后的意见", anchor="3.2")
    db.session.commit()
    assert comment.body == "改正后的意见" and comment.anchor_kind == "paragraph" and comment.paragraph_no == 2
    set_locked(comment, True, actor=staff)
    db.session.commit()
    with pytest.raises(CommentError, match="锁定"):
        update_comment(comment, actor=facilitator, body="再改")
    with pytest.raises(CommentError, match="锁定"):
        delete_comment(comment, actor=facilitator)
    update_comment(comment, actor=staff, body="工作人员改正")
    db.session.commit()
    assert comment.body == "工作人员改正"


def test_facilitator_cannot_touch_another_points_comment(db, draft, other_point, staff, facilitator):
    comment = enter_comment(draft, contact_point=other_point, anchor="3", body="别处的意见", actor=staff)
    db.session.commit()
    with pytest.raises(UserError, match="权限"):
        update_comment(comment, actor=facilitator, body="x")
    with pytest.raises(UserError, match="权限"):
        delete_comment(comment, actor=facilitator)


def test_update_validates_and_changes_nothing_on_error(db, draft, staff):
    comment = online(draft)
    db.session.commit()
    with pytest.raises(CommentError):
        update_comment(comment, actor=staff, body="")
    with pytest.raises(CommentError, match="第九十九条"):
        update_comment(comment, actor=staff, anchor="99")
    with pytest.raises(TypeError):
        update_comment(comment, actor=staff, receipt_code="AAAA-AAAA")
    db.session.rollback()
    assert comment.body == "建议增加文明旅游宣传。" and comment.article.number == 3


def test_update_applies_privacy_rules(db, draft, staff):
    comment = online(draft, commenter_name="赵六", contact="13900001111", wants_feedback=True,
                     consent_personal_info=True)
    update_comment(comment, actor=staff, is_minor=True)
    assert comment.commenter_is_minor and comment.commenter_name == "" and comment.commenter_contact == ""


# --- audit and outbox -------------------------------------------------------------------------------

def test_every_change_is_audited_and_queued_for_search(db, draft, point, facilitator, count):
    """Outbox rows are written in the comment's own transaction (the test hook drains them at commit)."""
    def queued():
        return list(db.session.execute(select(SearchOutbox.entity_id, SearchOutbox.op)
                                       .where(SearchOutbox.entity == "comment").order_by(SearchOutbox.id)))

    comment = online(draft)
    entered = enter_comment(draft, contact_point=point, anchor="2", body="意见", actor=facilitator)
    update_comment(entered, actor=facilitator, body="新意见")
    assert queued() == [(comment.id, "upsert"), (entered.id, "upsert"), (entered.id, "upsert")]
    db.session.commit()
    actions = list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions[-3:] == ["comment.submit", "comment.enter", "comment.update"]
    entered_id = entered.id
    delete_comment(entered, actor=facilitator)
    assert (entered_id, "delete") in queued()
    db.session.commit()
    assert db.session.get(Comment, entered_id) is None
    assert count(AuditEvent, AuditEvent.action == "comment.delete", AuditEvent.target_id == entered_id) == 1


def test_unchanged_update_writes_nothing(db, draft, staff, count):
    comment = online(draft)
    db.session.commit()
    before = count(AuditEvent)
    update_comment(comment, actor=staff, body=comment.body)
    assert count(AuditEvent) == before
    assert count(SearchOutbox) == 0


def test_audit_never_holds_the_contact(db, draft):
    online(draft, contact="13900001111", wants_feedback=True, consent_personal_info=True)
    db.session.commit()
    details = [str(d) for d in db.session.scalars(select(AuditEvent.details))]
    assert not any("13900001111" in d for d in details)


# --- published comments and purge ------------------------------------------------------------------

def test_published_comments_in_text_order(db, draft, staff):
    from consult.review.services import publish_comment

    article = draft.current_version.articles[2]
    second = online(draft, anchor="3.2", body="第二款")
    first = online(draft, anchor="3.1.1", body="第一项")
    whole = online(draft, anchor="3", body="整条")
    hidden = online(draft, anchor="3", body="未审核")
    for comment in (second, first, whole):
        publish_comment(comment, actor=staff)
    db.session.commit()
    assert [c.body for c in published_comments(article)] == ["整条", "第一项", "第二款"]
    assert hidden not in published_comments(article)


def test_purge_refused_while_open_then_clears_contacts(db, draft, staff, close_window, count):
    from consult.review.services import decide_comment

    kept = online(draft, commenter_name="钱七", contact="qian@example.org", wants_feedback=True,
                  consent_personal_info=True)
    online(draft, body="匿名意见")
    db.session.commit()
    with pytest.raises(CommentError, match="尚未截止"):
        purge_contact_details(draft, actor=staff)
    close_window(draft)
    decide_comment(kept, "adopted", "已采纳。", actor=staff)
    db.session.commit()
    assert purge_contact_details(draft, actor=staff) == 1
    db.session.commit()
    db.session.refresh(kept)
    assert kept.commenter_contact == "" and kept.contact_purged_at is not None
    assert kept.body and kept.decision == "adopted" and kept.commenter_name == "钱七"
    assert count(Comment, Comment.contact_purged_at.is_(None)) == 0
    assert count(AuditEvent, AuditEvent.action == "privacy.purge_contacts") == 1
    assert purge_contact_details(draft, actor=staff) == 0


def test_a_repeated_article_number_is_commentable_by_its_unique_address(db, make_draft):
    from consult.comments.services import resolve_anchor

    text = ("清江市测试条例\n第一条 第一条的内容。\n第二条 第二条的内容。\n第二条 重复编号的另一条。\n"
            "第一款之后。\n第三条 第三条的内容。\n")
    draft = make_draft(text, published=False)
    version = draft.current_version
    second = [a for a in version.articles if a.number == 2][1]
    assert second.address == "2_2"
    resolved = resolve_anchor(version, "2_2")
    assert resolved.article is second and resolved.key == "2_2"
    assert resolve_anchor(version, "2").article is not second  # the plain number names the first one
    assert resolve_anchor(version, "2_2.2").paragraph_no == 2
    with pytest.raises(CommentError) as refused:
        resolve_anchor(version, "9_2")
    assert refused.value.field == "anchor"
    from consult.comments.anchors import anchor_options
    assert ("2_2", "第二条") in anchor_options(version)
