"""A real local SMTP server (aiosmtpd) on a free port, keeping what arrived; stoppable and restartable."""
from __future__ import annotations

import email
import email.policy
import socket
import threading

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Keep:
    def __init__(self, inbox):
        self.inbox = inbox

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.inbox.append(message)
        return "250 OK"


class SmtpServer:
    """`messages` holds the parsed messages that arrived; `start()` / `stop()` the server on `port`."""

    def __init__(self):
        self.port = free_port()
        self.messages: list = []
        self._lock = threading.Lock()
        self._controller = None

    def start(self):
        self._controller = Controller(_Keep(self.messages), hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self):
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def to(self, address: str) -> list:
        return [m for m in self.messages if address in m["To"]]


def body_of(message) -> str:
    """The text/plain part of a message."""
    part = message.get_body(preferencelist=("plain",))
    return part.get_content()


def smtp_server():
    """Fixture body: a stopped server on a free port (call `.start()`); stopped again after the test."""
    server = SmtpServer()
    yield server
    server.stop()
