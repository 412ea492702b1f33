"""Configuration classes; environment variables override the defaults."""
import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Config:
    """Defaults for the demo and a single-server deployment (SQLite + on-disk Whoosh index)."""

    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-change-me")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")  # None → SQLite in the instance folder
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    SEARCH_INDEX_DIR = os.environ.get("SEARCH_INDEX_DIR", str(PROJECT_ROOT / "search_index"))
    # "inline": index right after each request commits (demo, one server);
    # "external": a separate `consult search worker` process drains the outbox.
    SEARCH_INDEXING = os.environ.get("SEARCH_INDEXING", "inline")
    EXPORT_DIR = os.environ.get("EXPORT_DIR")  # None → instance/exports
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_UPLOAD_BYTES", 20 * 1024 * 1024))
    BABEL_DEFAULT_LOCALE = "zh_Hans_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = ("zh_Hans_CN", "en")
    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = True
    COMMENT_RATE_LIMIT = os.environ.get("COMMENT_RATE_LIMIT", "10 per minute;100 per day")
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "5 per minute;50 per hour")
    EXPORT_FONT_BODY = os.environ.get("EXPORT_FONT_BODY", "仿宋_GB2312")
    EXPORT_FONT_HEADING = os.environ.get("EXPORT_FONT_HEADING", "黑体")
    EXPORT_FONT_TITLE = os.environ.get("EXPORT_FONT_TITLE", "方正小标宋简体")


class ProductionConfig(Config):
    """Production: secure cookies; SECRET_KEY and DATABASE_URL must come from the environment."""

    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True


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
