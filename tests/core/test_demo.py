"""`consult demo` builds a working demo from the sample files through the real services."""
from datetime import date, timedelta

from sqlalchemy import func, select

from consult.accounts.models import User
from consult.comments.models import Comment
from consult.contact_points.models import ContactPoint, Meeting
from consult.drafts.models import Draft


def count(db, model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_demo_loads_sample_data_once(runner, db, tmp_path):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert count(db, ContactPoint) == 30
    assert {u.role for u in db.session.scalars(select(User))} == {"admin", "staff", "facilitator", "citizen"}
    draft = db.session.scalar(select(Draft))
    assert draft.is_open() and len(draft.current_version.articles) == 53
    assert count(db, Comment) > 300
    assert count(db, Meeting) > 10
    assert count(db, Comment, Comment.moderation_state == "published") > 0
    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0 and count(db, Draft) == 1


def test_demo_pages_render(runner, client, db):
    assert runner.invoke(args=["demo"]).exit_code == 0
    draft = db.session.scalar(select(Draft))
    html = client.get(f"/drafts/{draft.id}").get_data(as_text=True)
    assert "清江市全域旅游促进条例" in html and "第五十三条" in html
    assert client.get(f"/drafts/{draft.id}/articles/22").status_code == 200


def test_demo_serve_starts_a_real_server(runner, db, monkeypatch):
    served = {}
    monkeypatch.setattr("werkzeug.serving.run_simple",
                        lambda host, port, app, **kw: served.update(host=host, port=port, app=app, kw=kw))
    result = runner.invoke(args=["demo", "--serve", "--port", "5099"])
    assert result.exit_code == 0, result.output
    assert served["port"] == 5099 and served["host"] == "127.0.0.1" and served["kw"]["threaded"]
    assert served["app"].view_functions["drafts.index"]


def test_demo_serve_port_from_the_environment(runner, db, monkeypatch):
    served = {}
    monkeypatch.setattr("werkzeug.serving.run_simple",
                        lambda host, port, app, **kw: served.update(host=host, port=port))
    result = runner.invoke(args=["demo", "--serve"], env={"CONSULT_PORT": "8081", "CONSULT_HOST": "0.0.0.0"})
    assert result.exit_code == 0, result.output
    assert served == {"host": "0.0.0.0", "port": 8081} and "http://0.0.0.0:8081/" in result.output


def test_every_demo_date_lies_in_the_window_and_not_after_today(runner, db):
    import re

    from consult.demo import SAMPLE_DEADLINE, DemoCalendar, cn_date
    from consult.drafts.localtime import utc_to_local

    calendar = DemoCalendar.for_now()
    assert runner.invoke(args=["demo"]).exit_code == 0
    draft = db.session.scalar(select(Draft))
    opens, closes = utc_to_local(draft.comment_opens_at), utc_to_local(draft.comment_closes_at)
    assert opens.date() == calendar.opens and opens.hour == 0
    assert closes.date() == calendar.closes + timedelta(days=1) and closes.hour == 0  # through the last day
    assert draft.is_open()
    comment_days = set(db.session.scalars(select(Comment.submitted_on).where(Comment.submitted_on.is_not(None))))
    meeting_days = set(db.session.scalars(select(Meeting.held_on)))
    assert comment_days and meeting_days
    for day in comment_days | meeting_days:
        assert calendar.opens <= day <= calendar.today, day
    assert max(comment_days) == calendar.today and min(comment_days) >= calendar.opens
    # The notice names the window: dated on its first day, deadline on its last.
    notice = "\n".join(draft.current_version.preamble)
    assert f"在{cn_date(calendar.closes)}前" in notice and cn_date(calendar.opens) in notice
    if calendar.closes != date(2026, 12, 15):
        assert SAMPLE_DEADLINE not in notice
    written = {date(*map(int, m)) for m in re.findall(r"(\d{4})年(\d{1,2})月(\d{1,2})日", notice)}
    assert written == {calendar.opens, calendar.closes}


def test_demo_calendar_moves_the_sample_dates():
    from consult.demo import DemoCalendar, dated_comments

    calendar = DemoCalendar(date(2031, 1, 10))
    assert calendar.opens == date(2030, 12, 12) and calendar.closes == date(2031, 2, 9)
    assert calendar.comment_day(date(2026, 12, 15)) == date(2031, 1, 10)
    assert calendar.comment_day(date(2026, 11, 16)) == calendar.opens
    assert calendar.text_replacements()["2027年3月1日"] == "2031年5月1日"  # effective date after the window
    assert DemoCalendar(date(2031, 10, 1)).text_replacements()["2027年3月1日"] == "2032年1月1日"
    moved = dated_comments("条款,意见,日期\n12,甲,2026-11-16\n13,乙,\n", calendar).decode()
    assert moved == "条款,意见,日期\n12,甲,2030-12-12\n13,乙,\n"
