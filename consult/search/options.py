"""Choices for the staff search filters (reads only; labels come from the comment vocabulary)."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from consult.comments.models import Tag
from consult.comments.vocabulary import CARRIED, CHANNEL, COMMENTER_CATEGORY, DECISION_OR_UNDECIDED, MODERATION
from consult.contact_points.models import ContactPoint
from consult.drafts.models import Draft


def filter_choices(session, draft: Draft | None) -> dict[str, list[tuple[str, str]]]:
    """(value, label) choices for every filter select, an empty "any" choice first."""
    everything = _("全部")
    anyc = [("", everything)]
    drafts = list(session.scalars(select(Draft).order_by(Draft.created_at.desc(), Draft.id.desc())))
    choices = {
        "draft_id": anyc + [(str(d.id), d.title) for d in drafts],
        "channel": CHANNEL.choices(with_empty=everything),
        "category": COMMENTER_CATEGORY.choices(with_empty=everything),
        "moderation_state": MODERATION.choices(with_empty=everything),
        "decision": DECISION_OR_UNDECIDED.choices(with_empty=everything),
        "carried": CARRIED.choices(with_empty=everything),
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
