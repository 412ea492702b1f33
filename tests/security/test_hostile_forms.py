"""Every public form against hostile strings: a clear answer (never a 500), nothing stored that should not be,
and text that a spreadsheet would run as a formula comes out of every export as inert text."""
from __future__ import annotations

import csv
import io
import re

import openpyxl
import pytest
from sqlalchemy import select

from consult.comments.models import Comment
from consult.comments.services import submit_online_comment
from tests.security import hostile

ZH = {"Accept-Language": "zh-CN"}
CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
INVISIBLE_RE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
HOSTILE_STRINGS = {
    "huge": "长" * 100_000,
    "nul": "意见\x00内容",
    "control": "意见" + hostile.CONTROL,
    "bidi": "意见\u202egnp.exe\u202c内容\u200b",
    "markup": '<script>alert(1)</script><img src=x onerror=alert(1)>"\'&',
    "template": "{{ config.SECRET_KEY }}{% for x in () %}{% endfor %}",
    "sql": "'; DROP TABLE comments; --",
    "query-syntax": 'AND OR NOT ( ) * ? " ~ ^ [ ] : \\',
    "lone-surrogate-escape": "\\ud800",
}


def comment_form(**overrides):
    data = {"anchor": "3", "body": "景区秩序要有专人维护。", "reason": "", "proposed_text": "",
            "commenter_name": "", "commenter_category": "", "contact": "", "website": ""}
    data.update(overrides)
    return data


def visible(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


@pytest.mark.parametrize("field", ["body", "reason", "proposed_text", "commenter_name", "contact"])
@pytest.mark.parametrize("kind", list(HOSTILE_STRINGS))
def test_comment_form_answers_hostile_strings(client, db, draft, snapshot, field, kind):
    value = HOSTILE_STRINGS[kind]
    before = snapshot()
    overrides = {field: value}
    if field == "contact":
        overrides.update(wants_feedback="y", consent_personal_info="y")
    response = client.post(f"/comments/new/{draft.id}", data=comment_form(**overrides), headers=ZH)
    html = response.get_data(as_text=True)
    assert response.status_code in (200, 302, 303, 422), response.status_code
    assert "<script>alert(1)</script>" not in html and "<img src=x" not in html
    stored = db.session.scalars(select(Comment)).all()
    if response.status_code == 422:
        assert snapshot() == before
        assert re.search("[\u4e00-\u9fff]", visible(html))  # a message in Chinese beside the field
    for comment in stored:
        for text in (comment.body, comment.reason, comment.proposed_text, comment.commenter_name,
                     comment.commenter_contact):
            assert not CONTROL_RE.search(text or ""), f"control characters kept in {field}"
            assert not INVISIBLE_RE.search(text or ""), f"invisible characters kept in {field}"
    if kind == "huge":
        assert response.status_code == 422 and snapshot() == before


@pytest.mark.parametrize("kind", list(HOSTILE_STRINGS))
def test_public_search_answers_hostile_strings(client, draft, snapshot, kind):
    before = snapshot()
    response = client.get("/search/", query_string={"q": HOSTILE_STRINGS[kind]}, headers=ZH)
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
    assert snapshot() == before


@pytest.mark.parametrize("kind", list(HOSTILE_STRINGS))
def test_receipt_lookup_answers_hostile_strings(client, draft, snapshot, kind):
    before = snapshot()
    response = client.get("/comments/receipt", query_string={"code": HOSTILE_STRINGS[kind]}, headers=ZH)
    assert response.status_code in (200, 404, 422)
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
    assert snapshot() == before


@pytest.mark.parametrize("kind", list(HOSTILE_STRINGS))
def test_login_answers_hostile_strings(client, make_user, snapshot, kind):
    make_user("staff", username="staff1")
    before = snapshot()
    response = client.post("/accounts/login", headers=ZH,
                           data={"username": HOSTILE_STRINGS[kind], "password": HOSTILE_STRINGS[kind]})
    assert response.status_code in (200, 422, 429)
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
    after = snapshot()
    # A refused sign-in may be written to the audit log; nothing else changes.
    assert {k: v for k, v in after.items() if k != "audit_events"} == \
           {k: v for k, v in before.items() if k != "audit_events"}


# --- formulas in exports --------------------------------------------------------------------------------

@pytest.fixture
def formula_comments(db, draft, staff):
    """One published comment per formula prefix, in every text field."""
    from consult.review.services import publish_comment

    for formula in hostile.FORMULAS:
        comment = submit_online_comment(draft, anchor="3", body=formula, reason=formula,
                                        proposed_text=formula, commenter_name=formula[:40])
        publish_comment(comment, actor=staff)
    db.session.commit()
    return hostile.FORMULAS


def test_csv_export_neutralises_formulas(db, draft, formula_comments):
    from consult.exports.services import export_sheet

    out = io.BytesIO()
    export_sheet(draft, out, fmt="csv")
    rows = list(csv.reader(io.StringIO(out.getvalue().decode("utf-8-sig"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert any("HYPERLINK" in cell for cell in cells), "the comments were not exported"
    dangerous = [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert dangerous == []


def test_xlsx_export_never_writes_a_formula(db, draft, formula_comments):
    from consult.exports.services import export_sheet

    out = io.BytesIO()
    export_sheet(draft, out, fmt="xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(out.getvalue())).active
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert any("HYPERLINK" in str(cell.value) for cell in cells), "the comments were not exported"
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []

