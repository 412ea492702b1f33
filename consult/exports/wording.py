"""How exports word things: commenters (masked), sources, dates, the draft's cited title."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from consult.comments.privacy import mask_name, scrub_personal_data
from consult.comments.vocabulary import CHANNEL
from consult.contact_points.models import MEETING_KIND

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def source_text(channel: str, point_name: str | None, held_on: date | None, meeting_kind: str | None) -> str:
    """来源 as a summary prints it: the contact point, then its meeting and date on a line of their own.

    The date gets its own line so that a narrow column wraps the point's name, never the date.
    """
    channel_label = CHANNEL.formal(channel) if channel else ""
    if not point_name:
        return channel_label
    if held_on is not None:
        kind = MEETING_KIND.formal(meeting_kind) if meeting_kind else channel_label
        return f"{point_name}\n{kind} {held_on.isoformat()}"
    return f"{point_name}\n{channel_label}"


def commenter_text(name: str, is_organisation: bool, is_minor: bool, with_names: bool) -> str:
    """The commenter as an export shows it: masked unless names were allowed and asked for (minors always)."""
    if is_minor:
        return mask_name(name, False) + "（未成年人）" if name else "未成年人"
    if with_names:
        return (name or "").strip() or "匿名"
    return mask_name(name, True if is_organisation else None)


def addressee_text(name: str, is_minor: bool) -> str:
    """Whom a commenter's own letter addresses: the name they gave, unmasked (a child's stays masked)."""
    name = (name or "").strip()
    if not name:
        return "尊敬的意见建议提出人"
    # A phone or ID number typed into the name field is still masked: the letter may be forwarded.
    return mask_name(name, False) if is_minor else scrub_personal_data(name)


def scrub_contacts(text: str) -> str:
    """Mask ID numbers, phone numbers and e-mail addresses a commenter typed into the free text."""
    return scrub_personal_data(text) if text else text


def local_time(value: datetime | None) -> str:
    if value is None:
        return ""
    return value.replace(tzinfo=timezone.utc).astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")


def cn_date(value: date | datetime | None) -> str:
    """2027年1月5日 (datetimes are naive UTC and shown in local time)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.replace(tzinfo=timezone.utc).astimezone(LOCAL_TZ).date()
    return f"{value.year}年{value.month}月{value.day}日"


def consultation_period(draft) -> str:
    """The comment window as printed: 2027年1月1日至2027年1月31日."""
    start, end = draft.comment_opens_at or draft.published_at, draft.comment_closes_at
    if start is None and end is None:
        return ""
    return f"{cn_date(start) or '…'}至{cn_date(end) or '…'}"


def titled(title: str, label: str) -> str:
    """The draft's title with its version suffix as documents cite it: 清江市……条例（草案）."""
    label = (label or "").strip("（）() ")
    if not label or title.endswith(("）", ")")):
        return title
    return f"{title}（{label}）"
