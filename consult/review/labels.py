"""Display names of the codes the workbench shows (decisions, channels, anchors, moderation states)."""
from flask_babel import lazy_gettext as _l

DECISION_LABELS = {
    "adopted": _l("采纳"),
    "partly_adopted": _l("部分采纳"),
    "not_adopted": _l("未采纳"),
    "under_study": _l("待研究"),
}
CHANNEL_LABELS = {
    "meeting": _l("座谈会"),
    "online": _l("网上"),
    "letter": _l("来信"),
    "email": _l("电子邮件"),
    "department": _l("部门"),
    "expert": _l("专家"),
}
ANCHOR_LABELS = {
    "general": _l("总体意见"),
    "title": _l("名称"),
    "new_article": _l("新增条款"),
}
MODERATION_LABELS = {
    "pending": _l("待审核"),
    "published": _l("已发布"),
    "rejected": _l("已驳回"),
    "internal": _l("内部"),
}


def labels() -> dict:
    """All label tables and anchor helpers, for the review templates."""
    from consult.review.structure import anchor_fragment, anchor_label

    return {"decision_labels": DECISION_LABELS, "channel_labels": CHANNEL_LABELS,
            "anchor_labels": ANCHOR_LABELS, "moderation_labels": MODERATION_LABELS,
            "anchor_label": anchor_label, "anchor_fragment": anchor_fragment}


def tr(message: str, **variables) -> str:
    """gettext inside a request; the Chinese source text (formatted) in commands and tests."""
    from flask import has_request_context
    from flask_babel import gettext

    if has_request_context():
        return gettext(message, **variables)
    return message % variables if variables else message
