"""`consult demo`: create the schema if needed and load the sample data in drafts/.

The sample files carry fixed dates (comments from 2026-11-16 to 2026-12-15, a notice dated 2026-11-15 with
the deadline 2026-12-15). The demo moves all of them relative to the day it is created: the comment window
opened 29 days ago and closes in 30 days, every comment and meeting falls between its opening and today,
and the notice in the draft text names the window's own dates.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import inspect, select

from consult.config import PROJECT_ROOT
from consult.database import utcnow
from consult.drafts.localtime import local_to_utc, utc_to_local
from consult.extensions import db

SAMPLES = PROJECT_ROOT / "drafts"
DEMO_PASSWORD = "consult-demo"
DEMO_USERS = (
    ("admin", "admin", "系统管理员", ()),
    ("staff", "staff", "法工委 李明", ()),
    ("staff2", "staff", "法工委 王芳", ()),
    ("facilitator", "facilitator", "联络员 赵强", 2),
    ("facilitator2", "facilitator", "联络员 陈静", 1),
    ("citizen", "citizen", "市民 刘洋", ()),
)


# The dates written in drafts/ (see drafts/README.md) and what each stands for.
SAMPLE_LAST_COMMENT = date(2026, 12, 15)
SAMPLE_NOTICE, SAMPLE_READING, SAMPLE_DEADLINE = "2026年11月15日", "2026年10月28日", "2026年12月15日"
SAMPLE_EFFECTIVE = "2027年3月1日"
OPEN_DAYS_AGO, CLOSES_IN_DAYS = 29, 30


def cn_date(day: date) -> str:
    """2026年12月1日, as the notice writes dates."""
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass(frozen=True)
class DemoCalendar:
    """The demo's comment window, in local dates, computed from the day the demo is created."""

    today: date

    @classmethod
    def for_now(cls) -> "DemoCalendar":
        """The calendar of a demo created now (today in local time)."""
        return cls(utc_to_local(utcnow()).date())

    @property
    def opens(self) -> date:
        """First day of comments (also the notice's date and the first reading)."""
        return self.today - timedelta(days=OPEN_DAYS_AGO)

    @property
    def closes(self) -> date:
        """Last day of comments: the notice's deadline (the window ends at the end of that day)."""
        return self.today + timedelta(days=CLOSES_IN_DAYS)

    def window_utc(self) -> tuple[datetime, datetime]:
        """[opens 00:00, the day after closes 00:00) in local time, as naive UTC for publish_draft."""
        return (local_to_utc(datetime.combine(self.opens, time())),
                local_to_utc(datetime.combine(self.closes + timedelta(days=1), time())))

    def comment_day(self, sample: date) -> date:
        """A sample comment's date moved so that the last one is today (the first lands on `opens`)."""
        return sample + (self.today - SAMPLE_LAST_COMMENT)

    def text_replacements(self) -> dict[str, str]:
        """Sample text → demo text for every date the draft document writes."""
        effective = date(self.closes.year + (self.closes.month + 2) // 12, (self.closes.month + 2) % 12 + 1, 1)
        return {SAMPLE_DEADLINE: cn_date(self.closes), SAMPLE_NOTICE: cn_date(self.opens),
                SAMPLE_READING: cn_date(self.opens), SAMPLE_EFFECTIVE: cn_date(effective)}


def dated_docx(data: bytes, replacements: dict[str, str]) -> bytes:
    """The sample .docx with each date replaced inside its run; fails loudly if the sample changed."""
    import docx

    document = docx.Document(io.BytesIO(data))
    found = dict.fromkeys(replacements, 0)
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            for old, new in replacements.items():
                if old in run.text:
                    run.text = run.text.replace(old, new)
                    found[old] += 1
    missing = [old for old, n in found.items() if not n]
    if missing:
        raise RuntimeError(f"sample draft no longer contains {missing}; update consult/demo.py")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def dated_comments(text: str, calendar: DemoCalendar) -> bytes:
    """The sample comments CSV with every 日期 moved into the demo's window."""
    rows = list(csv.reader(io.StringIO(text)))
    column = rows[0].index("日期")
    for row in rows[1:]:
        if row[column]:
            row[column] = calendar.comment_day(date.fromisoformat(row[column])).isoformat()
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def ensure_schema() -> None:
    """Apply the migrations (a no-op when up to date); leave a schema made by `create_all` (tests) alone."""
    from flask_migrate import upgrade

    tables = set(inspect(db.engine).get_table_names())
    if "drafts" in tables and "alembic_version" not in tables:
        return
    upgrade(directory=str(PROJECT_ROOT / "migrations"), revision="heads")


def load_demo(comments: bool = True, calendar: DemoCalendar | None = None) -> dict:
    """Load contact points, users, the sample draft (published; window and dates from `calendar`) and comments."""
    from consult.accounts.models import User
    from consult.accounts.services import create_user
    from consult.contact_points.imports import import_contact_points
    from consult.contact_points.models import ContactPoint
    from consult.drafts.models import Draft
    from consult.drafts.services import import_draft, publish_draft

    summary: dict = {}
    if db.session.scalar(select(Draft.id).limit(1)) is not None:
        return {"skipped": "database already has drafts"}
    summary["contact_points"] = import_contact_points((SAMPLES / "contact_points.csv").read_text("utf-8"))
    points = list(db.session.scalars(select(ContactPoint).order_by(ContactPoint.code)))
    offset = 0
    for username, role, name, n_points in DEMO_USERS:
        if db.session.scalar(select(User.id).where(User.username == username)):
            continue
        bound = points[offset:offset + n_points] if n_points else []
        offset += n_points or 0
        create_user(username, DEMO_PASSWORD, role, display_name=name, contact_points=bound)
    calendar = calendar or DemoCalendar.for_now()
    sample = SAMPLES / "tourism_promotion_draft.docx"
    version = import_draft(dated_docx(sample.read_bytes(), calendar.text_replacements()), sample.name,
                           version_label="征求意见稿")
    publish_draft(version.draft, *calendar.window_utc())
    summary["draft_id"] = version.draft_id
    summary["articles"] = len(version.articles)
    summary["window"] = f"{calendar.opens} – {calendar.closes}"
    if comments:
        summary["comments"] = load_sample_comments(version.draft, calendar)
        summary["qr_comments"] = load_poster_comments(version.draft)
        summary["themes"] = load_themes(version.draft)
        summary["citizen_comments"] = load_citizen_comments(version.draft)
    summary["api_token"] = load_api_token()
    db.session.flush()
    return summary


def load_citizen_comments(draft) -> int:
    """The demo citizen's account: a verified e-mail and two published online comments in 我的意见."""
    from consult.accounts.models import User
    from consult.comments.models import Comment
    from consult.database import utcnow

    citizen = db.session.scalar(select(User).where(User.username == "citizen"))
    if citizen is None:
        return 0
    citizen.email, citizen.email_verified_at = "citizen@example.com", utcnow()
    mine = list(db.session.scalars(select(Comment).where(
        Comment.draft_id == draft.id, Comment.channel == "online", Comment.moderation_state == "published",
        Comment.owner_id.is_(None)).order_by(Comment.id).limit(2)))
    for comment in mine:
        comment.owner_id = citizen.id
    db.session.flush()
    return len(mine)


def load_sample_comments(draft, calendar: DemoCalendar) -> int:
    """Import drafts/sample_comments.csv, dates moved into the window, as `consult comments import` would."""
    from consult.comments.imports import import_comments_file

    path = SAMPLES / "sample_comments.csv"
    data = dated_comments(path.read_text("utf-8"), calendar)
    result = import_comments_file(data, path.name, draft=draft, actor=None, demo=True)
    return result["created"]


# Residents' comments through the first demo facilitator's poster (扫码提意见): anchor, body, name.
POSTER_COMMENTS = (
    ("general", "扫码提意见很方便，建议在公交站和景区入口也张贴二维码海报。", ""),
    ("12", "旅游资源普查的结果建议在社区公示栏公布，方便居民了解。", "王建国"),
    ("new_article", "建议新增一条：景区应当为老年人保留人工售票窗口。", ""),
)


def load_poster_comments(draft) -> int:
    """A few comments sent by scanning a contact point's poster (channel qr); the first one published."""
    from consult.accounts.models import User
    from consult.outreach.services import link_for, submit_poster_comment
    from consult.review.services import publish_comment

    facilitator = db.session.scalar(select(User).where(User.username == "facilitator"))
    if facilitator is None or not facilitator.contact_points:
        return 0
    point = facilitator.contact_points[0]
    link_for(draft, contact_point=point)
    comments = [submit_poster_comment(draft, point, anchor=anchor, body=body, commenter_name=name)
                for anchor, body, name in POSTER_COMMENTS]
    publish_comment(comments[0], actor=None)
    return len(comments)


def load_themes(draft) -> int:
    """The draft's key terms and clusters (意见主题), as 分析意见主题 on the workbench computes them."""
    from consult.themes.services import compute_run, start_run

    db.session.flush()
    run = compute_run(start_run(draft, actor=None))
    return run.total


def load_api_token() -> str:
    """An API token for trying /api/v1/ (every scope); its secret is printed with the demo summary."""
    from consult.api.scopes import SCOPES
    from consult.api.services import create_token

    _token, secret = create_token("演示：对接系统", list(SCOPES), actor=None)
    return secret


@click.command("demo")
@click.option("--serve/--no-serve", default=False, help="Start the development server afterwards.")
@click.option("--host", default="127.0.0.1", show_default=True, envvar="CONSULT_HOST", show_envvar=True,
              help="Address to serve on.")
@click.option("--port", default=5000, type=int, show_default=True, envvar="CONSULT_PORT", show_envvar=True,
              help="Port to serve on.")
@with_appcontext
def demo_command(serve: bool, host: str, port: int):
    """Create the schema if needed and load the sample data (users share the password consult-demo)."""
    ensure_schema()
    summary = load_demo()
    db.session.commit()
    from consult.search.services import sync_pending  # the search stack loads only for the demo itself

    sync_pending()
    click.echo(f"demo data: {summary}")
    click.echo(f"users: {', '.join(u for u, *_ in DEMO_USERS)} (password: {DEMO_PASSWORD})")
    if serve:
        current_app.config["DEMO"] = True  # serves without SECRET_KEY on a per-process key (consult.security)
        serve_app(current_app._get_current_object(), host, port)


def serve_app(app, host: str, port: int) -> None:
    """Serve the demo with Werkzeug's threaded server (`app.run` refuses to run inside the Flask CLI)."""
    from werkzeug.serving import run_simple

    click.echo(f"serving on http://{host}:{port}/  (Ctrl+C to stop)")
    run_simple(host, port, app, use_reloader=False, use_debugger=False, threaded=True)
