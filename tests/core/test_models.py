"""The data model on SQLite and PostgreSQL: relations, cascades, constraints, defaults."""
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from consult.audit.models import AuditEvent
from consult.comments.models import Comment, Tag
from consult.contact_points.models import ContactPoint, Meeting
from consult.drafts.models import Article, Division, Draft, DraftVersion
from consult.outbox import SearchOutbox


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_import_builds_nested_structure(db, make_draft):
    draft = make_draft()
    version = draft.current_version
    assert version.label == "草案" and version.is_current
    assert [d.heading for d in version.divisions] == ["第一章 总则", "第二章 游客与经营者", "第三章 附则"]
    article = version.articles[2]
    assert (article.number, article.label, article.key) == (3, "第三条", "3")
    assert article.division.label == "第二章"
    assert len(article.paragraphs) == 2 and article.paragraphs[0].count("\n") == 3
    assert [a.position for a in version.articles] == list(range(5))


def test_import_is_audited_and_queued_for_search_in_the_same_transaction(db):
    from consult.drafts.services import import_draft

    from tests.conftest import SMALL_DRAFT

    draft = import_draft(SMALL_DRAFT.encode(), "d.txt").draft  # flushed, not committed
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert "draft.import" in actions
    queued = set(db.session.execute(select(SearchOutbox.entity, SearchOutbox.entity_id)))
    assert ("draft", draft.id) in queued
    assert {("article", a.id) for a in draft.current_version.articles} <= queued


def test_deleting_a_draft_cascades_to_its_text(db, make_draft):
    draft = make_draft()
    db.session.delete(draft)
    db.session.commit()
    assert count(db, DraftVersion) == count(db, Article) == count(db, Division) == 0


def test_comment_with_provenance_round_trip(db, make_draft, make_contact_point, make_user):
    from datetime import date

    draft = make_draft()
    point = make_contact_point()
    facilitator = make_user("facilitator", [point])
    meeting = Meeting(draft=draft, contact_point=point, held_on=date(2026, 11, 20), kind="symposium",
                      attendance=12, created_by_id=facilitator.id)
    article = draft.current_version.articles[2]
    comment = Comment(draft=draft, version=draft.current_version, article=article, anchor_kind="item",
                      paragraph_no=1, item_no=2, body="建议写明景区秩序的具体内容。", channel="meeting",
                      contact_point=point, meeting=meeting, commenter_name="张三", receipt_code="TEST-0001",
                      moderation_state="internal", created_by_id=facilitator.id)
    comment.tags.append(Tag(draft_id=draft.id, name="景区"))
    db.session.add(comment)
    db.session.commit()
    db.session.expire_all()
    stored = db.session.scalar(select(Comment))
    assert stored.meeting.contact_point.code == point.code
    assert stored.article.label == "第三条" and (stored.paragraph_no, stored.item_no) == (1, 2)
    assert [t.name for t in stored.tags] == ["景区"]
    assert stored.created_at is not None and stored.decision is None


def test_receipt_codes_and_contact_point_codes_are_unique(db, make_draft):
    draft = make_draft()
    for code in ("SAME", "SAME"):
        db.session.add(Comment(draft=draft, version=draft.current_version, body="x", receipt_code=code))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    db.session.add_all([ContactPoint(code="A", name="a"), ContactPoint(code="A", name="b")])
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_tag_names_unique_per_draft(db, make_draft):
    draft = make_draft()
    db.session.add_all([Tag(draft_id=draft.id, name="民宿"), Tag(draft_id=draft.id, name="民宿")])
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    other = make_draft()
    db.session.add_all([Tag(draft_id=draft.id, name="民宿"), Tag(draft_id=other.id, name="民宿")])
    db.session.commit()
    assert count(db, Tag) == 2


def test_window_defaults_are_computed_per_row(db):
    first, second = Draft(title="甲"), Draft(title="乙")
    db.session.add(first)
    db.session.commit()
    db.session.add(second)
    db.session.commit()
    assert second.created_at >= first.created_at
    assert not first.is_published and not first.is_open()
