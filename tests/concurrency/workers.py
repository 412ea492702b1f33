"""Worker processes for the concurrency tests (a plain module so that `spawn` children can import it).

Each worker builds its own app on the shared database, waits at a barrier so that every worker starts
at once, submits its comments one commit at a time and reports what it sent (receipt codes or counts).
"""
from __future__ import annotations

import re
import traceback

RECEIPT_RE = re.compile(r"[A-Z0-9]{4}-[A-Z0-9]{4}")


def make_app(db_url: str, tmp_dir: str, **overrides):
    """An app on the shared database (CSRF and rate limiting off: this measures storage, not abuse checks)."""
    from consult import create_app

    config = {
        "SQLALCHEMY_DATABASE_URI": db_url,
        "TESTING": True,
        "SECRET_KEY": "concurrency",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SEARCH_INDEX_DIR": f"{tmp_dir}/index",
        "EXPORT_DIR": f"{tmp_dir}/exports",
        "SEARCH_INDEXING": "external",
    }
    config.update(overrides)
    return create_app(config)


def service_worker(db_url: str, tmp_dir: str, draft_id: int, worker: int, count: int, barrier,
                   results) -> None:
    """Submit `count` online comments through the service layer, one commit per comment."""
    try:
        from consult.comments.services import submit_online_comment
        from consult.drafts.models import Draft
        from consult.extensions import db

        app = make_app(db_url, tmp_dir)
        codes = []
        with app.app_context():
            draft = db.session.get(Draft, draft_id)
            anchors = ("1", "3.1", "3.1.2", "总体", "新增")
            barrier.wait(timeout=60)
            for i in range(count):
                comment = submit_online_comment(
                    draft, anchor=anchors[i % len(anchors)], body=f"进程{worker}的第{i}条意见：建议细化。",
                    commenter_name=f"居民{worker}")
                db.session.commit()
                codes.append(comment.receipt_code)
            db.session.remove()
            db.engine.dispose()
        results.put(("ok", worker, codes))
    except Exception:  # noqa: BLE001 - report the failure to the parent instead of dying silently
        results.put(("error", worker, traceback.format_exc()))


def web_worker(db_url: str, tmp_dir: str, draft_id: int, worker: int, count: int, barrier, results,
               form: dict) -> None:
    """POST `count` comments to the real comment form with a test client; collect the receipt codes shown."""
    try:
        from flask import url_for

        from consult.extensions import db

        app = make_app(db_url, tmp_dir)
        client = app.test_client()
        with app.test_request_context():
            url = url_for("comments.new", draft_id=draft_id, anchor="3")
        codes, failures = [], []
        barrier.wait(timeout=60)
        for i in range(count):
            data = dict(form, body=f"网页进程{worker}的第{i}条意见：希望增加停车位。")
            response = client.post(url, data=data, follow_redirects=True)
            found = RECEIPT_RE.findall(response.get_data(as_text=True))
            if response.status_code != 200 or not found:
                failures.append((i, response.status_code, response.get_data(as_text=True)[:500]))
            else:
                codes.append(found[0])
        with app.app_context():
            db.engine.dispose()
        results.put(("ok", worker, {"codes": codes, "failures": failures}))
    except Exception:  # noqa: BLE001 - report the failure to the parent instead of dying silently
        results.put(("error", worker, traceback.format_exc()))
