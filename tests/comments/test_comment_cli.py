"""`consult comments import` and `consult privacy purge`."""
from __future__ import annotations

import csv
import io
import json

from sqlalchemy import select

from consult.audit.models import AuditEvent
from consult.comments.models import Comment
from consult.comments.services import submit_online_comment

HEADER = ["条款", "意见", "联系点", "渠道", "日期"]


def write_csv(path, rows, header=HEADER):
    """Write a CSV file and return its path as a string."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return str(path)


def test_import_success(runner, db, draft, point, tmp_path, count):
    path = write_csv(tmp_path / "ok.csv", [["3", "意见一", "QJ-T-01", "meeting", "2026-11-18"],
                                           ["总体", "意见二", "", "letter", ""]])
    result = runner.invoke(args=["comments", "import", path, "--draft", str(draft.id)])
    assert result.exit_code == 0, result.output
    assert "imported 2 comments" in result.output
    assert count(Comment) == 2


def test_import_json_and_default_contact_point(runner, db, draft, point, tmp_path):
    path = write_csv(tmp_path / "ok.csv", [["3", "意见一", "", "", ""]])
    result = runner.invoke(args=["comments", "import", path, "--draft", str(draft.id), "--contact-point",
                                 "QJ-T-01", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["created"] == 1 and isinstance(payload["import_id"], int)
    assert db.session.scalar(select(Comment.contact_point_id)) == point.id


def test_import_with_meeting(runner, db, draft, meeting, tmp_path):
    path = write_csv(tmp_path / "m.csv", [["3", "会上意见", "", "", ""]])
    result = runner.invoke(args=["comments", "import", path, "--draft", str(draft.id), "--meeting",
                                 str(meeting.id)])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(Comment.meeting_id)) == meeting.id


def test_import_errors_print_every_row_and_write_nothing(runner, db, draft, point, tmp_path, count):
    path = write_csv(tmp_path / "bad.csv", [["3", "好的", "", "", ""],
                                            ["3", "好的", "", "", ""],
                                            ["3", "好的", "", "", ""],
                                            ["99", "坏的", "", "", ""],
                                            ["3", "", "", "pigeon", ""]])
    result = runner.invoke(args=["comments", "import", path, "--draft", str(draft.id)])
    assert result.exit_code != 0
    assert "row 5, 条款: 草案中没有第九十九条" in result.stderr
    assert "row 6, 意见: 意见不能为空" in result.stderr and "row 6, 渠道" in result.stderr
    assert count(Comment) == 0


def test_import_errors_as_json(runner, db, draft, tmp_path, count):
    path = write_csv(tmp_path / "bad.csv", [["99", "坏的", "", "", ""]])
    result = runner.invoke(args=["comments", "import", path, "--draft", str(draft.id), "--json"])
    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    assert payload == {"errors": [{"row": 2, "column": "条款", "message": "草案中没有第九十九条。"}]}
    assert count(Comment) == 0


def test_import_bad_arguments(runner, db, draft, tmp_path):
    path = write_csv(tmp_path / "ok.csv", [["3", "意见", "", "", ""]])
    assert "no draft with id 999" in runner.invoke(args=["comments", "import", path, "--draft", "999"]).output
    result = runner.invoke(args=["comments", "import", path, "--draft", str(draft.id),
                                 "--contact-point", "NOPE"])
    assert result.exit_code != 0 and "no contact point with code NOPE" in result.output
    missing = str(tmp_path / "missing.csv")
    result = runner.invoke(args=["comments", "import", missing, "--draft", str(draft.id)])
    assert result.exit_code != 0 and "file not found" in result.output
    bad = tmp_path / "x.xls"
    bad.write_bytes(b"whatever")
    result = runner.invoke(args=["comments", "import", str(bad), "--draft", str(draft.id)])
    assert result.exit_code == 1 and "不支持的文件类型" in result.output


def test_purge_refused_while_open_then_done_when_closed(runner, db, draft, close_window, count):
    comment = submit_online_comment(draft, anchor="3", body="意见", commenter_name="孙八",
                                    contact="sun@example.org", wants_feedback=True,
                                    consent_personal_info=True)
    db.session.commit()
    result = runner.invoke(args=["privacy", "purge", "--draft", str(draft.id)])
    assert result.exit_code != 0 and "尚未截止" in result.output
    assert db.session.scalar(select(Comment.commenter_contact)) == "sun@example.org"
    close_window(draft)
    result = runner.invoke(args=["privacy", "purge", "--draft", str(draft.id)])
    assert result.exit_code == 0, result.output
    assert "purged the contact details of 1 comments" in result.output
    db.session.expire_all()
    comment = db.session.get(Comment, comment.id)
    assert comment.commenter_contact == "" and comment.contact_purged_at is not None and comment.body == "意见"
    assert count(AuditEvent, AuditEvent.action == "privacy.purge_contacts") == 1
    assert "no draft with id 404" in runner.invoke(args=["privacy", "purge", "--draft", "404"]).output
