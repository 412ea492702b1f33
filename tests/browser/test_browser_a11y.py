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
    ("meeting edit", "facilitator", "intake.meeting_edit", _meeting, ()),
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
    status = response.status if response is not None else None
    assert status == 200, f"{label}: {url} answered {status}"
    assert audit_page.locator("h1").count() >= 1, f"{label} has no <h1> heading"
    axe_audit(audit_page, label)


def _refused_comment(pg, live_server, seed):
    pg.goto(live_server.url("comments.new", draft_id=seed.draft_id(), anchor="12"))
    pg.get_by_role("button", name="提交意见").click()  # an empty comment is refused
    assert pg.locator("[role=alert]").count() >= 1


def _unknown_receipt(pg, live_server, seed):
    pg.goto(live_server.url("comments.receipt", code="ZZZZ-ZZZZ"))
    assert pg.locator("[role=alert]").count() >= 1


def _entry_with_unknown_article(pg, live_server, seed):
    login(pg, live_server, "facilitator")
    pg.goto(live_server.url("intake.entry", meeting_id=seed.meeting()["id"]))
    pg.locator("[name=anchor]").fill("99")
    pg.locator("[name=body]").fill("这一条不存在。")
    pg.locator("[name=body]").press("Enter")
    pg.locator("[aria-invalid=true]").first.wait_for()


def _import_with_row_errors(pg, live_server, seed):
    login(pg, live_server, "facilitator")
    pg.goto(live_server.url("intake.import_comments"))
    csv = "条款,意见\n第九十九条,不存在的条款\n12,\n".encode("utf-8")
    pg.locator("input[type=file]").set_input_files({"name": "bad.csv", "mimeType": "text/csv", "buffer": csv})
    pg.get_by_role("button", name="上传并检查").click()
    pg.locator("#import-errors").wait_for()


ERROR_STATES = [
    ("comment form refused", _refused_comment),
    ("receipt not found", _unknown_receipt),
    ("fast entry with an unknown article", _entry_with_unknown_article),
    ("import with row errors", _import_with_row_errors),
]


@pytest.mark.parametrize("label,reach", ERROR_STATES, ids=[e[0].replace(" ", "-") for e in ERROR_STATES])
def test_error_states_have_no_serious_accessibility_violations(audit_page, live_server, seed, axe_audit,
                                                               label, reach):
    """Pages showing a refusal (messages linked to fields, error tables) pass the audit too."""
    reach(audit_page, live_server, seed)
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
