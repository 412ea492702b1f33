"""A user's journey through the live app in Chromium: from `/`, by links and forms only.

`Journey` wraps a page: `start()` opens `/` (the only address ever typed; the login page is reached by its
link), `follow(name)` clicks a link by its accessible name and waits for the next page, `shot(step)` saves
a screenshot under the live server's tmp dir, and every document answered with a 5xx fails the journey.
`download(link)` clicks a link that serves a file and returns the bytes Chromium received over HTTP.
"""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.browser.support import DEMO_PASSWORD

WAIT_MS = 15_000  # any single page or element
EXPORT_WAIT_MS = 90_000  # a background export job (the machine is shared)


class Journey:
    """One user moving through the site; remembers every server error and numbers its screenshots."""

    def __init__(self, page, live_server, name: str):
        self.page = page
        self.server = live_server
        self.name = name
        self.shots_dir = Path(live_server.tmp_dir) / "journeys" / name
        self.shots_dir.mkdir(parents=True, exist_ok=True)
        self.shots: list[Path] = []
        self.server_errors: list[str] = []
        page.on("response", self._watch)

    def _watch(self, response) -> None:
        if response.status >= 500 and response.request.resource_type in ("document", "fetch", "xhr"):
            self.server_errors.append(f"{response.status} {response.request.method} {response.url}")

    # -- moving ---------------------------------------------------------------------------------------
    def start(self) -> None:
        """Open the home page, the one address a user types."""
        response = self.page.goto(self.server.base_url + "/")
        assert response is not None and response.status == 200, f"/ answered {response and response.status}"
        self.check()

    def follow(self, name, *, within=None, exact: bool = True, nth: int = 0) -> None:
        """Click the link called `name` (text or regex), optionally inside a locator; wait for the page."""
        scope = within if within is not None else self.page
        links = scope.get_by_role("link", name=name, exact=exact if isinstance(name, str) else None)
        if links.count() == 0:
            where = (within.inner_text()[:400] if within is not None else self.page.inner_text("main")[:400])
            pytest.fail(f"[{self.name}] no link {name!r} on {self.page.url}; the page shows:\n{where}",
                        pytrace=False)
        with self.page.expect_navigation(timeout=WAIT_MS):
            links.nth(nth).click()
        self.check()

    def submit(self, button, *, within=None, exact: bool = True) -> None:
        """Press a form's submit button by its name and wait for the answer page."""
        scope = within if within is not None else self.page
        with self.page.expect_navigation(timeout=WAIT_MS):
            scope.get_by_role("button", name=button, exact=exact).first.click()
        self.check()

    def login(self, username: str, password: str = DEMO_PASSWORD) -> None:
        """From wherever we are: the header's 登录 link, then the login form."""
        self.follow("登录", within=self.page.locator("header"))
        self.page.fill("#username", username)
        self.page.fill("#password", password)
        self.submit("登录", within=self.page.locator("main"))
        assert "/accounts/login" not in self.page.url, \
            f"login as {username} failed: {self.page.inner_text('main')[:300]}"

    def home(self) -> None:
        """Back to the home page by the brand link in the header."""
        self.follow(re.compile("立法意见征集"), within=self.page.locator("header"))

    # -- looking --------------------------------------------------------------------------------------
    def check(self) -> None:
        """No server error so far in this journey."""
        if self.server_errors:
            pytest.fail(f"[{self.name}] server errors: {self.server_errors}\n{self.server.log_tail(3000)}",
                        pytrace=False)

    def main_text(self) -> str:
        return self.page.inner_text("main")

    def shot(self, step: str) -> Path:
        """Save a full-page screenshot of this step (numbered, under the live server's tmp dir)."""
        path = self.shots_dir / f"{len(self.shots) + 1:02d}-{step}.png"
        self.page.screenshot(path=str(path), full_page=True)
        self.shots.append(path)
        return path

    def focused(self) -> dict:
        """The element that has the keyboard focus: tag, name, id."""
        return self.page.evaluate("""() => { const el = document.activeElement; return el ? {
            tag: el.tagName.toLowerCase(), name: el.getAttribute('name') || '', id: el.id || ''} : {}; }""")

    # -- files ----------------------------------------------------------------------------------------
    def download(self, link) -> tuple[str, bytes]:
        """Click a link that serves a file; the file's name and the bytes Chromium got from the server."""
        with self.page.expect_download(timeout=WAIT_MS) as info:
            link.click()
        download = info.value
        assert download.failure() is None, f"download failed: {download.failure()}"
        data = Path(download.path()).read_bytes()
        (self.shots_dir / download.suggested_filename).write_bytes(data)
        return download.suggested_filename, data


def docx_text(data: bytes) -> str:
    """Every paragraph and table cell of a .docx, one per line."""
    import docx

    document = docx.Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.extend(cell.text for cell in row.cells)
    for section in document.sections:
        lines.extend(p.text for p in section.header.paragraphs)
    return "\n".join(lines)


def xlsx_rows(data: bytes) -> list[list]:
    """The rows of the first sheet of an .xlsx, as lists of values."""
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    finally:
        workbook.close()


def xlsx_bytes(header: list[str], rows: list[list], sheet: str = "意见") -> bytes:
    """A small spreadsheet as a facilitator would fill it in Excel."""
    import openpyxl

    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws.title = sheet
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# -- the database behind the live server (setup and checks; pages are never bypassed for the journey) ---
def in_app(app, fn):
    """Run fn(db) in an app context on the live database, commit, return its result."""
    from consult.extensions import db

    with app.app_context():
        try:
            result = fn(db)
            db.session.commit()
            return result
        finally:
            db.session.remove()


def comments_with_body(app, body: str) -> list[dict]:
    """The comments whose text is exactly `body`: id, receipt, states, decision and reason, article."""
    from consult.comments.models import Comment

    def read(db):
        rows = db.session.scalars(select(Comment).where(Comment.body == body).order_by(Comment.id)).all()
        return [{"id": c.id, "receipt_code": c.receipt_code, "moderation_state": c.moderation_state,
                 "decision": c.decision, "decision_reason": c.decision_reason, "channel": c.channel,
                 "article": c.article.number if c.article else None, "paragraph_no": c.paragraph_no,
                 "anchor_kind": c.anchor_kind, "meeting_id": c.meeting_id,
                 "duplicate_group_id": c.duplicate_group_id} for c in rows]

    return in_app(app, read)


def draft_title(app, draft_id: int) -> str:
    from consult.drafts.models import Draft

    return in_app(app, lambda db: db.session.get(Draft, draft_id).title)
