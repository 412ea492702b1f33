"""Browser-test infrastructure: a live server on the demo data and a real headless Chromium.

The app runs on a file SQLite database in a temporary folder (schema from the migrations, the demo data
of `consult demo`), served by werkzeug (threaded) in its own process with CSRF enabled and rate limits high
enough for the tests; the test process opens the same database to seed data and check results.
Chromium is Debian's `/usr/bin/chromium` driven by Playwright; Playwright never downloads a browser.
Without Chromium the tests fail when `CI` is set and are skipped (with the reason) otherwise.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")

HERE = Path(__file__).resolve().parent
PROJECT_ROOT = HERE.parent.parent
CHROMIUM = Path(os.environ.get("CONSULT_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--lang=en-US"]  # fixed UI language: date inputs read mm/dd/yyyy on any machine
AXE_JS = HERE / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = ("serious", "critical")


def _missing(reason: str):
    """Fail under CI (the browser tests must run there), skip with the reason elsewhere."""
    if os.environ.get("CI"):
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


@dataclass
class LiveServer:
    """The running app: its base URL, the Flask app (for URL building and DB checks) and a screenshot dir."""

    app: object
    base_url: str
    tmp_dir: Path
    log_path: Path

    def log_tail(self, chars: int = 4000) -> str:
        """The end of the server's log (tracebacks of 500 answers land here)."""
        return self.log_path.read_text(errors="replace")[-chars:]

    def url(self, endpoint: str, **values) -> str:
        """Absolute URL of an endpoint; fails clearly when that page has not been written yet."""
        self._require(endpoint)
        adapter = self.app.url_map.bind("127.0.0.1", url_scheme="http")
        return self.base_url + adapter.build(endpoint, values)

    def url_with(self, endpoint: str, known: dict, **query) -> str:
        """URL of an endpoint whose path arguments are filled by name from `known` (plus a query string)."""
        self._require(endpoint)
        rule = next(r for r in self.app.url_map.iter_rules() if r.endpoint == endpoint)
        missing = [name for name in rule.arguments if name not in known]
        if missing:
            pytest.fail(f"{endpoint} ({rule.rule}) needs {missing}, which this test cannot supply",
                        pytrace=False)
        values = {name: known[name] for name in rule.arguments}
        return self.url(endpoint, **values, **query)

    def _require(self, endpoint: str) -> None:
        if endpoint not in self.app.view_functions:
            pytest.fail(f"endpoint {endpoint!r} is not registered: that page does not exist yet",
                        pytrace=False)

    def has(self, endpoint: str) -> bool:
        """Whether the app registers this endpoint."""
        return endpoint in self.app.view_functions


def _config(tmp_dir: Path) -> dict:
    """The live app's configuration: a file SQLite DB, CSRF on, rate limits no test reaches."""
    return {
        "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_dir / "browser.db"),
        "SECRET_KEY": "browser-tests",
        "SEARCH_INDEX_DIR": str(tmp_dir / "index"),
        "EXPORT_DIR": str(tmp_dir / "exports"),
        "SEARCH_INDEXING": "inline",
        "WTF_CSRF_ENABLED": True,
        "RATELIMIT_ENABLED": True,
        "COMMENT_RATE_LIMIT": "10000 per minute",
        "LOGIN_FAILURES_PER_ADDRESS": "10000 per minute",
        "RECEIPT_RATE_LIMIT": "10000 per minute",
        "ISSUING_BODY": "清江市人大常委会法制工作委员会",  # letters are signed by the configured body
        "TESTING": False,
    }


def _build_app(config: dict):
    """The app in this process (URL building, seeding, checks) after migrating and loading the demo data."""
    from flask_migrate import upgrade

    from consult import create_app
    from consult.demo import load_demo
    from consult.extensions import db
    from consult.search.services import sync_pending

    app = create_app(dict(config))
    with app.app_context():
        upgrade(directory=str(PROJECT_ROOT / "migrations"), revision="heads")
        load_demo()
        db.session.commit()
        sync_pending()
        db.session.commit()
        db.session.remove()
    return app


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(server: subprocess.Popen, base_url: str, log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the live server exited ({server.returncode}):\n{log_path.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(base_url + "/drafts/", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"the live server did not answer within 60 s:\n{log_path.read_text()[-3000:]}")


@contextmanager
def serve_app(tmp_dir: Path, config: dict):
    """Serve `config` with werkzeug in a separate process on 127.0.0.1 at a free port; yields a LiveServer."""
    app = _build_app(config)
    port = _free_port()
    log_path = tmp_dir / "server.log"
    env = dict(os.environ, CONSULT_BROWSER_CONFIG=json.dumps(config), PYTHONPATH=str(PROJECT_ROOT))
    with open(log_path, "w") as log:
        server = subprocess.Popen([sys.executable, "-m", "tests.browser.serve", str(port)], cwd=PROJECT_ROOT,
                                  env=env, stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(server, base_url, log_path)
        yield LiveServer(app=app, base_url=base_url, tmp_dir=tmp_dir, log_path=log_path)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
        with app.app_context():
            from consult.extensions import db

            db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The app served by werkzeug in a separate process on 127.0.0.1 at a free port, for the session."""
    tmp_dir = tmp_path_factory.mktemp("live")
    with serve_app(tmp_dir, _config(tmp_dir)) as server:
        yield server


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium under Playwright (never a downloaded browser)."""
    if not CHROMIUM.exists():
        _missing(f"{CHROMIUM} is missing: install Debian's chromium package to run the browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(chromium, live_server, request):
    """A fresh browser context and page (real CSP); screenshot into the tmp dir when the test fails."""
    context = chromium.new_context(base_url=live_server.base_url, locale="zh-CN")
    context.set_default_timeout(15_000)
    pg = context.new_page()
    pg.console_errors = []
    pg.on("console", lambda msg: pg.console_errors.append(msg.text) if msg.type == "error" else None)
    yield pg
    _screenshot_on_failure(pg, live_server, request)
    context.close()


@pytest.fixture
def audit_page(chromium, live_server, request):
    """A page in a context that bypasses the CSP so axe-core can be injected."""
    context = chromium.new_context(base_url=live_server.base_url, locale="zh-CN", bypass_csp=True)
    context.set_default_timeout(15_000)
    pg = context.new_page()
    yield pg
    _screenshot_on_failure(pg, live_server, request)
    context.close()


def _screenshot_on_failure(pg, live_server, request) -> None:
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        target = live_server.tmp_dir / f"{request.node.name}.png"
        try:
            pg.screenshot(path=str(target), full_page=True)
            print(f"\nscreenshot of the final state: {target}")
            print(f"server log (end):\n{live_server.log_tail(2500)}")
        except Exception as exc:  # noqa: BLE001 - a failed screenshot must not hide the real failure
            print(f"\nscreenshot failed: {exc}")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Remember each phase's report on the item so fixtures can screenshot failures."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def _ensure_axe() -> Path:
    if not AXE_JS.exists() and shutil.which("npm"):
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=HERE, check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
    if not AXE_JS.exists():
        _missing(f"{AXE_JS} is missing: run `npm ci` in tests/browser (axe-core from the npm registry)")
    return AXE_JS


@pytest.fixture(scope="session")
def axe_path() -> Path:
    """Path of axe.min.js (runs `npm ci` in tests/browser once if node_modules is missing)."""
    return _ensure_axe()


def format_violations(violations: list[dict]) -> str:
    """One line per violation and offending target: rule id, impact, selector, help text."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} [{violation['impact']}]: {violation['help']}")
        for node in violation["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            lines.append(f"    {target}    {node.get('failureSummary', '').splitlines()[-1:]}")
    return "\n".join(lines)


@pytest.fixture
def axe_audit(axe_path):
    """Run axe-core on the page; fail on serious or critical violations, listing rule, impact, targets."""

    def run(pg, label: str) -> list[dict]:
        pg.add_script_tag(path=str(axe_path))
        result = pg.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        blocking = [v for v in result["violations"] if v.get("impact") in BLOCKING_IMPACTS]
        if blocking:
            pytest.fail(f"accessibility violations on {label} ({pg.url}):\n{format_violations(blocking)}",
                        pytrace=False)
        return result["violations"]

    return run


def demo_user(app, username: str):
    """The demo user with this username (inside an app context)."""
    from sqlalchemy import select

    from consult.accounts.models import User
    from consult.extensions import db

    return db.session.scalar(select(User).where(User.username == username))


@pytest.fixture
def seed(live_server):
    """Create data in the live database through the services (each call commits)."""
    return Seed(live_server.app)


class Seed:
    """Factories on the live database that go through the same services as the pages."""

    def __init__(self, app):
        self.app = app

    def _run(self, fn):
        from consult.extensions import db

        with self.app.app_context():
            try:
                result = fn(db)
                db.session.commit()
                return result
            finally:
                db.session.remove()

    def online_comment(self, anchor: str = "12", body: str = "建议把这一条写得更具体一些。", **fields) -> dict:
        """A pending online comment; returns its id and receipt code."""
        from consult.comments.services import submit_online_comment
        from consult.drafts.models import Draft

        def make(db):
            draft = db.session.get(Draft, self._draft_id(db))
            comment = submit_online_comment(draft, anchor=anchor, body=body, **fields)
            db.session.flush()
            return {"id": comment.id, "receipt_code": comment.receipt_code}

        return self._run(make)

    def meeting(self, username: str = "facilitator", place: str = "社区议事厅") -> dict:
        """A meeting at the user's first contact point; returns its id and the point's id."""
        from datetime import date

        from consult.drafts.models import Draft
        from consult.contact_points.services import create_meeting

        def make(db):
            user = demo_user(self.app, username)
            point = sorted(user.contact_points, key=lambda cp: cp.code)[0]
            draft = db.session.get(Draft, self._draft_id(db))
            meeting = create_meeting(draft, point, held_on=date.today(), kind="symposium", place=place,
                                     attendance=12, actor=user)
            db.session.flush()
            return {"id": meeting.id, "contact_point_id": point.id, "draft_id": draft.id}

        return self._run(make)

    def entered_comment(self, username: str = "facilitator", meeting_id: int | None = None) -> dict:
        """A comment entered by the facilitator at their first contact point; returns its id."""
        from consult.contact_points.models import Meeting
        from consult.comments.services import enter_comment
        from consult.drafts.models import Draft

        def make(db):
            user = demo_user(self.app, username)
            point = sorted(user.contact_points, key=lambda cp: cp.code)[0]
            draft = db.session.get(Draft, self._draft_id(db))
            meeting = db.session.get(Meeting, meeting_id) if meeting_id else None
            comment = enter_comment(draft, contact_point=meeting.contact_point if meeting else point,
                                    anchor="12", body="居民建议增加停车位。", meeting=meeting, actor=user)
            db.session.flush()
            return {"id": comment.id}

        return self._run(make)

    def draft_id(self) -> int:
        """The demo draft's id."""
        return self._run(self._draft_id)

    @staticmethod
    def _draft_id(db) -> int:
        from sqlalchemy import select

        from consult.drafts.models import Draft

        return db.session.scalar(select(Draft.id).order_by(Draft.id))
