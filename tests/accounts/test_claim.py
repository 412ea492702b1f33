"""Claiming a comment made before registering, by its receipt code; 我的意见 shows state and decision."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from consult.comments.models import Comment
from consult.comments.services import submit_online_comment
from consult.review.services import decide_comment, publish_comment
from tests.accounts.citizen_helpers import link_in, register


@pytest.fixture
def app_config(mail_app_config):
    return mail_app_config


def _citizen(client, smtp, email):
    register(client, email=email)
    client.get(link_in(smtp.to(email)[-1], "/accounts/verify/"))
    client.post("/accounts/login", data={"username": email, "password": "secret-pass-1"})


def _owner(db, comment_id):
    db.session.rollback()
    return db.session.scalar(select(Comment.owner_id).where(Comment.id == comment_id))


def test_claim_by_receipt_code_shows_state_and_decision(client, db, smtp, make_draft, make_user):
    draft = make_draft()
    staff = make_user("staff")
    comment = submit_online_comment(draft, anchor="3", body="建议增加文明拍照的要求。", commenter_name="王伟")
    publish_comment(comment, actor=staff)
    decide_comment(comment, "not_adopted", "已有相关规定。", actor=staff)
    db.session.commit()
    _citizen(client, smtp, "wang@example.com")
    code = comment.receipt_code.lower().replace("-", "")  # as people type it
    done = client.post("/accounts/my-comments/claim", data={"code": code}, follow_redirects=True)
    page = done.get_data(as_text=True)
    assert "已将回执编号为" in page and comment.receipt_code in page
    assert "建议增加文明拍照的要求。" in page and "已有相关规定。" in page
    assert "已公开" in page or "公开" in page
    again = client.post("/accounts/my-comments/claim", data={"code": comment.receipt_code})
    assert again.status_code == 422 and "已经在“我的意见”中" in again.get_data(as_text=True)


def test_wrong_code_is_refused_and_changes_nothing(client, db, smtp, make_draft):
    draft = make_draft()
    comment = submit_online_comment(draft, anchor="3", body="意见。")
    db.session.commit()
    _citizen(client, smtp, "wang@example.com")
    response = client.post("/accounts/my-comments/claim", data={"code": "ZZZZ-ZZZZ"})
    assert response.status_code == 422 and "没有找到回执编号为“ZZZZ-ZZZZ”的意见" in response.get_data(as_text=True)
    assert _owner(db, comment.id) is None


def test_someone_elses_claimed_comment_cannot_be_claimed_again(app, db, smtp, make_draft):
    draft = make_draft()
    comment = submit_online_comment(draft, anchor="3", body="意见。")
    db.session.commit()
    first, second = app.test_client(), app.test_client()
    _citizen(first, smtp, "wang@example.com")
    first.post("/accounts/my-comments/claim", data={"code": comment.receipt_code})
    owner = _owner(db, comment.id)
    assert owner is not None
    _citizen(second, smtp, "li@example.com")
    refused = second.post("/accounts/my-comments/claim", data={"code": comment.receipt_code})
    assert refused.status_code == 422 and "已关联到另一个账户" in refused.get_data(as_text=True)
    assert _owner(db, comment.id) == owner
    assert comment.receipt_code not in second.get("/accounts/my-comments").get_data(as_text=True)


def test_names_stay_masked_in_my_comments(client, db, smtp, make_draft):
    draft = make_draft()
    comment = submit_online_comment(draft, anchor="3", body="我叫王伟，电话13912345678，建议增加规定。")
    db.session.commit()
    _citizen(client, smtp, "wang@example.com")
    client.post("/accounts/my-comments/claim", data={"code": comment.receipt_code})
    assert "13912345678" not in client.get("/accounts/my-comments").get_data(as_text=True)
