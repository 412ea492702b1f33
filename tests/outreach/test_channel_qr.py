"""Channel qr (扫码提意见) wherever staff read comments: the workbench, moderation, statistics and exports; a
facilitator sees the comment under the point but cannot rewrite a resident's own words."""
from __future__ import annotations

import io

import pytest
from docx import Document

from consult.comments.vocabulary import CHANNEL
from consult.exports.services import export_sheet, export_summary
from consult.outreach.services import submit_poster_comment
from consult.review import stats
from consult.review.queries import moderation_queue
from consult.review.services import publish_comment


@pytest.fixture
def qr_comment(db, draft, point):
    comment = submit_poster_comment(draft, point, anchor="3", body="建议在景区入口设置扫码提示牌。",
                                    commenter_name="王小明")
    db.session.commit()
    return comment


def test_the_workbench_shows_channel_and_point(client, auth, staff, draft, point, qr_comment):
    auth.login(staff)
    page = client.get(f"/review/drafts/{draft.id}/articles/3").get_data(as_text=True)
    assert "建议在景区入口设置扫码提示牌。" in page
    assert f"{CHANNEL.label('qr')} · {point.name}" in page
    filtered = client.get(f"/review/drafts/{draft.id}/articles/3?channel=qr").get_data(as_text=True)
    assert "建议在景区入口设置扫码提示牌。" in filtered


def test_qr_comments_wait_in_the_moderation_queue_and_can_be_published(db, staff, qr_comment):
    assert moderation_queue() == [qr_comment]
    publish_comment(qr_comment, actor=staff)
    db.session.commit()
    assert qr_comment.moderation_state == "published"


def test_statistics_count_the_channel_and_the_point(draft, point, qr_comment):
    assert (str(CHANNEL.label("qr")), 1) in stats.series(draft, "channel")
    assert any(label.startswith(point.name) and n == 1 for label, n in stats.series(draft, "contact_point"))


@pytest.fixture
def published_qr(db, staff, qr_comment):
    """Exports cover published and recorded comments: the qr comment once moderated."""
    publish_comment(qr_comment, actor=staff)
    db.session.commit()
    return qr_comment


def test_the_spreadsheet_export_names_channel_and_point(draft, point, published_qr):
    out = io.BytesIO()
    export_sheet(draft, out, fmt="csv")
    text = out.getvalue().decode("utf-8-sig")
    row = next(line for line in text.splitlines() if "扫码提示牌" in line)
    assert CHANNEL.formal("qr") in row and point.code in row


def test_the_word_summary_names_channel_and_point(draft, point, published_qr):
    out = io.BytesIO()
    export_summary(draft, out)
    doc = Document(io.BytesIO(out.getvalue()))
    cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    assert f"{point.name}\n{CHANNEL.formal('qr')}" in cells
    body = "\n".join(p.text for p in doc.paragraphs)
    assert f"{CHANNEL.formal('qr')} 1 条" in body


def test_the_facilitator_sees_it_under_the_point_but_cannot_edit_it(client, auth, facilitator, draft, point,
                                                                    qr_comment):
    auth.login(facilitator)
    page = client.get(f"/intake/drafts/{draft.id}/points/{point.id}").get_data(as_text=True)
    assert "建议在景区入口设置扫码提示牌。" in page
    assert f"/intake/comments/{qr_comment.id}/edit" not in page
    assert client.get(f"/intake/comments/{qr_comment.id}/edit").status_code == 403
    before = qr_comment.body
    client.post(f"/intake/comments/{qr_comment.id}/edit", data={"anchor": "3", "body": "改写"})
    assert qr_comment.body == before
