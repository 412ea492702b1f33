"""`@operation(...)`: what the OpenAPI document says about a view, declared beside the view itself.

consult.api.spec walks the API blueprint's URL rules and reads these declarations, so the document is
generated from the routes, the marshmallow schemas that check requests and the schemas that shape answers.
"""
from __future__ import annotations

from dataclasses import dataclass, field

# Errors every operation can answer: a malformed request or token header, a server fault.
COMMON_ERRORS = (400, 401, 500)


@dataclass(frozen=True)
class Operation:
    """One documented operation."""

    summary: str
    tag: str
    response: type | None
    status: int = 200
    description: str = ""
    query: type | None = None
    body: type | None = None
    errors: tuple[int, ...] = ()
    headers: tuple[tuple[str, str, dict], ...] = ()  # request headers: (name, description, JSON Schema)
    auth: str = "optional"  # "optional": public, a token is checked if sent; "required": a scope is needed
    extra_responses: dict = field(default_factory=dict)  # status → (schema, description)


def operation(summary: str, tag: str, response: type | None, **details):
    """Decorator: attach an Operation to a view (read by consult.api.spec)."""
    def decorator(view):
        view.api_operation = Operation(summary, tag, response, **details)
        return view

    return decorator
