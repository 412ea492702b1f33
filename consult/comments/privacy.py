"""Masking of commenters' personal information (个人信息保护法): names shown as 张* outside the right roles."""
from __future__ import annotations

import re

_ORG_SUFFIXES = ("公司", "协会", "学会", "商会", "委员会", "局", "中心", "学校", "大学", "学院", "医院", "银行",
                 "联合会", "合作社", "事务所", "研究院", "研究所", "集团", "办公室", "街道", "村委会", "居委会")


def looks_like_organisation(name: str) -> bool:
    """True for names of organisations, which may be shown in full."""
    name = (name or "").strip()
    return len(name) > 4 and name.endswith(_ORG_SUFFIXES)


def mask_name(name: str | None, is_organisation: bool | None = None) -> str:
    """Keep the first character and mask the rest (张三 → 张*, 朱小明 → 朱**); empty → 匿名."""
    name = (name or "").strip()
    if not name:
        return "匿名"
    if is_organisation or (is_organisation is None and looks_like_organisation(name)):
        return name
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
    r"(?<![\dA-Za-z])(?:\d{17}[\dXx]|\d{15})(?![\dA-Za-z])"  # resident ID numbers (18 or old 15 digits)
    r"|(?<!\d)(?:\+?86[- ]?)?(?:1[3-9]\d[- ]?\d{4}[- ]?\d{4}|0\d{2,3}-?\d{7,8})(?!\d)"  # mobiles, landlines
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")  # e-mail addresses


def scrub_personal_data(text: str | None) -> str:
    """Mask ID numbers, phone numbers and e-mail addresses that a commenter typed into free text."""
    if not text:
        return text or ""
    return _PERSONAL_RE.sub(lambda m: _mask_match(m.group(0)), text)


def _mask_match(found: str) -> str:
    if re.fullmatch(r"\d{17}[\dXx]|\d{15}", found):  # an ID number: keep the region code and the last four
        return found[:6] + "*" * (len(found) - 10) + found[-4:]
    return mask_contact(found)
