"""Every page a role may use is reachable by links from `/`, and no page answers 5xx.

For each role the test signs in through the login form, then crawls from `/` following only `<a href>`
(and `<img src>`, which a page embeds) on this site, with GET. It never submits a form and never follows
sign-out. It stops after MAX_PAGES pages and visits at most PER_ENDPOINT URLs of one endpoint (enough to
find what lies behind a draft's article pages without reading all of them). Downloads (exports, the
spreadsheet template, charts) are fetched but not parsed.

Which pages a role may use comes from the permission matrix (`GET_ROUTES` in test_permission_matrix.py);
pages that by design no link opens are listed in NOT_BY_LINK with the reason.
"""
from __future__ import annotations

from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from werkzeug.exceptions import MethodNotAllowed, NotFound

from tests.core.test_permission_matrix import GET_ROUTES, _login, allowed, world  # noqa: F401 (fixture)

MAX_PAGES = 600
PER_ENDPOINT = 20  # three drafts in the crawl world: every article page of the matrix draft stays in reach
NOT_PARSED = {"exports.download", "intake.comment_template", "review.chart", "static"}

API_JSON = "JSON for other systems, called by an API client, not a browser: every operation is on /api/docs"
NOT_BY_LINK = {
    "comments.submitted": "the redirect after a comment is sent (a POST), not a link",
    "exports.status": "polled by the export job page's script",
    "review.comment": "linked from staff search results, which need a typed query (tests/search/test_workbench_search.py)",
    "exports.download": "the crawl's only job failed, and a failed job offers no download; downloading a finished "
                        "job is walked in tests/browser/test_journey_staff.py and tests/exports/test_http_downloads.py",
    "intake.resolve": "called by the fast-entry form's script as the article number is typed",
    "intake.entry_row": "JSON the fast-entry form's script reads after saving a row",
    "intake.token": "JSON (a fresh CSRF token) the offline entry queue asks for before sending",
    "intake.service_worker": "the entry page's service worker script, registered by offline-entry.js",
    "search.group": "opened from the results of a typed query (a form, not a link)",
    "outreach.resolve": "a short link is scanned or typed from paper (poster, meeting kit); staff and facilitators "
                        "also reach it by links (tests/outreach/test_permissions.py)",
    "outreach.qr_image": "residents meet QR codes printed; the pages of staff and facilitators embed them",
    "outreach.enter_code": "the form of the unknown-code page (tests/outreach/test_short_links.py)",
    "api.drafts": API_JSON,
    "api.draft": API_JSON,
    "api.versions": API_JSON,
    "api.version": API_JSON,
    "api.articles": API_JSON,
    "api.article": API_JSON,
    "api.article_comments": API_JSON,
    "api.receipt": API_JSON,
}
# Pages for visitors who are not signed in: signed-in users have no reason to sign in, register or ask for a
# password-reset e-mail again (their header shows their own account instead).
SIGNED_IN_ONLY_ANONYMOUS = {"accounts.login", "citizens.register", "citizens.registered", "citizens.reset_request"}


class Links(HTMLParser):
    """The href of every <a> and the src of every <img> of a page."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.found.append(attrs["href"])
        elif tag == "img" and attrs.get("src"):
            self.found.append(attrs["src"])


def _local(base: str, href: str) -> str | None:
    """The path?query of a same-site link, or None (other sites, fragments, mailto:, language switches)."""
    url = urljoin(base, href.strip())
    parts = urlsplit(url)
    if parts.scheme not in ("http", "") or parts.netloc not in ("localhost", ""):
        return None
    if "lang=" in parts.query:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def crawl(app, client) -> tuple[dict[str, str], list[str]]:
    """Endpoint → first URL reaching it, and the problems met (5xx, links that refuse or lead nowhere)."""
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a crash answers 500 (as in production) and is reported
    adapter = app.url_map.bind("localhost")
    reached: dict[str, str] = {}
    visits: dict[str, int] = {}
    problems: list[str] = []
    queue = deque([("/", "(start)")])
    seen = {"/"}
    pages = 0
    while queue and pages < MAX_PAGES:
        url, source = queue.popleft()
        path = urlsplit(url).path
        try:
            endpoint, _ = adapter.match(path, method="GET")
        except (NotFound, MethodNotAllowed):
            problems.append(f"{url} (linked from {source}): no such page")
            continue
        if visits.get(endpoint, 0) >= PER_ENDPOINT:
            continue
        visits[endpoint] = visits.get(endpoint, 0) + 1
        pages += 1
        response = client.get(url)
        if response.status_code >= 500:
            problems.append(f"{url} (linked from {source}): {response.status_code}")
        elif response.status_code >= 400:
            problems.append(f"{url} (linked from {source}): {response.status_code}, a link this role cannot use")
        elif response.status_code in (301, 302, 303, 307, 308):
            target = _local(url, response.headers["Location"])
            if target and target not in seen and not target.startswith("/accounts/login"):
                seen.add(target)
                queue.append((target, url))
        reached.setdefault(endpoint, url)
        if endpoint in NOT_PARSED or response.status_code != 200 or response.mimetype != "text/html":
            continue
        parser = Links()
        parser.feed(response.get_data(as_text=True))
        for href in parser.found:
            target = _local(url, href)
            if target and target not in seen and not target.startswith("/accounts/logout"):
                seen.add(target)
                queue.append((target, url))
    return reached, problems


def expected_pages(role: str) -> set[str]:
    """The GET endpoints this role may use and that a link should open."""
    pages = {endpoint for endpoint, (level, _) in GET_ROUTES.items() if allowed(level, role)}
    pages -= set(NOT_BY_LINK)
    if role != "anonymous":
        pages -= SIGNED_IN_ONLY_ANONYMOUS
    return pages


@pytest.fixture
def crawl_world(world, make_draft):
    """The permission matrix's world plus a draft never published (whose delete page staff must find) and a
    published draft in its second reading (whose "what changed" page and comparison table links lead to)."""
    from consult.drafts.services import import_draft
    from consult.extensions import db

    make_draft(published=False)
    reread = make_draft("清江市河道保护条例（草案）\n第一条　保护河道。\n")  # one article: few pages to crawl
    import_draft("清江市河道保护条例（草案修改稿）\n第一条　保护和管理河道。\n".encode(), "second.txt", draft=reread,
                 version_label="二审稿")
    db.session.commit()
    return world


@pytest.mark.parametrize("role", ["anonymous", "citizen", "facilitator", "staff", "admin"])
def test_every_page_of_a_role_is_reachable_by_links(app, client, crawl_world, role):
    ids, users = crawl_world
    if role != "anonymous":
        _login(client, users[role])
    reached, problems = crawl(app, client)
    missing = sorted(expected_pages(role) - set(reached))
    report = [f"unreachable by links as {role}: {endpoint} ({GET_ROUTES[endpoint][1]})" for endpoint in missing]
    assert not report + problems, "\n".join(report + problems)


def test_not_by_link_names_real_endpoints(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert set(NOT_BY_LINK) <= endpoints and set(NOT_BY_LINK) <= set(GET_ROUTES)


def test_crawler_reports_a_server_error(app, client):
    @app.route("/broken")
    def broken():
        raise RuntimeError("boom")

    app.view_functions["index"] = lambda: '<a href="/broken">x</a>'
    _, problems = crawl(app, client)
    assert problems == ["/broken (linked from /): 500"]
