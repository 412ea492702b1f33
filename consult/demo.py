"""`consult demo`: create the schema if needed and load the sample data in drafts/."""
from __future__ import annotations

from datetime import timedelta

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import inspect, select

from consult.config import PROJECT_ROOT
from consult.database import utcnow
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


def ensure_schema() -> None:
    """Apply the migrations (a no-op when up to date); leave a schema made by `create_all` (tests) alone."""
    from flask_migrate import upgrade

    tables = set(inspect(db.engine).get_table_names())
    if "drafts" in tables and "alembic_version" not in tables:
        return
    upgrade(directory=str(PROJECT_ROOT / "migrations"), revision="heads")


def load_demo(comments: bool = True) -> dict:
    """Load contact points, users, the sample draft (published, open for 30 days) and sample comments."""
    from consult.accounts.models import User
    from consult.accounts.services import create_user, import_contact_points
    from consult.comments.models import ContactPoint
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
    docx = SAMPLES / "tourism_promotion_draft.docx"
    version = import_draft(docx.read_bytes(), docx.name, version_label="征求意见稿")
    now = utcnow()
    publish_draft(version.draft, now - timedelta(days=10), now + timedelta(days=30))
    summary["draft_id"] = version.draft_id
    summary["articles"] = len(version.articles)
    if comments:
        summary["comments"] = load_sample_comments(version.draft)
    db.session.flush()
    return summary


def load_sample_comments(draft) -> int:
    """Import drafts/sample_comments.csv through the same service as `consult comments import`."""
    try:
        from consult.comments.imports import import_comments_file
    except ImportError:  # comment import not available in this build
        return 0
    path = SAMPLES / "sample_comments.csv"
    result = import_comments_file(path.read_bytes(), path.name, draft=draft, actor=None, demo=True)
    return result["created"]


@click.command("demo")
@click.option("--serve/--no-serve", default=False, help="Start the development server afterwards.")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
@with_appcontext
def demo_command(serve: bool, host: str, port: int):
    """Create the schema if needed and load the sample data (users share the password consult-demo)."""
    ensure_schema()
    summary = load_demo()
    db.session.commit()
    try:
        from consult.search.services import sync_pending

        sync_pending()
    except ImportError:
        pass
    click.echo(f"demo data: {summary}")
    click.echo(f"users: {', '.join(u for u, *_ in DEMO_USERS)} (password: {DEMO_PASSWORD})")
    if serve:
        serve_app(current_app._get_current_object(), host, port)


def serve_app(app, host: str, port: int) -> None:
    """Serve the demo with Werkzeug's threaded server (`app.run` refuses to run inside the Flask CLI)."""
    from werkzeug.serving import run_simple

    click.echo(f"serving on http://{host}:{port}/  (Ctrl+C to stop)")
    run_simple(host, port, app, use_reloader=False, use_debugger=False, threaded=True)
