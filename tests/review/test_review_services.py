"""Workbench services: moderation, decisions, tags, notes, assignment, locks, bulk; bad input is refused."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from consult.audit.models import AuditEvent
from consult.comments.models import Comment, Tag
from consult.comments.services import CommentError, update_comment
from consult.review import services
from consult.review.services import ReviewError
from consult.outbox import SearchOutbox


def audit_actions(comment_id):
    """Audit actions recorded on one comment, in order."""
    from consult.extensions import db

    return list(db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.target_type == "Comment", AuditEvent.target_id == comment_id).order_by(AuditEvent.id)))


def outbox_count(comment_id):
    """How many index requests are queued for a comment."""
    from consult.extensions import db

    return db.session.scalar(select(func.count(SearchOutbox.id)).where(
        SearchOutbox.entity == "comment", SearchOutbox.entity_id == comment_id))


def test_publish_pending_online_comment(db, online, staff):
    comment = online()
    queued = outbox_count(comment.id)
    services.publish_comment(comment, actor=staff)
    assert outbox_count(comment.id) == queued + 1  # same transaction (the indexer may drain it on commit)
    db.session.commit()
    assert comment.moderation_state == "published"
    assert audit_actions(comment.id)[-1] == "comment.publish"


def test_publish_twice_is_refused(db, online, staff):
    comment = online()
    services.publish_comment(comment, actor=staff)
    with pytest.raises(ReviewError, match="已经公开"):
        services.publish_comment(comment, actor=staff)


def test_reject_requires_a_reason(db, online, staff):
    comment = online()
    with pytest.raises(ReviewError) as info:
        services.reject_comment(comment, "   ", actor=staff)
    assert info.value.field == "reason"
    assert comment.moderation_state == "pending"
    assert "comment.reject" not in audit_actions(comment.id)


def test_reject_published_comment_with_reason(db, online, staff):
    comment = online()
    services.publish_comment(comment, actor=staff)
    services.reject_comment(comment, "含有广告内容", actor=staff)
    db.session.commit()
    assert comment.moderation_state == "rejected"
    assert comment.moderation_reason == "含有广告内容"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "comment.reject"))
    assert event.details["reason"] == "含有广告内容" and event.actor_id == staff.id


def test_moderation_only_for_online_comments(db, entered, online, staff):
    meeting_comment = entered()
    with pytest.raises(ReviewError):
        services.publish_comment(meeting_comment, actor=staff)
    with pytest.raises(ReviewError):
        services.reject_comment(meeting_comment, "理由", actor=staff)
    rejected = online()
    services.reject_comment(rejected, "重复提交", actor=staff)
    with pytest.raises(ReviewError):
        services.publish_comment(rejected, actor=staff)
    assert meeting_comment.moderation_state == "internal"


def test_moderation_refused_for_non_staff(db, online, facilitator, citizen):
    comment = online()
    for user in (facilitator, citizen):
        with pytest.raises(ReviewError):
            services.publish_comment(comment, actor=user)
    assert comment.moderation_state == "pending"


@pytest.mark.parametrize("decision", ["adopted", "under_study"])
def test_decide_without_reason_where_allowed(db, entered, staff, decision):
    comment = entered()
    services.decide_comment(comment, decision, "", actor=staff)
    db.session.commit()
    assert comment.decision == decision
    assert comment.decided_by_id == staff.id and comment.decided_at is not None
    assert audit_actions(comment.id)[-1] == "comment.decide"


@pytest.mark.parametrize("decision", ["not_adopted", "partly_adopted"])
def test_decide_requires_reason(db, entered, staff, decision):
    comment = entered()
    with pytest.raises(ReviewError) as info:
        services.decide_comment(comment, decision, "  ", actor=staff)
    assert info.value.field == "reason"
    assert comment.decision is None
    services.decide_comment(comment, decision, "上位法已有规定", actor=staff)
    assert comment.decision == decision and comment.decision_reason == "上位法已有规定"


def test_unknown_decision_is_refused(db, entered, staff):
    comment = entered()
    with pytest.raises(ReviewError, match="未知"):
        services.decide_comment(comment, "maybe", "理由", actor=staff)
    assert comment.decision is None
    assert "comment.decide" not in audit_actions(comment.id)


def test_clearing_a_decision(db, entered, staff):
    comment = entered()
    services.decide_comment(comment, "not_adopted", "不符合实际", actor=staff)
    services.decide_comment(comment, None, "", actor=staff)
    assert comment.decision is None and comment.decision_reason == "" and comment.decided_by_id is None


def test_rejected_comment_cannot_be_decided(db, online, staff):
    comment = online()
    services.reject_comment(comment, "无关内容", actor=staff)
    with pytest.raises(ReviewError):
        services.decide_comment(comment, "adopted", "", actor=staff)


def test_tags_are_per_draft_trimmed_and_created_once(db, entered, staff, make_draft):
    first, second = entered(), entered(body="另一条意见")
    services.set_tags(first, "  民宿 ，安全、民宿, ", actor=staff)
    services.set_tags(second, ["安全", "消防"], actor=staff)
    db.session.commit()
    assert [t.name for t in first.tags] == ["安全", "民宿"]
    assert db.session.scalar(select(func.count(Tag.id)).where(Tag.draft_id == first.draft_id)) == 3
    services.set_tags(first, [], actor=staff)
    assert first.tags == []
    assert audit_actions(first.id).count("comment.tags") == 2


def test_overlong_tag_is_refused(db, entered, staff):
    comment = entered()
    services.set_tags(comment, ["已有"], actor=staff)
    with pytest.raises(ReviewError) as info:
        services.set_tags(comment, ["好", "长" * 51], actor=staff)
    assert info.value.field == "tags"
    assert [t.name for t in comment.tags] == ["已有"]
    services.set_tags(comment, ["长" * 50], actor=staff)
    assert comment.tags[0].name == "长" * 50


def test_notes_append_with_author_and_time(db, entered, staff):
    comment = entered()
    services.add_note(comment, "需征求文旅局意见", actor=staff)
    services.add_note(comment, "已电话联系", actor=staff)
    db.session.commit()
    notes = comment.internal_notes.split("\n\n")
    assert len(notes) == 2
    assert notes[0].endswith("需征求文旅局意见") and staff.name in notes[0] and "UTC" in notes[0]
    assert notes[1].endswith("已电话联系")
    with pytest.raises(ReviewError):
        services.add_note(comment, "   ", actor=staff)
    assert comment.internal_notes.count("\n\n") == 1


def test_assignment_to_staff_only(db, entered, staff, make_user, facilitator):
    comment = entered()
    colleague = make_user("staff")
    admin = make_user("admin")
    services.assign_comment(comment, colleague, actor=staff)
    assert comment.assigned_to_id == colleague.id
    services.assign_comment(comment, admin, actor=staff)
    assert comment.assigned_to_id == admin.id
    with pytest.raises(ReviewError) as info:
        services.assign_comment(comment, facilitator, actor=staff)
    assert info.value.field == "assignee"
    assert comment.assigned_to_id == admin.id
    services.assign_comment(comment, None, actor=staff)
    assert comment.assigned_to_id is None
    assert audit_actions(comment.id).count("comment.assign") == 3


def test_lock_stops_facilitator_corrections(db, entered, staff, facilitator):
    comment = entered()
    update_comment(comment, actor=facilitator, body="改正后的意见")
    services.set_locked(comment, True, actor=staff)
    db.session.commit()
    with pytest.raises(CommentError):
        update_comment(comment, actor=facilitator, body="再次修改")
    db.session.rollback()
    services.set_locked(comment, False, actor=staff)
    update_comment(comment, actor=facilitator, body="解锁后修改")
    assert comment.body == "解锁后修改"
    assert audit_actions(comment.id)[-3:-1] == ["comment.lock", "comment.unlock"]


def test_staff_services_refuse_non_staff_actor(db, entered, facilitator):
    comment = entered()
    with pytest.raises(ReviewError):
        services.decide_comment(comment, "adopted", "", actor=facilitator)
    with pytest.raises(ReviewError):
        services.set_locked(comment, True, actor=facilitator)
    assert comment.decision is None and not comment.locked


def test_bulk_decide_all_or_nothing(db, entered, online, staff):
    good = [entered(), entered(body="第二条意见")]
    bad = online()
    services.reject_comment(bad, "广告", actor=staff)
    db.session.commit()
    events_before = db.session.scalar(select(func.count(AuditEvent.id)))
    with pytest.raises(ReviewError):
        services.bulk_apply(good + [bad], "decide", actor=staff, decision="adopted", reason="")
    assert all(c.decision is None for c in good)
    assert db.session.scalar(select(func.count(AuditEvent.id))) == events_before
    queued = [outbox_count(c.id) for c in good]
    assert services.bulk_apply(good, "decide", actor=staff, decision="adopted", reason="") == 2
    assert [outbox_count(c.id) for c in good] == [n + 1 for n in queued]
    db.session.commit()
    assert all(c.decision == "adopted" for c in good)


def test_bulk_decide_needs_reason_for_every_comment(db, entered, staff):
    comments = [entered(), entered(body="另一条")]
    with pytest.raises(ReviewError):
        services.bulk_apply(comments, "decide", actor=staff, decision="not_adopted", reason="")
    assert all(c.decision is None for c in comments)


def test_bulk_tag_assign_lock(db, entered, staff, make_user):
    comments = [entered(), entered(body="另一条")]
    services.set_tags(comments[0], ["已有"], actor=staff)
    services.bulk_apply(comments, "tag", actor=staff, names="交通，安全")
    assert sorted(t.name for t in comments[0].tags) == sorted(["交通", "安全", "已有"])
    assert sorted(t.name for t in comments[1].tags) == sorted(["交通", "安全"])
    colleague = make_user("staff")
    services.bulk_apply(comments, "assign", actor=staff, user=colleague)
    services.bulk_apply(comments, "lock", actor=staff, locked=True)
    db.session.commit()
    assert all(c.assigned_to_id == colleague.id and c.locked for c in comments)


def test_bulk_bad_input(db, entered, staff, facilitator):
    comments = [entered()]
    with pytest.raises(ReviewError):
        services.bulk_apply(comments, "explode", actor=staff)
    with pytest.raises(ReviewError):
        services.bulk_apply([], "lock", actor=staff)
    with pytest.raises(ReviewError):
        services.bulk_apply(comments, "assign", actor=staff, user=facilitator)
    with pytest.raises(ReviewError):
        services.bulk_apply(comments, "tag", actor=staff, names=["x" * 51])
    assert comments[0].assigned_to_id is None and comments[0].tags == []


def test_bulk_moderation(db, online, entered, staff):
    pending = [online(), online(body="第二条网上意见")]
    services.bulk_apply(pending, "publish", actor=staff)
    assert all(c.moderation_state == "published" for c in pending)
    with pytest.raises(ReviewError):
        services.bulk_apply(pending, "reject", actor=staff, reason="")
    assert all(c.moderation_state == "published" for c in pending)
    with pytest.raises(ReviewError):  # one meeting comment spoils the whole selection
        services.bulk_apply(pending + [entered()], "reject", actor=staff, reason="违规")
    assert all(c.moderation_state == "published" for c in pending)
    services.bulk_apply(pending, "reject", actor=staff, reason="违规")
    db.session.commit()
    assert db.session.scalar(select(func.count(Comment.id)).where(
        Comment.moderation_state == "rejected")) == 2
