"""The one error an export raises for its user."""
from __future__ import annotations

from consult.errors import UserError


class ExportError(UserError):
    """A user-facing reason why an export cannot be made; nothing was written."""
