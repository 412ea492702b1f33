"""Rules every comment obeys whatever its channel: comment window, lengths, PIPL, receipt codes."""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from consult.comments.models import COMMENTER_CATEGORIES, Comment
from consult.database import utcnow
from consult.errors import UserError
from consult.extensions import db

BODY_MAX = 5000
TEXT_MAX = 5000
NAME_MAX = 50
CONTACT_MAX = 200
# Receipt codes avoid characters people confuse when reading them aloud or copying them: 0/O, 1/I/L, U/V.
# Receipt codes (回执编号) are 8 characters from these 29 (no 0/O, 1/I/L, U/V to misread), shown as XXXX-XXXX:
# 29**8 ≈ 5.0e11 codes. With 100,000 comments a random guess hits one with odd 2e-7; at the receipt
# pages' default limit of 200 look-ups a day per address, hitting any one takes ~68 years per address.
RECEIPT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
RECEIPT_RE = re.compile(rf"[{RECEIPT_ALPHABET}]{{4}}-[{RECEIPT_ALPHABET}]{{4}}")
# Invisible characters removed from everything people type: zero-width spaces and joiners, the byte-order
# mark, and bidirectional embeddings/overrides/isolates (which can make displayed text lie about its order).
# Without this, 停\u200b车 would look like 停车 and never be found by it. Control characters other than tab
# and line ends go too: NUL is refused by PostgreSQL (a 500 instead of a comment) and breaks exports.
INVISIBLE_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f"
                          "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


class CommentError(UserError):
    """A user-facing reason why a comment was refused; `field` names the form field at fault (or None)."""


def check_window(draft) -> None:
    """Refuse unless the draft is published and its comment window is open now (every channel)."""
    if draft is None or not draft.is_published:
        raise CommentError(_("草案尚未发布，不接受意见。"))
    now = utcnow()
    if draft.comment_opens_at and now < draft.comment_opens_at:
        raise CommentError(_("征求意见尚未开始，暂不接受意见。"))
    if not draft.is_open(now):
        raise CommentError(_("征求意见已截止，不再接受任何渠道的意见。"))


def clean_text(value, *, field: str, label: str, maximum: int, required: bool = False) -> str:
    """Strip a free-text field, unify line ends and enforce its length."""
    text = "" if value is None else str(value)
    text = strip_invisible(text).replace("\r\n", "\n").replace("\r", "\n").strip()
    if required and not text:
        raise CommentError(_("%(label)s不能为空。", label=label), field)
    if len(text) > maximum:
        raise CommentError(_("%(label)s不能超过 %(maximum)d 个字（现有 %(length)d 个字）。", label=label, maximum=maximum,
                             length=len(text)), field)
    return text


def strip_invisible(text: str) -> str:
    """Drop zero-width and bidirectional control characters (see INVISIBLE_RE)."""
    return INVISIBLE_RE.sub("", text)


def clean_category(value) -> str:
    """An empty category or one of COMMENTER_CATEGORIES."""
    category = (value or "").strip()
    if category and category not in COMMENTER_CATEGORIES:
        raise CommentError(_("未知的类别：%(category)s（可选：%(choices)s）。", category=category,
                             choices="、".join(COMMENTER_CATEGORIES)),
                           "commenter_category")
    return category


@dataclass
class Identity:
    """The commenter's personal information that may be stored after the PIPL rules were applied."""

    name: str
    contact: str
    wants_feedback: bool
    consent_personal_info: bool
    consent_publish_name: bool
    is_minor: bool


def apply_privacy_rules(*, name, contact, wants_feedback, consent_personal_info, consent_publish_name,
                        is_minor) -> Identity:
    """Keep only what PIPL allows (个人信息保护法 第六、十七、二十八条).

    - A contact is kept only for feedback, and only with explicit consent: wanting feedback without
      consent (or without a contact) is refused so the person can fix it; a contact given without
      wanting feedback is dropped (minimum collection).
    - Children under 14: the comment is flagged and no name or contact is stored at all.
    """
    name = clean_text(name, field="commenter_name", label=_("姓名"), maximum=NAME_MAX)
    contact = clean_text(contact, field="contact", label=_("联系方式"), maximum=CONTACT_MAX)
    if is_minor:
        return Identity("", "", False, False, False, True)
    if not wants_feedback:
        contact = ""
    elif not contact:
        raise CommentError(_("希望收到反馈时请填写联系方式（电话或电子邮箱），或取消“希望收到反馈”。"), "contact")
    elif not consent_personal_info:
        raise CommentError(_("保存联系方式需要您的同意：请勾选同意个人信息说明，或删除联系方式并取消“希望收到反馈”。"),
                           "consent_personal_info")
    return Identity(name, contact, bool(wants_feedback), bool(wants_feedback and consent_personal_info),
                    bool(consent_publish_name and name), False)


def new_receipt_codes(count: int = 1) -> list[str]:
    """`count` fresh receipt codes like K7P3-9QXM, unused in the database and in this session."""
    taken = {c.receipt_code for c in db.session.new if isinstance(c, Comment) and c.receipt_code}
    codes: list[str] = []
    while len(codes) < count:
        batch = sorted({_random_code() for _ in range(min(count - len(codes), 1000))} - taken - set(codes))
        existing = set(db.session.scalars(
            select(Comment.receipt_code).where(Comment.receipt_code.in_(batch))))
        codes.extend(code for code in batch if code not in existing)
    return codes


def _random_code() -> str:
    chars = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(8))
    return f"{chars[:4]}-{chars[4:]}"


def normalise_receipt_code(code: str | None) -> str | None:
    """Accept k7p3 9qxm, K7P39QXM or K7P3-9QXM; None when it cannot be a receipt code."""
    chars = re.sub(r"[\s\-－—_]", "", (code or "")).upper()
    if len(chars) != 8:
        return None
    candidate = f"{chars[:4]}-{chars[4:]}"
    return candidate if RECEIPT_RE.fullmatch(candidate) else None
