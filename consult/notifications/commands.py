"""`consult notifications` commands: send what is due (cron, or after a mail outage), show the status."""
from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from consult.extensions import db
from consult.notifications import services
from consult.notifications.models import NotificationBatch

notifications_cli = AppGroup("notifications",
                             help="E-mail notifications of released decisions: send, status.")


@notifications_cli.command("send")
def send_command():
    """Plan the releases not planned yet, then send every message that is due (retries included)."""
    from consult import mail

    if not mail.enabled():
        raise click.ClickException("mail is disabled: set MAIL_SERVER (messages stay pending)")
    for batch in db.session.scalars(select(NotificationBatch).where(NotificationBatch.status == "queued")):
        services.plan(batch)
    db.session.commit()
    counts = services.send_due()
    click.echo(", ".join(f"{name} {count}" for name, count in counts.items()))


@notifications_cli.command("status")
def status_command():
    """One line per release: messages sent, pending, failed, skipped (unsubscribed)."""
    for batch in db.session.scalars(select(NotificationBatch).order_by(NotificationBatch.id)):
        counts = services.status_counts(batch)
        click.echo(f"draft {batch.draft_id} release {batch.revision} ({batch.status}): "
                   + ", ".join(f"{name} {count}" for name, count in counts.items()))
