"""The factory, configuration, security headers and error pages."""
from consult import create_app, normalise_database_url
from consult.config import TestConfig


def test_factory_uses_given_config():
    app = create_app(TestConfig)
    assert app.testing
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith(("sqlite", "postgresql+psycopg"))


def test_default_database_is_sqlite_in_instance_folder(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"SQLALCHEMY_DATABASE_URI": None})
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("instance/consult.db")


def test_postgres_urls_use_psycopg3():
    assert normalise_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("sqlite://") == "sqlite://"


def test_security_headers(client):
    response = client.get("/drafts/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_session_cookie_flags(app):
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_root_redirects_to_drafts(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/drafts/")


def test_404_page_is_friendly_chinese(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "找不到该页面" in response.get_data(as_text=True)


def test_english_interface_available(client):
    response = client.get("/no-such-page?lang=en")
    assert response.status_code == 404
    assert 'lang="en"' in response.get_data(as_text=True)


def test_sqlite_file_database_uses_wal(tmp_path):
    from sqlalchemy import text

    from consult.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/wal.db", "TESTING": True})
    with app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == 5000
        db.session.remove()
        db.engine.dispose()


def test_language_choice_is_remembered(client):
    response = client.get("/drafts/?lang=en")
    assert "lang=en" in response.headers.get("Set-Cookie", "")
    assert 'lang="en"' in client.get("/drafts/").get_data(as_text=True)
    assert 'lang="zh-CN"' in client.get("/drafts/?lang=zh_Hans_CN").get_data(as_text=True)


def test_gettext_works_outside_requests(app):
    from flask_babel import gettext

    assert gettext("找不到该页面。") == "找不到该页面。"
