"""The release starts the notification job after its commit (a thread, JOB_QUEUE=thread), which sends."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from consult.notifications import jobs
from consult.notifications.models import Notification
from consult.report.services import release_report


@pytest.fixture
def app_config(tmp_path, smtp):
    smtp.start()
    return {"SEARCH_INDEX_DIR": str(tmp_path / "index"), "EXPORT_DIR": str(tmp_path / "exports"),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'notify.db'}",
            "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp.port, "NOTIFY_AUTOSTART": True}


def test_release_commit_starts_the_job_that_sends(app, db, decided, staff, smtp):
    draft, _ = decided
    with app.test_request_context("/"):  # released from the staff page
        release_report(draft, staff)
        db.session.commit()
    assert jobs.wait_all(60)
    db.session.expire_all()
    assert {n.status for n in db.session.scalars(select(Notification))} == {"sent"}
    assert len(smtp.to("wang@example.com")) == 1


def test_a_release_rolled_back_starts_nothing(app, db, decided, staff, smtp):
    draft, _ = decided
    with app.test_request_context("/"):
        release_report(draft, staff)
        db.session.rollback()
        db.session.commit()
    assert jobs.wait_all(60)
    assert not smtp.messages and db.session.scalar(select(Notification.id)) is None


def test_a_release_by_command_leaves_the_sending_to_notifications_send(runner, db, decided, smtp):
    draft, _ = decided
    result = runner.invoke(args=["report", "release", str(draft.id)])
    assert result.exit_code == 0, result.output
    assert jobs.wait_all(60) and not smtp.messages
    sent = runner.invoke(args=["notifications", "send"])
    assert "sent 2" in sent.output and len(smtp.to("wang@example.com")) == 1
