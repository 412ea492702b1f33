"""Export pages: permissions for every route and role, background jobs, downloads, streaming CSV."""
from __future__ import annotations

import csv
import io
import os

import pytest
from sqlalchemy import select

from consult.audit.models import AuditEvent
from consult.exports import jobs
from consult.exports.models import ExportJob

from .conftest import PHONE, comment_tables, decide_all, docx_text, xlsx_rows

ROLES = ("anonymous", "citizen", "facilitator", "staff", "admin")


@pytest.fixture
def app_config(tmp_path) -> dict:
    """A file database (not in-memory) so the export thread has its own connection; PostgreSQL when set."""
    config = {"SEARCH_INDEX_DIR": str(tmp_path / "index"), "EXPORT_DIR": str(tmp_path / "exports")}
    if not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"):
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path / 'exports.db'}"
    return config


@pytest.fixture(autouse=True)
def _join_export_threads(app):
    """Never drop the schema under a running export thread."""
    yield
    assert jobs.wait_all(120)


@pytest.fixture
def login_as(make_user, auth, scenario):
    """Sign in as a user of the given role (facilitator bound to the scenario's point); returns the user."""
    def login(role):
        if role == "anonymous":
            return None
        if role == "staff":
            user = scenario.staff
        else:
            user = make_user(role, [scenario.point] if role == "facilitator" else ())
        auth.login(user)
        return user

    return login


def run_job(client, db, draft_id, **data):
    """Post the export form, wait for the background job, return (job, response of the job page)."""
    response = client.post(f"/exports/drafts/{draft_id}", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    job_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    assert jobs.wait_for(job_id, 120)
    db.session.rollback()  # end this test's read snapshot: the thread wrote in its own session
    return db.session.get(ExportJob, job_id)


def download(client, url) -> bytes:
    """GET a file download, read it and close the response (which closes the file)."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    data = response.get_data()
    response.close()
    return data


def make_job(db, scenario, owner, **params):
    """A finished job row owned by `owner` (built through the real job runner)."""
    from consult.exports.services import start_export_job

    job = start_export_job(scenario.draft, "summary", params, actor=owner)
    db.session.commit()
    jobs.run_job(job.id)
    db.session.rollback()
    return db.session.get(ExportJob, job.id)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method, path", [("GET", "/exports/"), ("GET", "/exports/drafts/{draft}"),
                                          ("POST", "/exports/drafts/{draft}")])
def test_draft_routes_permissions(client, scenario, login_as, role, method, path):
    login_as(role)
    url = path.format(draft=scenario.draft.id)
    response = client.open(url, method=method, data={"kind": "sheet", "sheet_format": "xlsx"})
    if role == "anonymous":
        assert response.status_code == 302 and "/accounts/login" in response.headers["Location"]
    elif role in ("citizen", "facilitator"):
        assert response.status_code == 403
    else:
        assert response.status_code == (302 if method == "POST" else 200)


@pytest.mark.parametrize("role", ROLES + ("other_staff",))
@pytest.mark.parametrize("suffix", ["", "/status", "/download"])
def test_job_routes_permissions(client, db, scenario, make_user, auth, login_as, role, suffix):
    job = make_job(db, scenario, scenario.staff)
    assert job.status == "done"
    if role == "other_staff":  # staff too, but not the job's creator
        auth.login(make_user("staff"))
    else:
        login_as(role)
    response = client.get(f"/exports/jobs/{job.id}{suffix}")
    response.close()
    if role == "anonymous":
        assert response.status_code == 302
    elif role in ("citizen", "facilitator", "other_staff"):
        assert response.status_code == 403
    else:  # the job's creator, or an admin
        assert response.status_code == 200


def test_unknown_draft_and_job_are_404(client, login_as):
    login_as("staff")
    assert client.get("/exports/drafts/999").status_code == 404
    assert client.get("/exports/jobs/999").status_code == 404


def test_page_offers_names_and_contacts_only_to_roles_that_may(client, scenario, login_as):
    login_as("staff")
    page = client.get(f"/exports/drafts/{scenario.draft.id}").get_data(as_text=True)
    assert 'name="with_names"' in page and 'name="with_contacts"' in page
    assert "<script>" not in page and 'style="' not in page


def test_summary_job_runs_in_background_and_downloads(client, db, scenario, login_as):
    login_as("staff")
    job = run_job(client, db, scenario.draft.id, kind="summary", with_text="y")
    assert job.status == "done" and job.progress == job.total == 13
    page = client.get(f"/exports/jobs/{job.id}").get_data(as_text=True)
    assert "js/exports.js" in page and f"/exports/jobs/{job.id}/download" in page
    status = client.get(f"/exports/jobs/{job.id}/status").get_json()
    assert status["status"] == "done" and status["download_url"] == f"/exports/jobs/{job.id}/download"
    response = client.get(status["download_url"])
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    data = response.get_data()
    response.close()
    text = "\n".join(docx_text(data))
    assert "征求意见情况的汇总" in text and "张三" not in text and PHONE not in text
    assert "民宿经营者应当向所在地公安机关登记。" in text
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"export.queue", "export.summary", "export.download"} <= actions


def test_filtered_summary_job(client, db, scenario, login_as):
    login_as("staff")
    job = run_job(client, db, scenario.draft.id, kind="summary", contact_point="QJ-B-02")
    data = download(client, f"/exports/jobs/{job.id}/download")
    bodies = {row["修改意见或建议"].split("\n")[0] for _h, row in comment_tables(data)}
    assert bodies == {scenario.comments["a1"].body, scenario.comments["dup2"].body}


def test_names_and_contacts_when_asked_by_staff(client, db, scenario, login_as):
    login_as("staff")
    job = run_job(client, db, scenario.draft.id, kind="sheet", sheet_format="xlsx", with_names="y",
                  with_contacts="y")
    rows = xlsx_rows(io.BytesIO(download(client, f"/exports/jobs/{job.id}/download")))
    flat = "\n".join(str(v) for r in rows for v in r if v is not None)
    assert "张三" in flat and PHONE in flat


def test_feedback_jobs(client, db, scenario, login_as):
    login_as("staff")
    decide_all(scenario, db)
    job = run_job(client, db, scenario.draft.id, kind="feedback", feedback_target="contact_point",
                  contact_point="QJ-B-02")
    assert job.status == "done" and job.filename.endswith(".docx")
    text = docx_text(download(client, f"/exports/jobs/{job.id}/download"))
    assert "西山镇基层立法联系点：" in text
    job = run_job(client, db, scenario.draft.id, kind="feedback", feedback_target="all_contact_points")
    assert job.status == "done" and job.total == 2 and job.filename.endswith(".zip")


def test_bad_input_shows_a_message_and_creates_no_job(client, db, scenario, login_as):
    login_as("staff")
    for data, message in (({"kind": "summary", "contact_point": "NOPE"}, "没有编码为 NOPE 的联系点"),
                          ({"kind": "feedback", "feedback_target": "receipt_code", "receipt_code": "ZZZ"},
                           "没有回执编号为 ZZZ 的意见"),
                          ({"kind": "feedback", "feedback_target": "contact_point"}, "请选择一个反馈对象"),
                          ({"kind": "summary", "channel": "pigeon"}, 'aria-describedby="channel-error"')):
        response = client.post(f"/exports/drafts/{scenario.draft.id}", data=data)
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
    response = client.post(f"/exports/drafts/{scenario.draft.id}", data={"kind": "summary", "date_from": "nope"})
    assert response.status_code == 422 and 'aria-invalid="true"' in response.get_data(as_text=True)
    assert db.session.scalar(select(ExportJob.id)) is None


def test_forged_personal_data_options_are_refused(client, db, scenario, login_as, monkeypatch):
    login_as("staff")
    monkeypatch.setattr("consult.accounts.permissions.can_export_contacts", lambda user: False)
    import consult.accounts.permissions as permissions

    assert permissions.can_export_contacts(scenario.staff) is False
    response = client.post(f"/exports/drafts/{scenario.draft.id}", data={"kind": "summary", "with_contacts": "y"})
    assert response.status_code == 403
    assert db.session.scalar(select(ExportJob.id)) is None


def test_download_is_checked_again_when_rights_change(client, db, scenario, login_as, monkeypatch):
    login_as("staff")
    job = run_job(client, db, scenario.draft.id, kind="sheet", sheet_format="xlsx", with_contacts="y")
    monkeypatch.setattr("consult.exports.views.can_export_contacts", lambda user: False)
    assert client.get(f"/exports/jobs/{job.id}/download").status_code == 403


def test_csv_is_a_job_too(client, db, scenario, login_as):
    login_as("staff")
    job = run_job(client, db, scenario.draft.id, kind="sheet", sheet_format="csv", channel="letter")
    assert job.status == "done" and job.filename.endswith(".csv")
    data = download(client, f"/exports/jobs/{job.id}/download")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == 3 and "张三" not in data.decode("utf-8-sig")


def test_undecided_feedback_letter_is_refused_beside_the_checkbox(client, db, scenario, login_as):
    login_as("staff")
    response = client.post(f"/exports/drafts/{scenario.draft.id}", data={
        "kind": "feedback", "feedback_target": "contact_point", "contact_point": "QJ-B-02"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "西山镇基层立法联系点还有 1 条意见尚未作出采纳决定" in page
    assert 'aria-describedby="as_draft-error"' in page and "autofocus" in page
    assert db.session.scalar(select(ExportJob.id)) is None
    job = run_job(client, db, scenario.draft.id, kind="feedback", feedback_target="contact_point",
                  contact_point="QJ-B-02", as_draft="y", doc_number="清法工函〔2027〕5号")
    assert job.status == "done" and "征求意见稿" in job.filename
    text = "\n".join(docx_text(download(client, f"/exports/jobs/{job.id}/download")))
    assert "意见反馈函（征求意见稿）" in text and "清法工函〔2027〕5号" in text and "未处理" not in text


def test_download_names_are_rfc5987(client, db, scenario, login_as):
    login_as("staff")
    job = run_job(client, db, scenario.draft.id, kind="summary")
    response = client.get(f"/exports/jobs/{job.id}/download")
    header = response.headers["Content-Disposition"]
    response.close()
    header.encode("latin-1")  # what a real server must be able to send
    assert header.startswith(f'attachment; filename="export-{job.id}.docx"; filename*=UTF-8\'\'')
    from urllib.parse import unquote

    assert unquote(header.split("UTF-8''", 1)[1]) == job.filename


def test_status_and_download_write_nothing_but_the_access_log(client, db, scenario, login_as):
    login_as("staff")
    job = run_job(client, db, scenario.draft.id, kind="summary")
    before = db.session.scalar(select(ExportJob.status).where(ExportJob.id == job.id))
    client.get(f"/exports/jobs/{job.id}/status")
    download(client, f"/exports/jobs/{job.id}/download")
    db.session.rollback()
    assert db.session.scalar(select(ExportJob.status).where(ExportJob.id == job.id)) == before
    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "export.download")) is not None


def test_failed_job_shows_its_reason(client, db, scenario, login_as):
    from consult.exports.services import start_export_job

    login_as("staff")
    job = start_export_job(scenario.draft, "feedback", {"contact_point": "QJ-A-01", "as_draft": True},
                           actor=scenario.staff)
    job.params = {**job.params, "contact_point": "GONE"}
    db.session.commit()
    jobs.run_job(job.id)
    db.session.rollback()
    status = client.get(f"/exports/jobs/{job.id}/status").get_json()
    assert status["status"] == "failed" and "GONE" in status["error"] and status["download_url"] is None
    assert "GONE" in client.get(f"/exports/jobs/{job.id}").get_data(as_text=True)
