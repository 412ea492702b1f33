"""Configuration classes; environment variables override the defaults.

`create_app()` without an explicit configuration picks the class from the environment
(`config_from_environment`): `CONSULT_CONFIG=production|development|test`, else `development` under
`FLASK_DEBUG=1` and `production` otherwise — so `gunicorn 'consult:create_app()'` runs `ProductionConfig`.
No secret key is written in the source: outside debug, tests and `consult demo` the app refuses to serve
without `SECRET_KEY` (see `consult.security`).
"""
import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Config:
    """Defaults for the demo and a single-server deployment (SQLite + on-disk Whoosh index)."""

    SECRET_KEY = os.environ.get("SECRET_KEY") or None  # None → refused outside debug, tests and the demo
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")  # None → SQLite in the instance folder
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    SEARCH_INDEX_DIR = os.environ.get("SEARCH_INDEX_DIR", str(PROJECT_ROOT / "search_index"))
    # "whoosh": the embedded index in SEARCH_INDEX_DIR; "postgres": a table of the PostgreSQL database,
    # shared by every app server (docs/DEPLOYMENT.md).
    SEARCH_BACKEND = os.environ.get("SEARCH_BACKEND", "whoosh")
    # "inline": index right after each request commits (demo, one server);
    # "external": a separate `consult search worker` process drains the outbox.
    SEARCH_INDEXING = os.environ.get("SEARCH_INDEXING", "inline")
    EXPORT_DIR = os.environ.get("EXPORT_DIR")  # None → instance/exports
    # "directory": files under EXPORT_DIR (one server, or a directory every server mounts);
    # "database": in the export_files table, readable by every app server.
    EXPORT_STORAGE = os.environ.get("EXPORT_STORAGE", "directory")
    # "thread": background work in a thread of the web process; "rq": on Redis (JOB_QUEUE_URL) for
    # `consult worker` processes on any machine (docs/DEPLOYMENT.md).
    JOB_QUEUE = os.environ.get("JOB_QUEUE", "thread")
    JOB_QUEUE_URL = os.environ.get("JOB_QUEUE_URL", "redis://127.0.0.1:6379/0")
    JOB_STALL_SECONDS = int(os.environ.get("JOB_STALL_SECONDS", 60))
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_UPLOAD_BYTES", 20 * 1024 * 1024))
    BABEL_DEFAULT_LOCALE = "zh_Hans_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = ("zh_Hans_CN", "en")
    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # Number of reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host are trusted (ProxyFix).
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", 0))
    HSTS_MAX_AGE = int(os.environ.get("HSTS_MAX_AGE", 365 * 24 * 3600))
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = True
    COMMENT_RATE_LIMIT = os.environ.get("COMMENT_RATE_LIMIT", "10 per minute;100 per day")
    # Failed sign-ins only (successful ones never count): per account, and per address over all accounts.
    LOGIN_FAILURES_PER_ACCOUNT = os.environ.get("LOGIN_FAILURES_PER_ACCOUNT", "5 per 15 minutes;20 per day")
    LOGIN_FAILURES_PER_ADDRESS = os.environ.get("LOGIN_FAILURES_PER_ADDRESS", "20 per 15 minutes;100 per day")
    RECEIPT_RATE_LIMIT = os.environ.get("RECEIPT_RATE_LIMIT", "20 per minute;200 per day")
    # Citizen accounts: registrations and password-reset requests per address; token lifetimes (seconds).
    REGISTER_RATE_LIMIT = os.environ.get("REGISTER_RATE_LIMIT", "5 per hour;20 per day")
    RESET_RATE_LIMIT = os.environ.get("RESET_RATE_LIMIT", "5 per hour;20 per day")
    EMAIL_VERIFY_MAX_AGE = int(os.environ.get("EMAIL_VERIFY_MAX_AGE", 3 * 24 * 3600))
    PASSWORD_RESET_MAX_AGE = int(os.environ.get("PASSWORD_RESET_MAX_AGE", 3600))
    # Outgoing mail (consult/mail.py); an empty MAIL_SERVER disables mail (messages are only logged).
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", 25))
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "").lower() in ("1", "true", "yes", "on")
    MAIL_USE_SSL = os.environ.get("MAIL_USE_SSL", "").lower() in ("1", "true", "yes", "on")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "consult@localhost")
    # Notifications: a failed send is retried after 1, 2, 4 … minutes, at most this many attempts.
    NOTIFY_MAX_ATTEMPTS = int(os.environ.get("NOTIFY_MAX_ATTEMPTS", 6))
    NOTIFY_RETRY_SECONDS = int(os.environ.get("NOTIFY_RETRY_SECONDS", 60))
    NOTIFY_AUTOSTART = True  # start a release's notification job after the release commits
    # API: submissions per token (another system speaks for many residents); CORS origins, comma-separated
    # (empty: no cross-origin access at all).
    API_COMMENT_RATE_LIMIT = os.environ.get("API_COMMENT_RATE_LIMIT", "120 per minute;5000 per day")
    API_CORS_ORIGINS = os.environ.get("API_CORS_ORIGINS", "")
    # Citizens' search, per address (guessing masked text by search must stay slow).
    SEARCH_RATE_LIMIT = os.environ.get("SEARCH_RATE_LIMIT", "30 per minute;600 per day")
    # Queued index changes older than this make staff see "index behind" and query exports refuse.
    SEARCH_BEHIND_SECONDS = int(os.environ.get("SEARCH_BEHIND_SECONDS", 120))
    EXPORT_FONT_BODY = os.environ.get("EXPORT_FONT_BODY", "仿宋_GB2312")
    EXPORT_FONT_HEADING = os.environ.get("EXPORT_FONT_HEADING", "黑体")
    EXPORT_FONT_TITLE = os.environ.get("EXPORT_FONT_TITLE", "方正小标宋简体")
    # The body that signs feedback letters (意见反馈函), and the 文号 they carry unless one is typed on the form.
    ISSUING_BODY = os.environ.get("ISSUING_BODY", "市人大常委会法制工作委员会")
    FEEDBACK_DOC_NUMBER = os.environ.get("FEEDBACK_DOC_NUMBER", "")
    # Stored export files (they may hold names and contacts) are deleted this many days after they were made.
    EXPORT_RETENTION_DAYS = int(os.environ.get("EXPORT_RETENTION_DAYS", 7))


class DevelopmentConfig(Config):
    """Development and `consult demo`: plain HTTP on this machine (cookies Secure only over HTTPS)."""


class ProductionConfig(Config):
    """Production: Secure cookies, https URLs; SECRET_KEY and DATABASE_URL must come from the environment."""

    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"


class TestConfig(Config):
    """Tests: an in-memory SQLite database unless TEST_DATABASE_URL points at PostgreSQL."""

    TESTING = True
    SECRET_KEY = "test"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = False
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # fast hashing for test users only
    RATELIMIT_ENABLED = False
    SEARCH_INDEXING = "inline"
    SERVER_NAME = None
    NOTIFY_AUTOSTART = False  # tests run notification jobs themselves


CONFIGS = {"production": ProductionConfig, "development": DevelopmentConfig, "test": TestConfig}
_TRUE = ("1", "true", "yes", "on")


def config_from_environment(environ=None, default: str = "production") -> type:
    """The configuration class named by CONSULT_CONFIG, else development under FLASK_DEBUG, else `default`."""
    environ = os.environ if environ is None else environ
    name = (environ.get("CONSULT_CONFIG") or "").strip().lower()
    if not name:
        name = "development" if environ.get("FLASK_DEBUG", "").lower() in _TRUE else default
    if name not in CONFIGS:
        raise RuntimeError(f"CONSULT_CONFIG={name!r} is unknown: use one of {', '.join(CONFIGS)}")
    return CONFIGS[name]
