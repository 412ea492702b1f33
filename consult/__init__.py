"""consult: public consultation on draft legislation.

`create_app()` reads like a table of contents: configuration, secret key, extensions, blueprints,
commands, error handlers, security. Nothing happens at import time.
"""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from consult.config import PROJECT_ROOT, Config, TestConfig, config_from_environment
from consult.security import (
    HttpsAwareSessionInterface, ensure_secret_key, set_security_headers, trust_proxies)

__all__ = ["Config", "TestConfig", "create_app", "normalise_database_url"]


def create_app(config: type | dict | None = None, *, command_line: bool = False) -> Flask:
    """Build the application; `config` is a Config class or a mapping of overrides (None: the environment's).

    `command_line` is set by the `consult` CLI, whose commands need no secret key (see consult.security).
    """
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    load_config(app, config, default="development" if command_line else "production")
    ensure_secret_key(app, command_line=command_line)
    register_extensions(app)
    register_blueprints(app)
    register_commands(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_security_headers(app)
    return app


def load_config(app: Flask, config, default: str = "production") -> None:
    """Apply the config class, then overrides, then the SQLite default in the instance folder.

    Without `config` the class comes from the environment (CONSULT_CONFIG, FLASK_DEBUG; see consult.config).
    """
    app.config.from_object(config_from_environment(default=default) if config is None else Config)
    if isinstance(config, dict):
        app.config.update(config)
    elif config is not None:
        app.config.from_object(config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(app.instance_path, "consult.db")
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if not app.config.get("EXPORT_DIR"):
        app.config["EXPORT_DIR"] = os.path.join(app.instance_path, "exports")


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver for plain postgresql:// URLs (SQLAlchemy would look for psycopg2)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def register_extensions(app: Flask) -> None:
    """Bind the unbound extensions of `consult.extensions` to this app."""
    from flask_babel import lazy_gettext

    from consult.database import configure_engine_events
    from consult.extensions import babel, csrf, db, limiter, login_manager, migrate
    from consult.i18n import remember_choice, select_locale

    db.init_app(app)
    with app.app_context():
        configure_engine_events(db.engine)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = lazy_gettext("请先登录。")
    login_manager.localize_callback = str  # the lazy message, in the language of the request that flashes it
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, default_translation_directories=str(
        Path(__file__).parent / "translations"))
    limiter.init_app(app)
    app.after_request(remember_choice)
    import consult.models  # noqa: F401  (every table in the metadata; registers the user loader)
    from consult.search.hooks import init_app as init_search_hooks

    init_search_hooks(app)
    from consult.notifications.hooks import init_app as init_notification_hooks

    init_notification_hooks(app)


def register_blueprints(app: Flask) -> None:
    """One blueprint per feature package: name = package = template folder = URL prefix."""
    from consult.accounts.views import bp as accounts_bp
    from consult.citizens.views import bp as citizens_bp
    from consult.admin import api_tokens  # noqa: F401  (the API token pages, on the admin blueprint)
    from consult.admin.views import bp as admin_bp
    from consult.api.views import bp as api_bp
    from consult.comments.views import bp as comments_bp
    from consult.drafts.views import bp as drafts_bp
    from consult.exports.views import bp as exports_bp
    from consult.intake.views import bp as intake_bp
    from consult.outreach.views import bp as outreach_bp
    from consult.report.views import bp as report_bp
    from consult.review.views import bp as review_bp
    from consult.search.views import bp as search_bp
    from consult.themes.views import bp as themes_bp

    from consult.home import index

    for bp in (drafts_bp, comments_bp, intake_bp, review_bp, search_bp, exports_bp, accounts_bp, admin_bp):
        app.register_blueprint(bp)
    app.register_blueprint(outreach_bp)  # /q/<code> short links and /outreach/ pages
    app.register_blueprint(report_bp)
    app.register_blueprint(api_bp)  # /api/v1/… (JSON), /api/openapi.json, /api/docs
    app.register_blueprint(themes_bp)  # /themes/…: key terms, clusters and 意见要点 for staff
    from consult.notifications.views import bp as notifications_bp

    app.register_blueprint(notifications_bp)  # /notifications/…: unsubscribe, staff status per release
    app.register_blueprint(citizens_bp)  # /accounts/register, /accounts/my-comments …: citizen accounts
    app.add_url_rule("/", "index", index)


def register_commands(app: Flask) -> None:
    """Attach the `consult` command groups (the same services the views call)."""
    from consult.cli import register

    register(app)


def register_errorhandlers(app: Flask) -> None:
    """Render friendly error pages in the user's language."""
    from consult.errors import register as register_errors

    register_errors(app)


def register_template_helpers(app: Flask) -> None:
    """Expose permission predicates and formatting helpers to every template."""
    from consult.templating import register as register_templating

    register_templating(app)


def register_security_headers(app: Flask) -> None:
    """CSP and hardening headers, HSTS and Secure cookies over HTTPS, trusted reverse proxies."""
    app.session_interface = HttpsAwareSessionInterface()
    trust_proxies(app)
    app.after_request(set_security_headers)
