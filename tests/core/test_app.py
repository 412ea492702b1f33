"""The factory, configuration, secret key, security headers, the home page and error pages."""
import pytest
from flask import Flask
from flask.sessions import SecureCookieSessionInterface

from consult import create_app, normalise_database_url
from consult.config import (
    PROJECT_ROOT, Config, DevelopmentConfig, ProductionConfig, TestConfig, config_from_environment)
from consult.security import MISSING_SECRET_KEY, MissingSecretKey


def test_factory_uses_given_config():
    app = create_app(TestConfig)
    assert app.testing
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith(("sqlite", "postgresql+psycopg"))


def test_default_database_is_sqlite_in_instance_folder(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"SQLALCHEMY_DATABASE_URI": None, "SECRET_KEY": "k"})
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("instance/consult.db")


def test_postgres_urls_use_psycopg3():
    assert normalise_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("sqlite://") == "sqlite://"


@pytest.mark.parametrize("environ, expected", [
    ({}, ProductionConfig), ({"FLASK_DEBUG": "1"}, DevelopmentConfig), ({"CONSULT_CONFIG": "test"}, TestConfig),
    ({"CONSULT_CONFIG": "Development", "FLASK_DEBUG": "0"}, DevelopmentConfig),
    ({"CONSULT_CONFIG": "production", "FLASK_DEBUG": "1"}, ProductionConfig),
])
def test_configuration_class_comes_from_the_environment(environ, expected):
    assert config_from_environment(environ) is expected


def test_unknown_configuration_name_is_one_clear_line():
    with pytest.raises(RuntimeError, match="CONSULT_CONFIG='staging' is unknown"):
        config_from_environment({"CONSULT_CONFIG": "staging"})


def test_gunicorn_factory_runs_production_config(monkeypatch):
    monkeypatch.delenv("CONSULT_CONFIG", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    monkeypatch.setattr(Config, "SECRET_KEY", "from-the-environment")
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["PREFERRED_URL_SCHEME"] == "https"


def test_no_secret_key_in_the_source():
    source = "".join(path.read_text("utf-8") for path in (PROJECT_ROOT / "consult").rglob("*.py"))
    assert "dev-only-change-me" not in source


def test_refuses_to_serve_without_secret_key(monkeypatch):
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    with pytest.raises(MissingSecretKey) as refused:
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": None})
    assert str(refused.value) == MISSING_SECRET_KEY and "\n" not in MISSING_SECRET_KEY


@pytest.mark.parametrize("overrides", [{"TESTING": True}, {"DEBUG": True}])
def test_debug_and_tests_run_on_a_random_key(overrides):
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": None, **overrides})
    other = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": None, **overrides})
    assert len(app.config["SECRET_KEY"]) >= 64 and app.config["SECRET_KEY"] != other.config["SECRET_KEY"]


def test_command_line_runs_commands_but_serves_only_the_demo(monkeypatch):
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": None}, command_line=True)
    refused = app.test_client().get("/drafts/privacy")
    assert refused.status_code == 503 and refused.get_data(as_text=True).strip() == MISSING_SECRET_KEY
    app.config["DEMO"] = True  # what `consult demo --serve` sets
    assert app.test_client().get("/drafts/privacy").status_code == 200


def test_session_forged_with_the_old_built_in_key_is_refused(app, client, make_user):
    admin = make_user("admin")
    forger = Flask("forger")
    forger.secret_key = "dev-only-change-me"
    cookie = SecureCookieSessionInterface().get_signing_serializer(forger).dumps(
        {"_user_id": admin.get_id(), "_fresh": True})
    client.set_cookie("session", cookie)
    response = client.get("/admin/users")
    assert response.status_code == 302 and "/accounts/login" in response.headers["Location"]


def test_security_headers(client):
    response = client.get("/drafts/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP: HSTS would mean nothing


def test_https_gets_hsts_and_secure_cookies(client, make_user):
    response = client.get("/drafts/", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    make_user("staff", username="li")
    secure = client.post("/accounts/login", base_url="https://localhost",
                         data={"username": "li", "password": "password123"})
    assert "Secure" in secure.headers["Set-Cookie"]


def test_plain_http_cookie_is_not_secure_in_development(client, make_user):
    make_user("staff", username="li")
    plain = client.post("/accounts/login", data={"username": "li", "password": "password123"})
    assert "Secure" not in plain.headers["Set-Cookie"]


@pytest.fixture
def app_config(tmp_path):
    return {"SEARCH_INDEX_DIR": str(tmp_path / "index"), "EXPORT_DIR": str(tmp_path / "exports"),
            "TRUSTED_PROXIES": 1}


def test_behind_a_trusted_proxy_the_forwarded_scheme_counts(client):
    response = client.get("/drafts/", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" in response.headers


def test_session_cookie_flags(app):
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_home_page_lists_drafts_for_visitors(client, make_draft):
    make_draft()
    page = client.get("/").get_data(as_text=True)
    assert "清江市文明旅游促进条例" in page and "凭回执编号查询" in page
    assert "工作台首页" not in page


def test_home_page_is_a_dashboard_for_staff(client, auth, make_draft, make_user):
    draft = make_draft()
    auth.login(make_user("staff"))
    page = client.get("/").get_data(as_text=True)
    for url in (f"/review/drafts/{draft.id}", f"/review/drafts/{draft.id}/duplicates",
                f"/review/drafts/{draft.id}/stats", f"/exports/drafts/{draft.id}", "/review/moderation",
                "/search/comments", "/exports/", "/accounts/me"):
        assert f'href="{url}' in page, url
    assert "/admin/" not in page


def test_home_page_for_facilitators_links_their_intake(client, auth, make_contact_point, make_user):
    auth.login(make_user("facilitator", [make_contact_point()]))
    page = client.get("/").get_data(as_text=True)
    assert 'href="/intake/"' in page and 'href="/intake/meetings/new"' in page and 'href="/intake/import"' in page


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
