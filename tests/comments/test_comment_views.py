"""Citizen pages: the comment form, honeypot, throttling, receipts, comments under an article."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from consult.comments.models import Comment
from consult.comments.services import submit_online_comment


def form_data(**overrides):
    """A valid submission of the public form."""
    data = {"anchor": "3.1.2", "body": "景区秩序要有专人维护。", "reason": "节假日人太多。",
            "proposed_text": "", "commenter_name": "", "commenter_category": "", "contact": "", "website": ""}
    data.update(overrides)
    return data


def test_form_lists_the_articles_paragraphs_and_items(client, draft):
    response = client.get(f"/comments/new/{draft.id}?anchor=3")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for value, label in (("general", "总体意见"), ("title", "名称"), ("3", "第三条"), ("3.2", "第三条第二款"),
                         ("3.1.3", "第三条第一款第（三）项"), ("new_article", "新增条款")):
        assert f'value="{value}"' in html and label in html
    assert 'selected value="3"' in html
    assert "第四条" not in html  # only the article the reader came from
    assert "游客应当遵守下列规定" in html  # the text being commented on
    assert 'name="consent_personal_info"' in html and "/drafts/privacy" in html
    assert 'name="is_minor"' in html


def test_honeypot_is_hidden_from_people(client, draft):
    html = client.get(f"/comments/new/{draft.id}").get_data(as_text=True)
    trap = re.search(r'<div class="hp" aria-hidden="true">.*?</div>', html, re.S).group(0)
    assert 'name="website"' in trap and 'tabindex="-1"' in trap and 'autocomplete="off"' in trap
    assert "<script>" not in html and "style=" not in html
    assert "js/comments.js" in html


def test_general_link_lists_every_article(client, draft):
    html = client.get(f"/comments/new/{draft.id}?anchor=general").get_data(as_text=True)
    assert 'selected value="general"' in html
    assert all(f'value="{n}"' in html for n in range(1, 6))


def test_submit_creates_pending_comment_and_shows_receipt(client, db, draft):
    response = client.post(f"/comments/new/{draft.id}?anchor=3", data=form_data())
    assert response.status_code == 303
    comment = db.session.scalar(select(Comment))
    assert comment.anchor_kind == "item" and comment.item_no == 2 and comment.moderation_state == "pending"
    assert comment.receipt_code in response.headers["Location"]
    page = client.get(response.headers["Location"])
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f'<p class="receipt-code" id="receipt-code">{comment.receipt_code}</p>' in html
    assert "接下来" in html


def test_invalid_submission_keeps_what_was_typed(client, db, draft):
    data = form_data(anchor="99", body="我写了很长的意见，不想重打一遍。", reason="理由也保留")
    response = client.post(f"/comments/new/{draft.id}", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "草案中没有第九十九条" in html
    assert "我写了很长的意见，不想重打一遍。" in html and "理由也保留" in html
    assert db.session.scalar(select(Comment)) is None


def test_empty_body_is_refused_with_message(client, db, draft):
    response = client.post(f"/comments/new/{draft.id}", data=form_data(body="", reason="只有理由"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "请填写意见内容" in html and "只有理由" in html
    assert db.session.scalar(select(Comment)) is None


def test_feedback_without_consent_asks_for_it(client, db, draft):
    data = form_data(contact="13900001111", wants_feedback="y", commenter_name="张三")
    response = client.post(f"/comments/new/{draft.id}", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "需要您的同意" in html and 'value="13900001111"' in html
    ok = client.post(f"/comments/new/{draft.id}", data={**data, "consent_personal_info": "y"})
    assert ok.status_code == 303
    assert db.session.scalar(select(Comment.commenter_contact)) == "13900001111"


def test_minor_submission_keeps_no_identity(client, db, draft):
    data = form_data(commenter_name="小明", is_minor="y", contact="13900001111", wants_feedback="y")
    assert client.post(f"/comments/new/{draft.id}", data=data).status_code == 303
    comment = db.session.scalar(select(Comment))
    assert comment.commenter_is_minor and comment.commenter_name == "" and comment.commenter_contact == ""


def test_filled_honeypot_looks_like_success_but_stores_nothing(client, db, draft):
    response = client.post(f"/comments/new/{draft.id}", data=form_data(website="http://spam.example"))
    assert response.status_code == 200
    assert "感谢您的意见" in response.get_data(as_text=True)
    assert db.session.scalar(select(Comment)) is None


def test_closed_draft_refuses_and_keeps_text(client, db, draft, close_window):
    close_window(draft)
    page = client.get(f"/comments/new/{draft.id}?anchor=3").get_data(as_text=True)
    assert "暂不接受意见" in page and 'class="comment-form"' not in page
    response = client.post(f"/comments/new/{draft.id}", data=form_data(body="截止后才写好的意见"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "已截止" in html and "截止后才写好的意见" in html
    assert db.session.scalar(select(Comment)) is None


def test_unpublished_or_missing_draft_is_404(client, make_draft):
    draft = make_draft(published=False)
    assert client.get(f"/comments/new/{draft.id}").status_code == 404
    assert client.post(f"/comments/new/{draft.id}", data=form_data()).status_code == 404
    assert client.get("/comments/new/9999").status_code == 404


class TestThrottling:
    """The per-address limit on submissions (TestConfig disables limiting; this class enables it)."""

    @pytest.fixture
    def app_config(self, tmp_path):
        return {"SEARCH_INDEX_DIR": str(tmp_path / "index"), "RATELIMIT_ENABLED": True,
                "COMMENT_RATE_LIMIT": "2 per minute"}

    def test_third_submission_is_throttled_and_keeps_text(self, client, db, draft):
        for i in range(2):
            assert client.post(f"/comments/new/{draft.id}", data=form_data(body=f"意见{i}")).status_code == 303
        response = client.post(f"/comments/new/{draft.id}?anchor=3",
                               data=form_data(body="第三条被限流的意见", reason="限流理由"))
        html = response.get_data(as_text=True)
        assert response.status_code == 429
        assert "提交过于频繁" in html and "第三条被限流的意见" in html and "限流理由" in html
        assert 'selected value="3.1.2"' in html
        assert len(db.session.scalars(select(Comment)).all()) == 2

    def test_reading_the_form_is_not_limited(self, client, draft):
        assert all(client.get(f"/comments/new/{draft.id}").status_code == 200 for _ in range(5))

    def test_other_addresses_are_not_throttled(self, client, draft):
        for i in range(2):
            client.post(f"/comments/new/{draft.id}", data=form_data(body=f"意见{i}"))
        other = client.post(f"/comments/new/{draft.id}", data=form_data(body="别的地址"),
                            environ_base={"REMOTE_ADDR": "10.0.0.9"})
        assert other.status_code == 303


def test_receipt_lookup_before_and_after_decision(client, db, draft, staff):
    from consult.review.services import decide_comment

    comment = submit_online_comment(draft, anchor="3.2", body="劝阻要有依据。")
    db.session.commit()
    html = client.get(f"/comments/receipt?code={comment.receipt_code.lower()}").get_data(as_text=True)
    assert "劝阻要有依据。" in html and "第三条第二款" in html and "待审核" in html and "尚未作出决定" in html
    decide_comment(comment, "partly_adopted", "已在第三条中增加劝阻程序。", actor=staff)
    db.session.commit()
    html = client.get(f"/comments/receipt?code={comment.receipt_code}").get_data(as_text=True)
    assert "部分采纳" in html and "已在第三条中增加劝阻程序。" in html


def test_receipt_shows_rejection_reason(client, db, draft, staff):
    from consult.review.services import reject_comment

    comment = submit_online_comment(draft, anchor="总体", body="广告内容")
    reject_comment(comment, "与草案无关的广告", actor=staff)
    db.session.commit()
    html = client.get(f"/comments/receipt?code={comment.receipt_code}").get_data(as_text=True)
    assert "不予公开" in html and "与草案无关的广告" in html and "总体意见" in html


def test_receipt_never_shows_personal_data(client, db, draft):
    comment = submit_online_comment(draft, anchor="3", body="意见", commenter_name="张三丰",
                                    contact="13900001111", wants_feedback=True, consent_personal_info=True)
    db.session.commit()
    html = client.get(f"/comments/receipt?code={comment.receipt_code}").get_data(as_text=True)
    assert "张三丰" not in html and "13900001111" not in html


def test_unknown_receipt_code(client):
    response = client.get("/comments/receipt?code=ZZZZ-ZZZZ")
    assert response.status_code == 404
    assert "没有找到回执编号" in response.get_data(as_text=True)
    empty = client.get("/comments/receipt")
    assert empty.status_code == 200 and 'name="code"' in empty.get_data(as_text=True)
    assert client.get("/comments/submitted?code=ZZZZ-ZZZZ").status_code == 404


def test_article_page_lists_published_comments_with_masked_names(client, db, draft, staff):
    from consult.review.services import publish_comment

    masked = submit_online_comment(draft, anchor="3.1.1", body="资源保护要写细", commenter_name="张三丰",
                                   contact="13900001111", wants_feedback=True, consent_personal_info=True)
    named = submit_online_comment(draft, anchor="3", body="署名意见", commenter_name="李四",
                                  consent_publish_name=True)
    submit_online_comment(draft, anchor="3", body="还没审核的意见")
    publish_comment(masked, actor=staff)
    publish_comment(named, actor=staff)
    db.session.commit()
    html = client.get(f"/drafts/{draft.id}/articles/3").get_data(as_text=True)
    assert "资源保护要写细" in html and "第三条第一款第（一）项" in html
    assert "张**" in html and "张三丰" not in html and "13900001111" not in html
    assert "李四" in html
    assert "还没审核的意见" not in html
    assert f"/comments/new/{draft.id}?anchor=3" in html


def test_article_page_of_closed_draft_has_no_comment_button(client, draft, close_window):
    close_window(draft)
    html = client.get(f"/drafts/{draft.id}/articles/3").get_data(as_text=True)
    assert "/comments/new/" not in html
    assert "还没有公开的意见" in html
