"""The publishing guard (发布前核对): what a parse must settle before a draft goes public.

A version whose parse found duplicate or out-of-order article numbers cannot be published until staff
re-import a corrected file or accept each such warning explicitly; the acceptance is stored in the
warning itself (who, when) and audited. Every article gets a unique address (`stable_key`): the first
第四条 keeps `4`, a second one becomes `4_2`, so each can be opened and cited by its own URL.
"""
from __future__ import annotations

from flask_babel import gettext as _

from consult.audit.services import record
from consult.database import utcnow
from consult.errors import UserError
from consult.extensions import db

# Parse warnings that make an article impossible to cite or find unambiguously.
BLOCKING_CODES = ("duplicate_number", "out_of_order")


class DraftError(UserError):
    """A user-facing reason why a draft action was refused; nothing was changed."""


def is_blocking(warning: dict) -> bool:
    """True for a warning that stops publication until staff accept it."""
    return warning.get("code") in BLOCKING_CODES and not warning.get("accepted")


def blocking_warnings(version) -> list[dict]:
    """The warnings still standing between this version and publication, each with its `index`."""
    if version is None:
        return []
    return [{**w, "index": i} for i, w in enumerate(version.warnings or []) if is_blocking(w)]


def check_publishable(version) -> None:
    """Raise DraftError unless every blocking warning of `version` was resolved."""
    if version is None or not version.articles:
        raise DraftError(_("草案没有可发布的文本。"))
    blockers = blocking_warnings(version)
    if blockers:
        raise DraftError(_("还有 %(n)s 个编号问题未处理（编号重复或顺序错乱）：请导入修改后的文件，"
                           "或在核对页面逐条确认后再发布。", n=len(blockers)))


def accept_warning(version, index: int, actor=None) -> dict:
    """Record that staff checked warning #index of `version` and accept the text as parsed."""
    warnings = [dict(w) for w in (version.warnings or [])]
    if not 0 <= index < len(warnings):
        raise DraftError(_("没有这条提示，请刷新页面。"))
    warning = warnings[index]
    if warning.get("accepted"):
        raise DraftError(_("这条提示已经确认过了。"))
    warning["accepted"] = {"by": getattr(actor, "id", None),
                           "name": getattr(actor, "display_name", None) or getattr(actor, "username", None),
                           "at": utcnow().isoformat(timespec="minutes")}
    version.warnings = warnings  # a new list: the JSON column only notices reassignment
    db.session.flush()
    record(actor, "draft.accept_warning", version.draft, version_id=version.id, code=warning.get("code"),
           line=warning.get("line"), message=warning.get("message"))
    return warning


def assign_addresses(articles) -> None:
    """Give every article a unique `stable_key`: its number (12, 12-1), then 12_2, 12_3 … for repeats."""
    used: set[str] = set()
    for article in articles:
        base = article.key
        key, n = base, 1
        while key in used:
            n += 1
            key = f"{base}_{n}"
        used.add(key)
        if article.stable_key != key:
            article.stable_key = key
