"""Choices for the staff search filters (reads only)."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from consult.comments.models import CHANNELS, COMMENTER_CATEGORIES, DECISIONS, MODERATION_STATES, ContactPoint, Tag
from consult.drafts.models import Draft

CHANNEL_LABELS = {"meeting": "座谈会", "online": "网上", "letter": "来信", "email": "电子邮件", "department": "部门",
                  "expert": "专家"}
STATE_LABELS = {"pending": "待审核", "published": "已公开", "rejected": "不予公开", "internal": "内部"}
DECISION_LABELS = {"adopted": "采纳", "partly_adopted": "部分采纳", "not_adopted": "未采纳", "under_study": "待研究",
                   "none": "尚未处理"}


def filter_choices(session, draft: Draft | None) -> dict[str, list[tuple[str, str]]]:
    """(value, label) choices for every filter select, an empty "any" choice first."""
    anyc = [("", _("全部"))]
    drafts = list(session.scalars(select(Draft).order_by(Draft.created_at.desc(), Draft.id.desc())))
    choices = {
        "draft": anyc + [(str(d.id), d.title) for d in drafts],
        "channel": anyc + [(c, _(CHANNEL_LABELS.get(c, c))) for c in CHANNELS],
        "category": anyc + [(c, c) for c in COMMENTER_CATEGORIES],
        "moderation_state": anyc + [(s, _(STATE_LABELS[s])) for s in MODERATION_STATES],
        "decision": anyc + [(d, _(DECISION_LABELS[d])) for d in (*DECISIONS, "none")],
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
