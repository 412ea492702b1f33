"""Registrations and reset requests are limited per address; the page says so and nothing is created."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from consult.accounts.models import User


@pytest.fixture
def app_config(mail_app_config):
    return dict(mail_app_config, RATELIMIT_ENABLED=True, REGISTER_RATE_LIMIT="2 per hour",
                RESET_RATE_LIMIT="2 per hour")


def _register(client, n, address="10.0.0.1"):
    data = {"email": f"p{n}@example.com", "password": "secret-pass-1", "confirm": "secret-pass-1"}
    return client.post("/accounts/register", data=data, environ_base={"REMOTE_ADDR": address})


def test_registrations_per_address_are_limited(client, db, smtp):
    assert _register(client, 1).status_code == 302
    assert _register(client, 2).status_code == 302
    refused = _register(client, 3)
    assert refused.status_code == 429 and "操作过于频繁" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(User)) == 2 and len(smtp.messages) == 2
    assert _register(client, 4, address="10.0.0.2").status_code == 302  # another address is not limited


def test_reset_requests_per_address_are_limited(client, db, smtp):
    for _ in range(2):
        client.post("/accounts/reset", data={"email": "a@example.com"},
                    environ_base={"REMOTE_ADDR": "10.0.0.1"})
    refused = client.post("/accounts/reset", data={"email": "a@example.com"},
                          environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert refused.status_code == 429 and "操作过于频繁" in refused.get_data(as_text=True)
