"""Locale selection: an explicit choice (cookie or ?lang=), else the browser's, Simplified Chinese by default."""
from flask import current_app, request


def select_locale() -> str:
    """Pick the interface language for this request."""
    languages = current_app.config["LANGUAGES"]
    chosen = request.args.get("lang") or request.cookies.get("lang")
    if chosen in languages:
        return chosen
    best = request.accept_languages.best_match(["zh", "en"])
    return "en" if best == "en" else languages[0]
