"""Masking of commenters' personal information (个人信息保护法): names shown as 张* outside the right roles.

Whether a commenter is an organisation (shown in full, DOMAIN.md §4) comes from the category the person
chose (`ORGANISATION_CATEGORIES`), never from the shape of the name: "张伟13811114444中心" typed by a
resident is a person's name with a phone number in it.
"""
from __future__ import annotations

import re

from consult.comments.vocabulary import ORGANISATION_CATEGORIES

# Full-width ASCII (Ｕ+FF01–FF5E) folded to ASCII one character for one, so a match in the folded copy
# has the same offsets in the original text.
_WIDTH_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def is_organisation_category(category: str | None) -> bool:
    """True when the chosen category is an organisation's (企业, 社会组织, 政府部门)."""
    return (category or "").strip() in ORGANISATION_CATEGORIES


def mask_name(name: str | None, is_organisation: bool | None = None) -> str:
    """Keep the first character and mask the rest (张三 → 张*, 朱小明 → 朱**); empty → 匿名.

    An organisation's name is shown in full, with any phone, ID or e-mail inside it masked.
    """
    name = (name or "").strip()
    if not name:
        return "匿名"
    if is_organisation:
        return scrub_personal_data(name)
    if re.fullmatch(r"[A-Za-z .'-]+", name):
        return name[0] + "*" * max(1, len(name.replace(" ", "")) - 1)
    return name[0] + "*" * max(1, len(name) - 1)


def mask_contact(contact: str | None) -> str:
    """Never print a phone or e-mail in full: 139****5678 / z***@example.org."""
    contact = (contact or "").strip()
    if not contact:
        return ""
    if "@" in contact:
        local, _, domain = contact.partition("@")
        return f"{local[:1]}***@{domain}"
    digits = re.sub(r"\D", "", contact)
    if len(digits) >= 7:
        return f"{digits[:3]}****{digits[-4:]}"
    return "****"


_PERSONAL_RE = re.compile(
    # resident ID numbers (18 or old 15 digits), also typed in groups: 110101 19900307 123X
    r"(?<![\dA-Za-z])(?:\d{6}[- ]?\d{8}[- ]?\d{3}[\dXx]|\d{15})(?![\dA-Za-z])"
    r"|(?<!\d)(?:\+?86[- ]?)?(?:1[3-9]\d[- ]?\d{4}[- ]?\d{4}|0\d{2,3}-?\d{7,8})(?!\d)"  # mobiles, landlines
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")  # e-mail addresses


def scrub_personal_data(text: str | None) -> str:
    """Mask ID numbers, phone numbers and e-mail addresses that a commenter typed into free text.

    Matching runs on a width-folded copy (１３８… is a phone number too); the rest of the text is kept
    exactly as typed.
    """
    if not text:
        return text or ""
    folded = text.translate(_WIDTH_FOLD)
    if folded == text:
        return _PERSONAL_RE.sub(lambda m: _mask_match(m.group(0)), text)
    out, last = [], 0
    for match in _PERSONAL_RE.finditer(folded):
        out.append(text[last:match.start()])
        out.append(_mask_match(match.group(0)))
        last = match.end()
    out.append(text[last:])
    return "".join(out)


def _mask_match(found: str) -> str:
    compact = re.sub(r"[- ]", "", found)
    if re.fullmatch(r"\d{17}[\dXx]|\d{15}", compact):  # an ID number: keep the region code and the last four
        return compact[:6] + "*" * (len(compact) - 10) + compact[-4:]
    return mask_contact(found)
