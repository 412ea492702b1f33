"""Helpers shared by the browser tests (the fixtures live in conftest.py)."""
from __future__ import annotations

DEMO_PASSWORD = "consult-demo"
MAX_TABS = 80


def login(pg, live_server, username: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the real login form (CSRF token included by the page)."""
    pg.goto(live_server.url("accounts.login"))
    pg.fill("#username", username)
    pg.fill("#password", password)
    with pg.expect_navigation():
        pg.locator("main form button[type=submit]").click()
    assert "/accounts/login" not in pg.url, f"login as {username} failed: {pg.inner_text('main')[:300]}"


def focused(pg) -> dict:
    """What has the keyboard focus: tag, name, id, type and visible text of document.activeElement."""
    return pg.evaluate("""() => {
        const el = document.activeElement;
        return el ? {tag: el.tagName.toLowerCase(), name: el.getAttribute('name') || '', id: el.id || '',
                     type: el.getAttribute('type') || '', text: (el.innerText || el.value || '').trim()}
                  : {};
    }""")


def tab_to(pg, matches, what: str) -> dict:
    """Press Tab (only) until the focused element satisfies `matches(info)`; fail after MAX_TABS presses."""
    seen = []
    for _ in range(MAX_TABS):
        pg.keyboard.press("Tab")
        info = focused(pg)
        if matches(info):
            return info
        seen.append(info.get("name") or info.get("text", "")[:20] or info.get("tag"))
    raise AssertionError(f"never reached {what} with Tab; focus went through {seen}")


def no_csp_errors(pg) -> list[str]:
    """Console errors about the Content-Security-Policy (an inline script or style would show here)."""
    return [text for text in pg.console_errors if "Content Security Policy" in text]
