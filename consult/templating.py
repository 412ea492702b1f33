"""Template globals and filters: permission predicates, masking, dates, numerals."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, request
from flask_babel import format_datetime, get_locale

from consult.accounts import permissions
from consult.comments.privacy import mask_name, scrub_personal_data
from consult.comments.vocabulary import template_globals as vocabulary_globals
from consult.database import utcnow


def register(app: Flask) -> None:
    """Expose permission predicates and formatting helpers to every template."""
    app.jinja_env.globals.update(permissions.PREDICATES)
    app.jinja_env.globals.update(vocabulary_globals())
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale())
    app.jinja_env.globals["lang_url"] = _lang_url
    app.jinja_env.globals["now_utc"] = utcnow
    app.jinja_env.filters["mask_name"] = mask_name
    app.jinja_env.filters["scrub"] = scrub_personal_data
    app.jinja_env.filters["datetime"] = lambda value, fmt="yyyy-MM-dd HH:mm": (
        format_datetime(value, fmt) if value else "")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True


def _lang_url(lang: str) -> str:
    """This page in another interface language."""
    args = request.args.to_dict()
    args["lang"] = lang
    return f"{request.path}?{urlencode(args)}"
