"""Helpers shared by the browser tests (the fixtures live in conftest.py)."""
from __future__ import annotations

DEMO_PASSWORD = "consult-demo"


def login(pg, live_server, username: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the real login form (CSRF token included by the page)."""
    pg.goto(live_server.url("accounts.login"))
    pg.fill("#username", username)
    pg.fill("#password", password)
    pg.locator("main form button[type=submit]").click()
    pg.wait_for_load_state()
    assert "/accounts/login" not in pg.url, f"login as {username} failed: {pg.inner_text('main')[:300]}"
