"""Importing the next reading in the browser (issue 10): /drafts/<id>/versions/new takes a file and a version
label, proposes the lineage to the version before and sends staff to review it; the general upload of a new
version does the same; a bad file, a missing label or the same file again change nothing."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from consult.drafts.models import ArticleLink, DraftVersion
from tests.conftest import SMALL_DRAFT
from tests.lineage_fixtures import SECOND_READING


@pytest.fixture
def staff(make_user, auth):
    user = make_user("staff")
    auth.login(user)
    return user


def _counts(db):
    return (db.session.scalar(select(func.count(DraftVersion.id))),
            db.session.scalar(select(func.count(ArticleLink.id))))


def _post(client, draft, content: bytes, filename="second.txt", label="二审稿"):
    return client.post(f"/drafts/{draft.id}/versions/new",
                       data={"file": (io.BytesIO(content), filename), "version_label": label})


def test_the_draft_pages_link_the_import_of_a_new_version(client, staff, make_draft):
    draft = make_draft()
    for page in ("/drafts/manage", f"/drafts/{draft.id}/review"):
        assert f"/drafts/{draft.id}/versions/new" in client.get(page).get_data(as_text=True)
    html = client.get(f"/drafts/{draft.id}/versions/new").get_data(as_text=True)
    assert "导入新版本" in html and 'name="version_label"' in html


def test_next_reading_is_imported_with_its_lineage_proposed_and_opens_the_review(client, staff, make_draft, db):
    draft = make_draft()
    response = _post(client, draft, SECOND_READING.encode("utf-8"))
    assert response.status_code == 302
    db.session.expire_all()
    version = draft.current_version
    assert version.label == "二审稿" and version.lineage_state == "proposed"
    assert response.headers["Location"].endswith(f"/review/drafts/{draft.id}/lineage?version={version.id}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "请核对与上一版本的条文对应关系" in page and "尚待确认" in page
    assert f"/review/drafts/{draft.id}/lineage" in client.get("/drafts/manage").get_data(as_text=True)


def test_the_general_upload_of_a_new_version_goes_to_its_lineage_too(client, staff, make_draft, db):
    draft = make_draft()
    response = client.post("/drafts/upload", data={"file": (io.BytesIO(SECOND_READING.encode("utf-8")), "b.txt"),
                                                   "title": "", "version_label": "二审稿", "draft_id": str(draft.id)})
    assert response.status_code == 302 and "/lineage?version=" in response.headers["Location"]
    first = client.post("/drafts/upload", data={"file": (io.BytesIO(SMALL_DRAFT.replace("清江市", "江北市").encode()),
                                                         "c.txt"), "title": "", "version_label": "", "draft_id": "0"})
    assert first.headers["Location"].endswith("/review")  # a new draft has no lineage: its parse review


@pytest.mark.parametrize("content, label, message", [
    (SECOND_READING.encode("utf-8"), "", "请填写版本名称"),
    (b"PK\x03\x04 not a zip", "二审稿", "zip"),
    (SMALL_DRAFT.encode("utf-8"), "二审稿", "与当前版本完全相同"),
])
def test_bad_input_changes_nothing(client, staff, make_draft, db, content, label, message):
    draft = make_draft()
    before = _counts(db)
    response = _post(client, draft, content, "x.docx" if content.startswith(b"PK") else "x.txt", label)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert _counts(db) == before


def test_only_staff_import_a_new_version(client, auth, make_user, make_draft, db):
    draft = make_draft()
    auth.login(make_user("citizen"))
    before = _counts(db)
    assert _post(client, draft, SECOND_READING.encode("utf-8")).status_code == 403
    assert _counts(db) == before
