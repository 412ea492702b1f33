"""Transport and secret hardening: the secret key rule, Secure cookies and HSTS over HTTPS, proxy headers.

The rule for `SECRET_KEY`: a key written in the source would let anyone forge a session (an admin's
included), so there is none. Without `SECRET_KEY` the app serves only in debug, in tests and for
`consult demo`, each on a random key of this process (sessions end when it stops). Anywhere else
`create_app()` refuses with one line; a CLI process (which runs commands, not pages) answers every
request with that line instead, unless it is the demo.
"""
from __future__ import annotations

import secrets

from flask import Flask, Response, current_app, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

MISSING_SECRET_KEY = ("SECRET_KEY is not set: export SECRET_KEY=<a long random string> before serving "
                      "(only debug, tests and `consult demo` run without one)")

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


class MissingSecretKey(RuntimeError):
    """The app was asked to serve without SECRET_KEY outside debug, tests and the demo."""


def ensure_secret_key(app: Flask, command_line: bool = False) -> None:
    """Keep the configured key; else a per-process random key where allowed, else refuse (see module doc)."""
    if app.config.get("SECRET_KEY"):
        return
    if not (app.debug or app.testing or command_line):
        raise MissingSecretKey(MISSING_SECRET_KEY)
    app.config["SECRET_KEY"] = secrets.token_hex(32)
    if app.debug or app.testing:
        return

    @app.before_request
    def refuse_without_secret_key():
        if not app.config.get("DEMO"):
            return Response(MISSING_SECRET_KEY + "\n", 503, mimetype="text/plain")
        return None


class HttpsAwareSessionInterface(SecureCookieSessionInterface):
    """Signed-cookie sessions whose cookie is Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(super().get_cookie_secure(app) or request.is_secure)


def trust_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES reverse proxies, take the client address, scheme and host from their headers."""
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def set_security_headers(response):
    """CSP without inline script, the usual hardening headers, and HSTS on HTTPS responses."""
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if request.is_secure:
        max_age = int(current_app.config.get("HSTS_MAX_AGE", 31536000))
        response.headers.setdefault("Strict-Transport-Security", f"max-age={max_age}; includeSubDomains")
    return response
