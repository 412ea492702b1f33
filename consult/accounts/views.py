"""Sign in and sign out."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from consult.accounts.forms import LoginForm
from consult.accounts.services import authenticate
from consult.audit.services import record
from consult.extensions import db, limiter

bp = Blueprint("accounts", __name__, url_prefix="/accounts")


def is_safe_next(target: str | None) -> bool:
    """Only relative paths on this site are allowed as a post-login redirect."""
    if not target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//") \
        and "\\" not in target


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    """Sign in, then go back to the page that asked for it."""
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.username.data, form.password.data)
        if user is None:
            db.session.rollback()
            flash(_("用户名或密码不正确。"), "error")
        else:
            login_user(user)
            record(user, "user.login", user)
            db.session.commit()
            target = request.args.get("next")
            return redirect(target if is_safe_next(target) else url_for("drafts.index"))
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Sign out."""
    logout_user()
    flash(_("您已退出登录。"), "success")
    return redirect(url_for("drafts.index"))


@bp.route("/me")
@login_required
def me():
    """The signed-in user's roles and contact points."""
    return render_template("accounts/me.html", user=current_user)
