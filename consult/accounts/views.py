"""Sign in and sign out; the signed-in user's own account page.

Login throttling counts failed attempts only, never successful ones (an office behind one address can
sign ten people in at 9 am): LOGIN_FAILURES_PER_ACCOUNT per username, LOGIN_FAILURES_PER_ADDRESS per
client address over all usernames. Once a limit is reached every attempt is refused with 429 until it
expires, the right password included.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, g, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user

from consult.accounts import services
from consult.accounts.forms import LoginForm
from consult.accounts.models import ROLE_LABELS
from consult.accounts.permissions import is_facilitator
from consult.actions import perform
from consult.extensions import limiter

bp = Blueprint("accounts", __name__, url_prefix="/accounts")


def is_safe_next(target: str | None) -> bool:
    """Only relative paths on this site are allowed as a post-login redirect."""
    if not target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//") \
        and "\\" not in target


def landing_page(user) -> str:
    """Where a user goes after signing in without a `next`: facilitators to intake, others to the home page."""
    return url_for("intake.index") if is_facilitator(user) else url_for("index")


def _login_failed(response) -> bool:
    return bool(g.get("login_failed"))


def _account_key() -> str:
    return "login-account:" + (request.form.get("username") or "").strip().lower()


def _address_key() -> str:
    return "login-address:" + (get_remote_address() or "")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_FAILURES_PER_ACCOUNT"], key_func=_account_key,
               methods=["POST"], deduct_when=_login_failed)
@limiter.limit(lambda: current_app.config["LOGIN_FAILURES_PER_ADDRESS"], key_func=_address_key,
               methods=["POST"], deduct_when=_login_failed)
def login():
    """Sign in, then go back to the page that asked for it (or to the role's landing page)."""
    form = LoginForm()
    g.login_failed = False
    if request.method == "GET":
        return render_template("accounts/login.html", form=form)
    target = request.args.get("next")
    return perform(lambda: _sign_in(form), form=form, success=None,
                   redirect_to=lambda user: target if is_safe_next(target) else landing_page(user),
                   rerender=lambda: render_template("accounts/login.html", form=form))


def _sign_in(form: LoginForm):
    try:
        user = services.sign_in(form.username.data, form.password.data)
    except services.AccountError:
        g.login_failed = True
        raise
    session.clear()  # a fresh session (and CSRF token) for the signed-in user
    login_user(user)
    return user


@bp.errorhandler(429)
def too_many_failures(error):
    """Too many failed sign-ins for this account or address: say so on the login page."""
    form = LoginForm()
    form.form_errors.append(_("登录失败次数过多，请稍后再试。"))
    return render_template("accounts/login.html", form=form), 429


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Sign out here and on every other device (copied cookies included)."""
    return perform(_sign_out, success=_("您已退出登录。"), redirect_to=url_for("index"))


def _sign_out():
    services.sign_out(current_user._get_current_object())
    logout_user()
    session.clear()


@bp.route("/me")
@login_required
def me():
    """The signed-in user's role and contact points, with links to the pages of that role."""
    return render_template("accounts/me.html", user=current_user, role_labels=ROLE_LABELS)
