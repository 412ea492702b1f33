"""Outgoing e-mail over SMTP (standard library smtplib + email.message).

Configured by MAIL_SERVER, MAIL_PORT, MAIL_USE_TLS (STARTTLS), MAIL_USE_SSL, MAIL_USERNAME, MAIL_PASSWORD,
MAIL_DEFAULT_SENDER. An empty MAIL_SERVER disables mail: `send` logs the message's recipient and subject
and returns False (nothing is sent). A failure to reach or talk to the server raises `MailError`.
"""
from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app

log = logging.getLogger(__name__)


class MailError(Exception):
    """The SMTP server could not be reached or refused the message (one line, for the status page)."""


def enabled(config=None) -> bool:
    """True when MAIL_SERVER is set."""
    return bool(((config or current_app.config).get("MAIL_SERVER") or "").strip())


def build_message(to: str, subject: str, body: str, *, headers: dict | None = None,
                  attachments=(), config=None) -> EmailMessage:
    """A plain-text UTF-8 message; `attachments` are (filename, bytes, mime type) triples."""
    config = config or current_app.config
    message = EmailMessage()
    message["From"] = config.get("MAIL_DEFAULT_SENDER") or "consult@localhost"
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="consult")
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    for filename, data, mime in attachments:
        maintype, _, subtype = mime.partition("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return message


def send(message: EmailMessage, config=None) -> bool:
    """Send one message; False when mail is disabled (logged), MailError when the server fails."""
    config = config or current_app.config
    if not enabled(config):
        log.info("mail disabled (MAIL_SERVER empty): not sent to %s: %s", message["To"], message["Subject"])
        return False
    host, port = config["MAIL_SERVER"].strip(), int(config.get("MAIL_PORT") or 25)
    timeout = float(config.get("MAIL_TIMEOUT") or 30)
    try:
        if config.get("MAIL_USE_SSL"):
            smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(host, port, timeout=timeout)
        with smtp:
            if config.get("MAIL_USE_TLS") and not config.get("MAIL_USE_SSL"):
                smtp.starttls(context=ssl.create_default_context())
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        raise MailError(f"{type(error).__name__}: {error}".splitlines()[0][:400]) from error
    return True
