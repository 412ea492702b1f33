"""Shared by the citizen-account tests: mail through the aiosmtpd fixture, links read from messages."""
from __future__ import annotations

import re

from tests.smtp_fixture import body_of


def link_in(message, path: str) -> str:
    """The site-relative link starting with `path` in a message's text."""
    found = re.search(r"https?://[^/\s]+(" + re.escape(path) + r"\S+)", body_of(message))
    assert found, body_of(message)
    return found.group(1)


def register(client, email="wang@example.com", password="secret-pass-1"):
    return client.post("/accounts/register", data={"email": email, "display_name": "王", "password": password,
                                                   "confirm": password})
