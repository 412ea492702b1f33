"""Background export jobs whose worker died are reported as failed instead of spinning forever."""
from datetime import timedelta

from consult.database import utcnow
from consult.exports.jobs import ABANDONED_AFTER, fail_if_abandoned
from consult.exports.models import ExportJob


def _job(db, draft, user, status, age):
    job = ExportJob(kind="summary", draft_id=draft.id, status=status, created_by_id=user.id,
                    created_at=utcnow() - age)
    db.session.add(job)
    db.session.commit()
    return job


def test_old_running_job_without_a_thread_is_failed(db, make_draft, make_user):
    draft, staff = make_draft(), make_user("staff")
    job = _job(db, draft, staff, "running", ABANDONED_AFTER + timedelta(minutes=1))
    assert fail_if_abandoned(job)
    assert job.status == "failed" and "重新导出" in job.error and job.finished_at is not None


def test_recent_or_finished_jobs_are_left_alone(db, make_draft, make_user):
    draft, staff = make_draft(), make_user("staff")
    recent = _job(db, draft, staff, "running", timedelta(minutes=2))
    done = _job(db, draft, staff, "done", timedelta(days=2))
    assert not fail_if_abandoned(recent) and recent.status == "running"
    assert not fail_if_abandoned(done) and done.status == "done"


def test_status_endpoint_reports_the_abandoned_job(client, db, make_draft, make_user, auth):
    draft, staff = make_draft(), make_user("staff")
    job = _job(db, draft, staff, "queued", timedelta(hours=3))
    auth.login(staff)
    data = client.get(f"/exports/jobs/{job.id}/status").get_json()
    assert data["status"] == "failed" and data["download_url"] is None
