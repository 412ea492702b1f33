"""The poster and the meeting kit as Word documents read back with python-docx: their headings, the comment
form's columns (exactly the spreadsheet import's), one QR code per article that decodes to its own link."""
from __future__ import annotations

import io

import pytest
from docx import Document

from consult.comments.imports import TEMPLATE_HEADER
from consult.outreach import services
from consult.outreach.documents import PRIVACY_NOTICE

from .conftest import decode_png, docx_images


def _text(doc) -> str:
    return "\n".join(p.text for p in doc.paragraphs)


def _headings(doc) -> list[str]:
    return [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]


def test_poster_has_title_deadline_code_link_and_privacy_notice(client, auth, db, facilitator, draft, point):
    auth.login(facilitator)
    answer = client.get(f"/outreach/points/{point.id}/drafts/{draft.id}/poster.docx")
    assert answer.status_code == 200 and answer.mimetype.endswith("wordprocessingml.document")
    assert "attachment" in answer.headers["Content-Disposition"]
    link = services.link_for(draft, contact_point=point)
    doc = Document(io.BytesIO(answer.data))
    text = _text(doc)
    assert draft.title in text and "征求意见截止：" in text
    assert f"localhost/q/{link.code}" in text and f"意见码：{link.code}" in text and point.name in text
    assert "个人信息说明" in _headings(doc)
    for title, wording in PRIVACY_NOTICE:
        assert f"{title}：{wording}" in text
    images = docx_images(answer.data)
    assert len(images) == 1 and decode_png(images[0]) == [f"http://localhost/q/{link.code}"]


@pytest.fixture
def kit(client, auth, facilitator, meeting):
    """Download a meeting's kit with 第四条 and 第二条 chosen; returns (Document, raw bytes)."""
    def download(*keys):
        articles = {a.label: a.id for a in meeting.draft.current_version.articles}
        auth.login(facilitator)
        answer = client.get(f"/outreach/meetings/{meeting.id}/kit.docx",
                            query_string=[("articles", articles[k]) for k in keys])
        assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
        return Document(io.BytesIO(answer.data)), answer.data
    return download


def test_kit_puts_the_chosen_articles_first_and_every_article_once(kit, meeting):
    doc, _ = kit("第四条", "第二条")
    headings = _headings(doc)
    assert headings[0] == "一、本次会议重点讨论的条文"
    assert headings[1:3] == ["第二条", "第四条"]  # chosen, in text order
    assert headings[3] == "二、草案其他条文"
    rest = headings[4:headings.index("三、签到表")]
    assert rest == ["第一章　总则", "第一条", "第二章　游客与经营者", "第三条", "第三章　附则", "第五条"] or \
        [h.replace("　", " ") for h in rest] == ["第一章 总则", "第一条", "第二章 游客与经营者", "第三条", "第三章 附则", "第五条"]
    assert headings[-2:] == ["三、签到表", "四、意见记录表"]
    labels = [h for h in headings if h.startswith("第") and h.endswith("条")]
    assert sorted(labels) == sorted(a.label for a in meeting.draft.current_version.articles)
    text = _text(doc)
    assert "游客应当遵守下列规定：" in text and meeting.contact_point.name in text


def test_kit_without_a_choice_prints_the_whole_text(kit):
    doc, _ = kit()
    headings = _headings(doc)
    assert headings[0] == "一、草案全文" and "二、签到表" in headings and "三、意见记录表" in headings


def test_kit_comment_form_has_exactly_the_import_columns(kit, meeting):
    doc, _ = kit("第三条")
    form = doc.tables[-1]
    assert [cell.text for cell in form.rows[0].cells] == list(TEMPLATE_HEADER)
    first = dict(zip(TEMPLATE_HEADER, (cell.text for cell in form.rows[1].cells)))
    assert first["联系点"] == meeting.contact_point.code and first["日期"] == meeting.held_on.isoformat()
    assert first["意见"] == "" and len(form.rows) > 5
    sign_in = doc.tables[-2]
    assert [cell.text for cell in sign_in.rows[0].cells][:2] == ["序号", "姓名"]


def test_kit_has_one_qr_code_per_article_that_opens_that_article(kit, client, meeting):
    doc, data = kit("第四条")
    articles = meeting.draft.current_version.articles
    images = docx_images(data)
    assert len(doc.inline_shapes) == len(images) == len(articles) + 1  # plus the draft's own code
    decoded = [decode_png(png) for png in images]
    assert all(len(found) == 1 for found in decoded)
    targets = {client.get(found[0].replace("http://localhost", "")).headers["Location"] for found in decoded}
    draft_id = meeting.draft.id
    assert targets == {f"/drafts/{draft_id}"} | {f"/drafts/{draft_id}/articles/{a.address}" for a in articles}


def test_kit_refuses_an_unknown_article_with_a_message(client, auth, facilitator, meeting):
    auth.login(facilitator)
    answer = client.get(f"/outreach/meetings/{meeting.id}/kit.docx?articles=99999")
    assert answer.status_code == 422
    assert "所选条文不在草案现行文本中" in answer.get_data(as_text=True)
    assert client.get(f"/outreach/meetings/{meeting.id}/kit.docx?articles=abc").status_code == 422
