"""The one view decorator that turns a permission predicate into an access rule."""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user

from consult.extensions import login_manager


def require(predicate):
    """View decorator: anonymous users go to the login page, signed-in users without `predicate` get 403."""
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not predicate(current_user):
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator
