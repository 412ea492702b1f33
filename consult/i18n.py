"""Locale selection: an explicit choice (cookie or ?lang=), else the browser's, Simplified Chinese by default."""
from flask import current_app, has_request_context, request


def select_locale() -> str:
    """Pick the interface language for this request (the default outside requests: CLI, workers)."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return languages[0]
    chosen = request.args.get("lang") or request.cookies.get("lang")
    if chosen in languages:
        return chosen
    best = request.accept_languages.best_match(["zh", "en"])
    return "en" if best == "en" else languages[0]


def remember_choice(response):
    """Keep an explicit ?lang= choice in a cookie so the next pages stay in that language."""
    if has_request_context():
        chosen = request.args.get("lang")
        if chosen in current_app.config["LANGUAGES"] and chosen != request.cookies.get("lang"):
            response.set_cookie("lang", chosen, max_age=365 * 24 * 3600, httponly=True, samesite="Lax")
    return response
