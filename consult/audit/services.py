"""Recording audit events; called by every service that changes state."""
from __future__ import annotations

from consult.audit.models import AuditEvent
from consult.extensions import db


def record(actor, action: str, target, **details) -> AuditEvent:
    """Add an audit event for `action` on `target` (a model instance or a (type, id) pair)."""
    if isinstance(target, tuple):
        target_type, target_id = target
    else:
        target_type, target_id = type(target).__name__, getattr(target, "id", None)
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        action=action,
        target_type=target_type,
        target_id=target_id,
        details=_jsonable(details),
    )
    db.session.add(event)
    return event


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)
