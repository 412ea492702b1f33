"""Choices for the staff search filters (reads only)."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from consult.comments.forms import CATEGORY_LABELS
from consult.comments.models import CHANNELS, COMMENTER_CATEGORIES, DECISIONS, MODERATION_STATES, ContactPoint, Tag
from consult.drafts.models import Draft

CHANNEL_LABELS = {"meeting": _l("座谈会"), "online": _l("网上"), "letter": _l("来信"), "email": _l("电子邮件"),
                  "department": _l("部门"), "expert": _l("专家")}
STATE_LABELS = {"pending": _l("待审核"), "published": _l("已公开"), "rejected": _l("不予公开"), "internal": _l("内部")}
DECISION_LABELS = {"adopted": _l("采纳"), "partly_adopted": _l("部分采纳"), "not_adopted": _l("未采纳"),
                   "under_study": _l("待研究"), "none": _l("尚未处理")}


def filter_choices(session, draft: Draft | None) -> dict[str, list[tuple[str, str]]]:
    """(value, label) choices for every filter select, an empty "any" choice first."""
    anyc = [("", _("全部"))]
    drafts = list(session.scalars(select(Draft).order_by(Draft.created_at.desc(), Draft.id.desc())))
    choices = {
        "draft": anyc + [(str(d.id), d.title) for d in drafts],
        "channel": anyc + [(c, str(CHANNEL_LABELS.get(c, c))) for c in CHANNELS],
        "category": anyc + [(c, str(CATEGORY_LABELS[c])) for c in COMMENTER_CATEGORIES],
        "moderation_state": anyc + [(s, str(STATE_LABELS[s])) for s in MODERATION_STATES],
        "decision": anyc + [(d, str(DECISION_LABELS[d])) for d in (*DECISIONS, "none")],
        "contact_point": anyc + [(cp.code, f"{cp.code} {cp.name}") for cp in
                                 session.scalars(select(ContactPoint).order_by(ContactPoint.code))],
        "district": anyc + [(d, d) for d in session.scalars(
            select(ContactPoint.district).where(ContactPoint.district != "").distinct().order_by(ContactPoint.district))],
        "version_id": anyc, "division_id": anyc, "article_id": anyc, "tag": anyc,
    }
    if draft is not None:
        version = draft.current_version
        choices["version_id"] = anyc + [(str(v.id), v.label) for v in draft.versions]
        if version is not None:
            choices["division_id"] = anyc + [(str(d.id), d.heading) for d in version.divisions]
            choices["article_id"] = anyc + [(str(a.id), a.label) for a in version.articles]
        choices["tag"] = anyc + [(t.name, t.name) for t in session.scalars(
            select(Tag).where(Tag.draft_id == draft.id).order_by(Tag.name))]
    return choices
