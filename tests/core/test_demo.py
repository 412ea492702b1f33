"""`consult demo` builds a working demo from the sample files through the real services."""
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
