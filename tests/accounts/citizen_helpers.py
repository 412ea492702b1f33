"""Shared by the citizen-account tests: mail through the aiosmtpd fixture, links read from messages."""
from __future__ import annotations

import re

import pytest

from tests.smtp_fixture import body_of, smtp  # noqa: F401  (the fixture)


@pytest.fixture
def app_config(tmp_path, smtp):  # noqa: F811
    smtp.start()
    return {"SEARCH_INDEX_DIR": str(tmp_path / "index"), "EXPORT_DIR": str(tmp_path / "exports"),
            "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp.port}


def link_in(message, path: str) -> str:
    """The site-relative link starting with `path` in a message's text."""
    found = re.search(r"https?://[^/\s]+(" + re.escape(path) + r"\S+)", body_of(message))
    assert found, body_of(message)
    return found.group(1)


def register(client, email="wang@example.com", password="secret-pass-1"):
    return client.post("/accounts/register", data={"email": email, "display_name": "王", "password": password,
                                                   "confirm": password})
