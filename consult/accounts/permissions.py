"""Named permission predicates, shared by views, services and templates.

A button shows in a template exactly when the predicate behind its action says yes.
"""
from __future__ import annotations

STAFF_ROLES = ("staff", "admin")


def _role(user) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user.role


def is_staff(user) -> bool:
    """Legislative staff (法工委) or admin."""
    return _role(user) in STAFF_ROLES


def is_admin(user) -> bool:
    """Administrator: users, roles, contact points, settings."""
    return _role(user) == "admin"


def is_facilitator(user) -> bool:
    """Facilitator (联络员) bound to contact points."""
    return _role(user) == "facilitator"


def can_manage_drafts(user) -> bool:
    """Import, review and publish drafts."""
    return is_staff(user)


def can_review_lineage(user, draft=None) -> bool:
    """Check, break, add and confirm the article lineage (条文对应关系) proposed for a new version."""
    return is_staff(user)


def can_moderate(user) -> bool:
    """Publish or reject online comments."""
    return is_staff(user)


def can_enter_comments(user, contact_point=None) -> bool:
    """Record meetings and residents' comments for this contact point (any point when None)."""
    if is_staff(user):
        return True
    if not is_facilitator(user):
        return False
    if contact_point is None:
        return bool(user.contact_points)
    return any(cp.id == contact_point.id for cp in user.contact_points)


def can_edit_comment(user, comment) -> bool:
    """Correct a comment: staff always; its point's facilitator until staff lock it."""
    if is_staff(user):
        return True
    if comment.contact_point is None or comment.locked or comment.channel == "qr":
        return False  # a resident's own comment through the point's poster (扫码) is not the facilitator's record
    return can_enter_comments(user, comment.contact_point) and is_facilitator(user)


def can_print_materials(user, contact_point=None) -> bool:
    """Download a contact point's poster and its meetings' kits (座谈会材料): its facilitators and staff."""
    return can_enter_comments(user, contact_point)


def can_decide(user, comment=None) -> bool:
    """Set the adoption decision (采纳情况), tags, notes, assignment, locks."""
    return is_staff(user)


def can_see_personal_data(user, comment=None) -> bool:
    """See commenters' names unmasked and their contact details (PIPL: only where the role needs it)."""
    if is_staff(user):
        return True
    if comment is not None and comment.contact_point is not None and is_facilitator(user):
        return can_enter_comments(user, comment.contact_point)
    return False


def can_export(user, draft=None) -> bool:
    """Download summaries, feedback letters and spreadsheets."""
    return is_staff(user)


def can_export_contacts(user) -> bool:
    """Include commenters' contact details in an export (a separate, permissioned choice)."""
    return is_staff(user)


def can_search_comments(user) -> bool:
    """Search all comments of all channels, unpublished ones included."""
    return is_staff(user)


def can_release_report(user, draft=None) -> bool:
    """Release a draft's public report (意见处理情况报告): staff, once its comment window has closed."""
    if not is_staff(user):
        return False
    return draft is None or (draft.is_published and not draft.is_open())


def can_manage_users(user) -> bool:
    """Create users, change roles, bind facilitators, import contact points."""
    return is_admin(user)


PREDICATES = {name: obj for name, obj in dict(globals()).items()
              if callable(obj) and (name.startswith("can_") or name.startswith("is_"))}
