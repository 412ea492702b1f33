"""Model → plain data for the API, masked exactly as the public pages mask (and staff data as staff see it)."""
from __future__ import annotations

from consult.comments.anchors import comment_anchor_label
from consult.comments.privacy import mask_contact, scrub_personal_data
from consult.comments.queries import public_name
from consult.comments.vocabulary import (
    CHANNEL, DECISION_OR_UNDECIDED, MODERATION, decision_formal, decision_label, decision_public)
from consult.lawtext import split_items


def version_summary(version) -> dict:
    """A version's name and state."""
    return {"id": version.id, "label": version.label, "title": version.title, "kind": version.kind,
            "is_current": version.is_current, "created_at": version.created_at}


def draft(d) -> dict:
    """A published draft with its comment window and versions."""
    return {"id": d.id, "title": d.title, "description": d.description or "", "published_at": d.published_at,
            "comment_opens_at": d.comment_opens_at, "comment_closes_at": d.comment_closes_at,
            "is_open": d.is_open(), "current_version_id": d.current_version.id,
            "versions": [version_summary(v) for v in d.versions]}


def article(a) -> dict:
    """An article with its paragraphs (款) split into lead text and items (项)."""
    paragraphs = []
    for number, text in enumerate(a.paragraphs or [], start=1):
        lead, items = split_items(text)
        paragraphs.append({"number": number, "text": text, "lead": lead,
                           "items": [{"number": i, "text": t} for i, t in enumerate(items, start=1)]})
    return {"id": a.id, "address": a.address, "number": a.number, "suffix": a.suffix, "label": a.label,
            "caption": a.caption, "division_id": a.division_id, "deleted": bool(a.deleted),
            "paragraphs": paragraphs}


def version(v) -> dict:
    """A whole version: its divisions and articles in text order."""
    return {**version_summary(v), "draft_id": v.draft_id, "preamble": list(v.preamble or []),
            "trailing": list(v.trailing or []),
            "divisions": [{"id": d.id, "kind": d.kind, "number": d.number, "label": d.label, "title": d.title,
                           "parent_id": d.parent_id} for d in v.divisions],
            "articles": [article(a) for a in v.articles]}


def public_comment(c) -> dict:
    """A published comment as templates/comments/_article_comments.html shows it (name masked, text scrubbed)."""
    return {"id": c.id, "anchor": comment_anchor_label(c), "paragraph_no": c.paragraph_no, "item_no": c.item_no,
            "commenter": public_name(c), "commenter_category": c.commenter_category or "",
            "date": c.submitted_on or c.created_at.date(), "body": scrub_personal_data(c.body),
            "proposed_text": scrub_personal_data(c.proposed_text or "")}


def submitted(c) -> dict:
    """What the submitter gets back: the receipt code."""
    return {"receipt_code": c.receipt_code, "draft_id": c.draft_id, "anchor": comment_anchor_label(c),
            "moderation_state": c.moderation_state, "replayed": bool(getattr(c, "replayed", False))}


def receipt(c) -> dict:
    """What the receipt page shows to the holder of the code (templates/comments/receipt.html)."""
    rejected = c.moderation_state == "rejected"
    return {"receipt_code": c.receipt_code, "draft_id": c.draft_id, "draft_title": c.draft.title,
            "anchor": comment_anchor_label(c), "submitted_on": c.submitted_on or c.created_at.date(),
            "moderation_state": c.moderation_state, "moderation_label": MODERATION.label(c.moderation_state),
            "moderation_reason": scrub_personal_data(c.moderation_reason or "") if rejected else "",
            "decision": c.decision,
            "decision_label": DECISION_OR_UNDECIDED.label(c.decision) if c.decision else decision_public(None),
            "decision_reason": scrub_personal_data(c.decision_reason or "") if c.decision else "",
            "body": scrub_personal_data(c.body), "reason": scrub_personal_data(c.reason or ""),
            "proposed_text": scrub_personal_data(c.proposed_text or "")}


def staff_comment(c) -> dict:
    """A comment as staff read it: names in full (their role needs them), contacts masked."""
    return {"id": c.id, "receipt_code": c.receipt_code, "draft_id": c.draft_id, "version_id": c.version_id,
            "article_id": c.article_id, "anchor_kind": c.anchor_kind, "anchor": comment_anchor_label(c),
            "paragraph_no": c.paragraph_no, "item_no": c.item_no, "body": c.body, "reason": c.reason or "",
            "proposed_text": c.proposed_text or "", "channel": c.channel,
            "channel_label": CHANNEL.label(c.channel),
            "contact_point": c.contact_point.code if c.contact_point is not None else None,
            "meeting_id": c.meeting_id, "submitted_on": c.submitted_on,
            "commenter_name": c.commenter_name or "", "commenter_category": c.commenter_category or "",
            "commenter_is_minor": bool(c.commenter_is_minor), "wants_feedback": bool(c.wants_feedback),
            "contact": mask_contact(c.commenter_contact), "moderation_state": c.moderation_state,
            "moderation_label": MODERATION.label(c.moderation_state), "decision": c.decision,
            "decision_label": decision_label(c.decision), "created_at": c.created_at}


def decision(c) -> dict:
    """A comment's decision (采纳情况) with its interface label and document wording."""
    return {"comment_id": c.id, "receipt_code": c.receipt_code, "draft_id": c.draft_id,
            "anchor": comment_anchor_label(c), "decision": c.decision, "decision_label": decision_label(c.decision),
            "decision_formal": decision_formal(c.decision), "decision_reason": c.decision_reason or "",
            "decided_at": c.decided_at}
