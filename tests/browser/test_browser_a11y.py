"""Accessibility audit (axe-core) of every public page and every intake page, in real Chromium.

Fails on violations of impact serious or critical, listing each rule, its impact and the offending targets.
"""
from __future__ import annotations

import pytest

from tests.browser.support import login

pytestmark = pytest.mark.browser


def _draft(seed) -> dict:
    return {"draft_id": seed.draft_id()}


def _receipt(seed) -> dict:
    return {"code": seed.online_comment(anchor="12.2", body="希望说明收费标准由谁制定。")["receipt_code"]}


def _meeting(seed) -> dict:
    meeting = seed.meeting()
    return {"meeting_id": meeting["id"], "draft_id": meeting["draft_id"],
            "contact_point_id": meeting["contact_point_id"], "id": meeting["id"]}


def _entered(seed) -> dict:
    meeting = seed.meeting()
    comment = seed.entered_comment(meeting_id=meeting["id"])
    return {"comment_id": comment["id"], "id": comment["id"], "meeting_id": meeting["id"],
            "draft_id": meeting["draft_id"], "contact_point_id": meeting["contact_point_id"]}


# (label, user or None, endpoint, path/query values from the seed, query keys taken from those values)
PUBLIC_PAGES = [
    ("drafts list", None, "drafts.index", lambda seed: {}, ()),
    ("draft page", None, "drafts.show", _draft, ()),
    ("article page", None, "drafts.article", lambda seed: {**_draft(seed), "key": "12"}, ()),
    ("comment form", None, "comments.new", lambda seed: {**_draft(seed), "anchor": "12"}, ("anchor",)),
    ("receipt lookup", None, "comments.receipt", lambda seed: {}, ()),
    ("receipt result", None, "comments.receipt", _receipt, ("code",)),
    ("privacy page", None, "drafts.privacy", lambda seed: {}, ()),
    ("citizen search", None, "search.public", lambda seed: {"q": "旅游"}, ("q",)),
    ("login", None, "accounts.login", lambda seed: {}, ()),
]

INTAKE_PAGES = [
    ("facilitator dashboard", "facilitator", "intake.index", lambda seed: {}, ()),
    ("meeting form", "facilitator", "intake.meeting_new", lambda seed: {**_draft(seed)}, ()),
    ("fast entry", "facilitator", "intake.entry", _meeting, ()),
    ("import page", "facilitator", "intake.import_comments", lambda seed: {}, ()),
    ("comment list", "facilitator", "intake.comments", _entered, ("draft_id",)),
    ("comment edit", "facilitator", "intake.edit_comment", _entered, ()),
]

STAFF_PAGES = [
    ("moderation queue", "staff", "review.moderation", _draft, ()),
]


def _resolve(live_server, endpoint: str, values: dict, query_keys: tuple) -> str:
    rule_args = set()
    if live_server.has(endpoint):
        rule = next(r for r in live_server.app.url_map.iter_rules() if r.endpoint == endpoint)
        rule_args = set(rule.arguments)
    query = {k: values[k] for k in query_keys if k in values and k not in rule_args}
    return live_server.url_with(endpoint, values, **query)


@pytest.mark.parametrize("label,user,endpoint,values,query_keys",
                         PUBLIC_PAGES + INTAKE_PAGES + STAFF_PAGES,
                         ids=[p[0].replace(" ", "-") for p in PUBLIC_PAGES + INTAKE_PAGES + STAFF_PAGES])
def test_page_has_no_serious_accessibility_violations(audit_page, live_server, seed, axe_audit,
                                                      label, user, endpoint, values, query_keys):
    """Each page passes axe-core without serious or critical violations."""
    url = _resolve(live_server, endpoint, values(seed), query_keys)
    if user:
        login(audit_page, live_server, user)
    response = audit_page.goto(url)
    assert response is not None and response.status == 200, f"{label}: {url} answered {response and response.status}"
    assert audit_page.locator("h1").count() >= 1, f"{label} has no <h1> heading"
    axe_audit(audit_page, label)


def test_audit_reports_a_broken_page(audit_page, live_server, axe_audit):
    """The audit itself catches a serious violation (an unlabeled input), so a green run means something."""
    audit_page.goto(live_server.url("drafts.privacy"))
    audit_page.evaluate("""() => {
        const input = document.createElement('input');
        input.type = 'text';
        document.querySelector('main').appendChild(input);
    }""")
    with pytest.raises(pytest.fail.Exception, match="label"):
        axe_audit(audit_page, "privacy page with an unlabeled input")
