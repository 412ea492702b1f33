"""Fixtures of the citizen-account tests: a real SMTP server (aiosmtpd) and the app configured to use it."""
from __future__ import annotations

import pytest

from tests.smtp_fixture import smtp_server

smtp = pytest.fixture(smtp_server, name="smtp")


@pytest.fixture
def mail_app_config(tmp_path, smtp):
    """Configuration with mail through the running SMTP fixture (a module uses it as its app_config)."""
    smtp.start()
    return {"SEARCH_INDEX_DIR": str(tmp_path / "index"), "EXPORT_DIR": str(tmp_path / "exports"),
            "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp.port}
