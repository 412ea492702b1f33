"""Stored export files expire after EXPORT_RETENTION_DAYS and go with a privacy purge; downloads say why."""
from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from consult.database import utcnow
from consult.exports import jobs
from consult.exports.models import ExportJob
from consult.exports.services import start_export_job
from consult.exports.storage import purge_draft_exports

from .conftest import PHONE


@pytest.fixture
def app_config(tmp_path) -> dict:
    """A file database so that the job runner's progress connection sees the committed job."""
    config = {"SEARCH_INDEX_DIR": str(tmp_path / "index"), "EXPORT_DIR": str(tmp_path / "exports"),
              "EXPORT_RETENTION_DAYS": 7}
    if not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"):
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path / 'storage.db'}"
    return config


def finished_job(db, scenario, kind="sheet", **params) -> ExportJob:
    """A job built by the real runner (in this thread); its file exists."""
    params = {"format": "xlsx", "with_contacts": True, **params} if kind == "sheet" else params
    job = start_export_job(scenario.draft, kind, params, actor=scenario.staff)
    db.session.commit()
    jobs.run_job(job.id)
    db.session.rollback()
    job = db.session.get(ExportJob, job.id)
    assert job.status == "done" and Path(job.file_path).is_file()
    return job


def age(db, job, days: float) -> None:
    job.finished_at = utcnow() - timedelta(days=days)
    db.session.commit()


def test_expired_file_is_deleted_by_cleanup_and_its_download_says_so(client, db, scenario, auth, runner):
    old, fresh = finished_job(db, scenario), finished_job(db, scenario)
    age(db, old, 8)
    auth.login(scenario.staff)
    # Past the retention the download already refuses, before any cleanup ran (and writes nothing).
    response = client.get(f"/exports/jobs/{old.id}/download")
    assert response.status_code == 410 and "只保留 7 天" in response.get_data(as_text=True)
    assert client.get(f"/exports/jobs/{old.id}/status").get_json()["status"] == "expired"
    path = Path(old.file_path)
    assert path.is_file()

    result = runner.invoke(args=["export", "cleanup"])
    assert result.exit_code == 0, result.output
    assert "deleted 1 export files older than 7 days" in result.output and f"job {old.id}" in result.output
    db.session.rollback()
    old, fresh = db.session.get(ExportJob, old.id), db.session.get(ExportJob, fresh.id)
    assert not path.exists() and old.status == "expired" and old.file_path == ""
    assert fresh.status == "done" and Path(fresh.file_path).is_file()
    page = client.get(f"/exports/jobs/{old.id}/download")
    assert page.status_code == 410 and "已过期" in page.get_data(as_text=True)
    response = client.get(f"/exports/jobs/{fresh.id}/download")
    assert response.status_code == 200
    response.close()


def test_every_job_run_deletes_expired_files_and_stray_ones(db, scenario, app):
    old = finished_job(db, scenario)
    age(db, old, 30)
    stray = Path(app.config["EXPORT_DIR"]) / "job-999-deadbeef.xlsx.part"
    stray.write_bytes(b"left by a build that died")
    past = (utcnow() - timedelta(days=30)).timestamp()
    os.utime(stray, (past, past))
    finished_job(db, scenario)  # a new job's run cleans up after itself
    assert db.session.get(ExportJob, old.id).status == "expired"
    assert not Path(old.file_path or "/nonexistent").exists() and not stray.exists()


def test_privacy_purge_deletes_every_stored_export_of_the_draft(db, scenario, runner, client, auth,
                                                                make_draft):
    jobs_before = [finished_job(db, scenario), finished_job(db, scenario, kind="summary", with_contacts=True)]
    other_draft = make_draft(title="清江市另一条例（草案）")
    other = start_export_job(other_draft, "sheet", {"format": "xlsx"}, actor=scenario.staff)
    db.session.commit()
    jobs.run_job(other.id)
    scenario.draft.comment_closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    paths = [Path(j.file_path) for j in jobs_before]

    result = runner.invoke(args=["privacy", "purge", "--draft", str(scenario.draft.id)])
    assert result.exit_code == 0, result.output
    assert f"deleted 2 stored exports of draft {scenario.draft.id}" in result.output
    assert all(f"job {j.id}: {j.filename}" in result.output for j in jobs_before)
    assert not any(p.exists() for p in paths)
    db.session.rollback()
    assert {db.session.get(ExportJob, j.id).status for j in jobs_before} == {"purged"}
    assert db.session.get(ExportJob, other.id).status == "done"  # another draft's exports stay
    auth.login(scenario.staff)
    page = client.get(f"/exports/jobs/{jobs_before[0].id}/download")
    assert page.status_code == 410 and "联系方式的清除" in page.get_data(as_text=True)
    assert PHONE not in page.get_data(as_text=True)


def test_a_job_purged_while_it_builds_leaves_no_file(db, scenario, app, monkeypatch):
    from consult.exports import services

    real = services.run_export

    def build_then_purge(draft, *args, **kwargs):
        count = real(draft, *args, **kwargs)
        purge_draft_exports(draft)  # what `consult privacy purge` does meanwhile, elsewhere
        db.session.commit()
        return count

    monkeypatch.setattr(jobs, "run_export", build_then_purge)
    job = start_export_job(scenario.draft, "sheet", {"format": "xlsx", "with_contacts": True},
                           actor=scenario.staff)
    db.session.commit()
    jobs.run_job(job.id)
    db.session.rollback()
    assert db.session.get(ExportJob, job.id).status == "purged"
    assert list(Path(app.config["EXPORT_DIR"]).iterdir()) == []


def test_retention_is_configurable(db, scenario, app):
    app.config["EXPORT_RETENTION_DAYS"] = 30
    job = finished_job(db, scenario)
    age(db, job, 8)
    assert jobs.cleanup() == [] and db.session.get(ExportJob, job.id).status == "done"
    assert db.session.scalar(select(ExportJob.status).where(ExportJob.id == job.id)) == "done"
