"""Two app servers and a job worker on one PostgreSQL (+ Redis) behave as one site.

Server A and server B are separate gunicorn processes with separate instance folders (their own EXPORT_DIR
and SEARCH_INDEX_DIR, never written); one `consult worker` process builds the exports. Configuration:
SEARCH_BACKEND=postgres, JOB_QUEUE=rq, EXPORT_STORAGE=database, RATELIMIT_STORAGE_URI=redis — the
deployment of docs/DEPLOYMENT.md. Runs when TEST_DATABASE_URL is PostgreSQL and Redis answers (CI's
PostgreSQL run); skipped with that reason otherwise.
"""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from consult.database import utcnow
from tests.conftest import postgres_url

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/14"


def _redis_ok() -> bool:
    try:
        from redis import Redis

        return bool(Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except Exception:  # noqa: BLE001
        return False


pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not postgres_url(), reason="several servers need PostgreSQL (TEST_DATABASE_URL); CI runs it"),
    pytest.mark.skipif(not _redis_ok(), reason=f"the job queue and shared rate limits need Redis at {REDIS_URL}"),
]


class _Forms(HTMLParser):
    """The POST forms of a page: their action and the values a browser would send unchanged."""

    def __init__(self):
        super().__init__()
        self.forms, self._select = [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action") or "", "method": (a.get("method") or "get").lower(),
                               "fields": {}})
        elif not self.forms:
            return
        elif tag == "input" and a.get("name"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.forms[-1]["fields"][a["name"]] = a.get("value") or ""
        elif tag == "textarea" and a.get("name"):
            self.forms[-1]["fields"][a["name"]] = ""
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and ("selected" in a or self._select not in self.forms[-1]["fields"]):
            self.forms[-1]["fields"][self._select] = a.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def post_form(session, base: str, page: str, match: str, **values):
    """GET `page`, take its POST form whose fields include `match`, POST it with `values` changed."""
    html = session.get(base + page).text
    parser = _Forms()
    parser.feed(html)
    form = next(f for f in parser.forms if f["method"] == "post" and match in f["fields"])
    action = form["action"] or page
    return session.post(base + action if action.startswith("/") else base + page, data={**form["fields"], **values},
                        allow_redirects=False)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_http(url: str, process, timeout: float = 60):
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{url}: the server exited with {process.returncode}")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer")


@pytest.fixture
def site(app, db, tmp_path, make_draft, make_user):
    """Two gunicorn servers (A, B) and one worker on the test database; a draft with 20,000 comments."""
    from redis import Redis

    from consult.comments.models import Comment

    Redis.from_url(REDIS_URL).flushdb()
    app.config.update(SEARCH_BACKEND="postgres")  # this process indexes what the fixture writes, as the servers do
    draft = make_draft()
    staff = make_user("staff", username="staffms", password="multi-server-1")
    version = draft.current_version
    now = utcnow()
    rows = [dict(draft_id=draft.id, version_id=version.id, anchor_kind="article",
                 article_id=version.articles[i % len(version.articles)].id, body=f"第{i}条意见：建议增加停车位和公共厕所。",
                 reason="", proposed_text="", channel="meeting", moderation_state="internal",
                 receipt_code=f"MS{i:08d}", created_at=now, updated_at=now) for i in range(20_000)]
    for start in range(0, len(rows), 5000):
        db.session.execute(insert(Comment), rows[start:start + 5000])
    db.session.commit()
    common = dict(os.environ, DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"], SECRET_KEY="multi-server",
                  CONSULT_CONFIG="development", SEARCH_BACKEND="postgres", SEARCH_INDEXING="inline",
                  JOB_QUEUE="rq", JOB_QUEUE_URL=REDIS_URL, JOB_STALL_SECONDS="5", EXPORT_STORAGE="database",
                  RATELIMIT_STORAGE_URI=REDIS_URL, COMMENT_RATE_LIMIT="4 per minute",
                  PYTHONPATH=str(ROOT), PYTHONWARNINGS="ignore")
    common.pop("FLASK_DEBUG", None)
    processes = {}

    def server(name):
        folder = tmp_path / name
        folder.mkdir()
        env = dict(common, EXPORT_DIR=str(folder / "exports"), SEARCH_INDEX_DIR=str(folder / "index"))
        port = _free_port()
        process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}",
                                    "--log-level", "warning", "consult:create_app()"], cwd=folder, env=env)
        processes[name] = process
        _wait_http(f"http://127.0.0.1:{port}/drafts/", process)
        return f"http://127.0.0.1:{port}"

    def worker():
        folder = tmp_path / f"worker{len(processes)}"
        folder.mkdir()
        env = dict(common, EXPORT_DIR=str(folder / "exports"), SEARCH_INDEX_DIR=str(folder / "index"))
        process = subprocess.Popen([str(Path(sys.executable).parent / "consult"), "worker"], cwd=folder, env=env)
        processes[f"worker{len(processes)}"] = process
        return process

    # The index of the bulk-inserted comments (a rebuild, as after a migration).
    from consult.search.services import rebuild

    rebuild()
    try:
        yield {"a": server("a"), "b": server("b"), "worker": worker, "draft": draft, "staff": staff,
               "processes": processes, "folders": [tmp_path / "a", tmp_path / "b"]}
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.terminate()
        for process in processes.values():
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()


def _signed_in(base: str):
    import requests

    session = requests.Session()
    response = post_form(session, base, "/accounts/login", "username", username="staffms",
                         password="multi-server-1")
    assert response.status_code in (302, 303), response.text[:300]
    return session


def test_two_servers_and_a_worker_behave_as_one_site(app, db, site):
    import requests

    from consult.exports.models import ExportJob

    a, b, draft = site["a"], site["b"], site["draft"]
    # A comment posted to server A is found by staff search on server B within 2 s.
    citizen = requests.Session()
    page = f"/comments/new/{draft.id}?anchor=3"
    sent = post_form(citizen, a, page, "body", body="多服务器测试：建议在景区设置母婴室。")
    assert sent.status_code in (302, 303) and "/comments/new" not in sent.headers["Location"]
    staff_b = _signed_in(b)
    deadline, found = time.monotonic() + 2.0, False
    while time.monotonic() < deadline and not found:
        found = "多服务器测试" in staff_b.get(f"{b}/search/comments", params={"draft_id": draft.id, "q": "母婴室"}).text
        time.sleep(0.1)
    assert found, "server B's staff search did not find server A's comment within 2 s"

    # An export requested on A is built by the worker, polled and downloaded on B.
    # One sign-in (on B) serves both servers: the session is a signed cookie, and signing in again would
    # end the other session (session rotation).
    worker = site["worker"]()
    requested = post_form(staff_b, a, f"/exports/drafts/{draft.id}", "kind", kind="summary")
    assert requested.status_code in (302, 303), requested.text[:300]
    job_id = int(re.search(r"/exports/jobs/(\d+)", requested.headers["Location"]).group(1))

    # Kill the worker mid-export: the job is retried by the next worker, never left "running".
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        state = staff_b.get(f"{b}/exports/jobs/{job_id}/status").json()
        if state["status"] == "running":
            break
        time.sleep(0.05)
    assert state["status"] == "running", state
    worker.send_signal(signal.SIGKILL)
    worker.wait(10)
    time.sleep(0.5)
    assert staff_b.get(f"{b}/exports/jobs/{job_id}/status").json()["status"] == "running"  # nobody built it
    site["worker"]()  # a new worker finds the stalled job (no heartbeat for 5 s), queues it again, builds it
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        state = staff_b.get(f"{b}/exports/jobs/{job_id}/status").json()
        if state["status"] in ("done", "failed"):
            break
        time.sleep(0.5)
    assert state["status"] == "done", state
    download = staff_b.get(b + state["download_url"])
    assert download.status_code == 200 and download.content[:2] == b"PK"  # a .docx (zip)
    db.session.expire_all()
    job = db.session.get(ExportJob, job_id)
    assert job.attempts == 2 and job.file_path == f"db:{job_id}"
    for folder in site["folders"]:  # no server kept anything on its own disk
        assert not any(p.is_file() for p in folder.rglob("*")), list(folder.rglob("*"))

    # Rate limits hold across both servers: 4 per minute in all, wherever they land.
    answers = []
    for i, base in enumerate([a, b, a, b, a, b]):
        response = post_form(requests.Session(), base, page, "body", body=f"限流测试第{i}条")
        answers.append(response.status_code)
    # The first comment above already used one of the 4: three more pass, then every server refuses.
    assert answers[:3] == [303, 303, 303] or answers[:3] == [302, 302, 302], answers
    assert all(code == 429 for code in answers[3:]), answers
