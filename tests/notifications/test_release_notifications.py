"""Release notifications arrive at a real SMTP server (aiosmtpd) once, are retried after an outage, carry an
unsubscribe link that works, and facilitators receive their point's feedback letter."""
from __future__ import annotations

import base64
import io
import re
from datetime import timedelta

from docx import Document
from sqlalchemy import func, select

from consult.database import utcnow
from consult.notifications.jobs import run_batch
from consult.notifications.models import MailOptOut, Notification, NotificationBatch
from consult.notifications.services import opted_out, send_due
from consult.report.services import release_report
from tests.smtp_fixture import body_of


def _release(db, draft, staff) -> NotificationBatch:
    release_report(draft, staff)
    db.session.commit()
    return db.session.scalar(select(NotificationBatch).where(NotificationBatch.draft_id == draft.id)
                             .order_by(NotificationBatch.revision.desc()))


def test_one_message_per_commenter_listing_their_decisions(db, decided, staff, smtp):
    draft, comments = decided
    smtp.start()
    batch = _release(db, draft, staff)
    counts = run_batch(batch.id, rounds=1)
    assert counts["sent"] == 2  # wang (two comments, one message) and the facilitator
    mine = smtp.to("wang@example.com")
    assert len(mine) == 1
    message = mine[0]
    assert message["From"] == "fgw@example.gov.cn"
    assert draft.title in message["Subject"]
    body = body_of(message)
    assert comments["w1"].receipt_code in body and comments["w2"].receipt_code in body
    assert "已在第三条增加规定。" in body and "采纳" in body
    assert "13812345678" not in body  # reasons as the public report shows them (scrubbed)
    assert "施行日期应推迟" not in body  # nobody else's comment
    assert message["List-Unsubscribe"].startswith("<http://consult.test/notifications/unsubscribe/")
    assert not smtp.to("13912345678")  # a phone number is no address
    # Run the sender again, and the job again: nothing more goes out.
    assert send_due(utcnow() + timedelta(days=1))["sent"] == 0
    run_batch(batch.id, rounds=1)
    assert len(smtp.messages) == 2
    sent = db.session.scalars(select(Notification).where(Notification.status == "sent")).all()
    assert len(sent) == 2 and all("***" in n.recipient and "wang@" not in n.key for n in sent)


def test_facilitator_receives_the_points_feedback_letter(db, decided, staff, smtp):
    draft, comments = decided
    smtp.start()
    run_batch(_release(db, draft, staff).id, rounds=1)
    (letter_mail,) = smtp.to("facilitator@example.com")
    assert "东湖街道联系点" in letter_mail["Subject"]
    (attachment,) = list(letter_mail.iter_attachments())
    assert attachment.get_filename().endswith(".docx")
    document = Document(io.BytesIO(attachment.get_content()))
    text = "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert "第三条很好。" in text and "建议增加文明拍照" not in text


def test_retried_after_the_server_was_down_and_sent_exactly_once(db, decided, staff, smtp):
    draft, _ = decided
    batch = _release(db, draft, staff)  # the server is not running yet
    counts = run_batch(batch.id, rounds=1)
    assert counts["retry"] == 2 and counts["sent"] == 0
    waiting = db.session.scalars(select(Notification)).all()
    assert {n.status for n in waiting} == {"pending"}
    assert all(n.attempts == 1 and n.last_error and n.next_attempt_at > utcnow() for n in waiting)
    assert send_due()["sent"] == 0  # not due yet: backoff respected, no extra attempt
    assert {n.attempts for n in db.session.scalars(select(Notification))} == {1}
    smtp.start()
    later = utcnow() + timedelta(minutes=2)
    assert send_due(later)["sent"] == 2
    assert len(smtp.to("wang@example.com")) == 1
    assert send_due(later + timedelta(hours=1))["sent"] == 0
    assert len(smtp.messages) == 2


def test_gives_up_after_the_last_attempt_with_the_reason(app, db, decided, staff, smtp):
    app.config["NOTIFY_MAX_ATTEMPTS"] = 2
    draft, _ = decided
    batch = _release(db, draft, staff)
    assert run_batch(batch.id, rounds=1)["retry"] == 2
    assert send_due(utcnow() + timedelta(hours=1))["failed"] == 2
    failed = db.session.scalars(select(Notification)).all()
    assert {n.status for n in failed} == {"failed"}
    assert all("Connection" in n.last_error or "Errno" in n.last_error for n in failed)
    smtp.start()
    assert send_due(utcnow() + timedelta(days=1))["sent"] == 0  # failed is final: nothing sent late


def test_unsubscribe_link_records_the_opt_out_and_is_respected(client, db, decided, staff, smtp):
    draft, comments = decided
    smtp.start()
    run_batch(_release(db, draft, staff).id, rounds=1)
    body = body_of(smtp.to("wang@example.com")[0])
    link = re.search(r"http://consult\.test(/notifications/unsubscribe/\S+)", body)
    page = client.get(link.group(1))
    assert page.status_code == 200 and "确认退订" in page.get_data(as_text=True)
    carried = base64.urlsafe_b64encode(b'"wang@example.com"').decode().rstrip("=")[:12]
    assert "wang" not in link.group(1) and carried not in link.group(1)  # the link does not carry the address
    assert db.session.scalar(select(func.count()).select_from(MailOptOut)) == 0  # opening it changes nothing
    done = client.post(link.group(1))
    assert "已退订" in done.get_data(as_text=True)
    assert opted_out("WANG@example.com") and not opted_out("li@example.com")
    # A second release with a changed decision: wang is not written to again.
    from consult.review.services import decide_comment

    decide_comment(comments["w2"], "partly_adopted", "部分采纳。", actor=staff)
    db.session.commit()
    run_batch(_release(db, draft, staff).id, rounds=1)
    assert len(smtp.to("wang@example.com")) == 1
    skipped = db.session.scalar(select(Notification).where(Notification.status == "skipped"))
    assert skipped is not None and skipped.last_error == "unsubscribed"
    assert skipped.recipient == "w***@example.com"  # the address is not kept once it is not needed


def test_forged_unsubscribe_link_is_refused_and_changes_nothing(client, db):
    response = client.post("/notifications/unsubscribe/not-a-token")
    assert response.status_code == 400 and "退订链接无效" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(MailOptOut)) == 0


def test_staff_status_page_shows_sent_pending_failed_from_the_release_page(client, auth, db, decided, staff):
    draft, _ = decided
    batch = _release(db, draft, staff)
    run_batch(batch.id, rounds=1)  # server down: pending with the reason
    auth.login(staff)
    release_page = client.get(f"/report/drafts/{draft.id}/release").get_data(as_text=True)
    assert f"/notifications/drafts/{draft.id}" in release_page
    page = client.get(f"/notifications/drafts/{draft.id}").get_data(as_text=True)
    assert "第 1 次发布" in page and "待发送" in page and "wang@example.com" not in page  # masked
    assert client.get(f"/notifications/drafts/{draft.id}").status_code == 200
    client.post("/accounts/logout")
    assert client.get(f"/notifications/drafts/{draft.id}").status_code in (302, 401)


def test_verified_citizen_is_told_about_their_own_comments(db, decided, staff, smtp):
    from consult.accounts.models import User

    draft, comments = decided
    citizen = User(username="li@example.com", email="li@example.com", role="citizen", display_name="李",
                   registered_at=utcnow(), email_verified_at=utcnow(), password_hash="x")
    unverified = User(username="zhao@example.com", email="zhao@example.com", role="citizen", display_name="赵",
                      registered_at=utcnow(), password_hash="x")
    db.session.add_all([citizen, unverified])
    db.session.flush()
    comments["li"].owner_id = citizen.id  # li asked for no feedback by contact, but has a verified account
    comments["phone"].owner_id = unverified.id
    db.session.commit()
    smtp.start()
    run_batch(_release(db, draft, staff).id, rounds=1)
    (message,) = smtp.to("li@example.com")
    assert comments["li"].receipt_code in body_of(message)
    assert comments["w1"].receipt_code not in body_of(message)
    assert not smtp.to("zhao@example.com")


def test_cli_send_plans_and_sends_what_is_due(db, decided, staff, smtp, runner):
    draft, _ = decided
    release_report(draft, staff)
    db.session.commit()  # NOTIFY_AUTOSTART is off in tests: nothing planned or sent yet
    smtp.start()
    result = runner.invoke(args=["notifications", "send"])
    assert result.exit_code == 0, result.output
    assert "sent 2" in result.output and len(smtp.messages) == 2
    again = runner.invoke(args=["notifications", "send"])
    assert "sent 0" in again.output and len(smtp.messages) == 2
    status = runner.invoke(args=["notifications", "status"])
    assert f"draft {draft.id} release 1 (planned): pending 0, sending 0, sent 2" in status.output
