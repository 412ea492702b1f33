"""Comment windows are typed in local time (Asia/Shanghai by default) and stored as naive UTC."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app


def zone() -> ZoneInfo:
    """The zone staff type times in (BABEL_DEFAULT_TIMEZONE)."""
    return ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "Asia/Shanghai")


def local_to_utc(value: datetime | None) -> datetime | None:
    """A naive local time (form, command line) → naive UTC for storage."""
    if value is None:
        return None
    return value.replace(tzinfo=zone()).astimezone(timezone.utc).replace(tzinfo=None)


def utc_to_local(value: datetime | None) -> datetime | None:
    """A stored naive UTC time → naive local time, to the minute (datetime-local inputs, messages)."""
    if value is None:
        return None
    return value.replace(tzinfo=timezone.utc).astimezone(zone()).replace(tzinfo=None, second=0, microsecond=0)
