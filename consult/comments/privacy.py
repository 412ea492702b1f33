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
