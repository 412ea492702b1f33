"""Admin pages: users and roles, facilitators' contact points, contact point import."""
from __future__ import annotations

from flask import Blueprint, abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from consult.accounts import queries as account_queries
from consult.accounts.models import ROLES, User
from consult.accounts.permissions import can_manage_users
from consult.accounts.services import create_user, update_user
from consult.actions import perform
from consult.admin.forms import ROLE_LABELS, UserCreateForm, UserEditForm
from consult.contact_points import queries
from consult.contact_points.forms import ContactPointImportForm
from consult.contact_points.imports import ContactPointImportError, import_contact_points_file
from consult.contact_points.services import points_from_codes
from consult.contact_points.vocabulary import CONTACT_POINT_KIND
from consult.extensions import db

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def require_admin():
    """Every admin page needs a signed-in administrator."""
    if not can_manage_users(current_user):
        abort(403)


@bp.context_processor
def role_labels():
    """Role names and contact point kinds in the interface language."""
    return {"role_labels": ROLE_LABELS, "point_kind": CONTACT_POINT_KIND}


@bp.route("/")
def index():
    """Counts of users per role and of contact points, with links to manage them."""
    return render_template("admin/index.html", role_counts=account_queries.role_counts(),
                           point_count=queries.point_count(), districts=queries.districts())


@bp.route("/users")
def users():
    """Every account, optionally of one role."""
    role = request.args.get("role") if request.args.get("role") in ROLES else None
    return render_template("admin/users.html", users=account_queries.users(role), role=role, roles=ROLES)


def _saved(user: User) -> str:
    """The flash after saving a user, with a warning when a facilitator can enter nothing yet."""
    if user.role == "facilitator" and not user.contact_points:
        flash(_("提示：该联络员还没有绑定联系点，暂时不能录入意见。"), "warning")
    return _("已保存用户 %(name)s。", name=user.username)


@bp.route("/users/new", methods=["GET", "POST"])
def user_new():
    """Create an account with a role and, for a facilitator, contact points."""
    form = UserCreateForm()
    render = lambda: render_template("admin/user_form.html", form=form, user=None)  # noqa: E731
    if request.method == "GET":
        return render()
    return perform(lambda: create_user(
        form.username.data, form.password.data, form.role.data, display_name=form.display_name.data or "",
        email=form.email.data or None, contact_points=points_from_codes(form.contact_points.data),
        actor=current_user), form=form, rerender=render, success=_saved, redirect_to=url_for(".users"))


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
def user_edit(user_id: int):
    """Change a user's role, state, name, contact points or password."""
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    form = UserEditForm(obj=user)
    render = lambda: render_template("admin/user_form.html", form=form, user=user)  # noqa: E731
    if request.method == "GET":
        form.contact_points.data = ", ".join(cp.code for cp in user.contact_points)
        return render()
    return perform(lambda: update_user(
        user, role=form.role.data, active=form.active.data, display_name=form.display_name.data or "",
        contact_points=points_from_codes(form.contact_points.data), password=form.password.data or None,
        actor=current_user), form=form, rerender=render, success=_saved, redirect_to=url_for(".users"))


@bp.route("/contact-points", methods=["GET", "POST"])
def contact_points():
    """Contact points by district, and a CSV upload that creates or updates them (all rows or none)."""
    form = ContactPointImportForm()
    district = request.args.get("district") or None
    refused: dict = {"errors": []}

    def render():
        return render_template("admin/contact_points.html", form=form, errors=refused["errors"], district=district,
                               points=queries.all_points(district), districts=queries.districts(),
                               facilitators=queries.facilitator_counts())

    if request.method == "GET":
        return render()

    def run():
        try:
            return import_contact_points_file(form.file.data.read(), actor=current_user)
        except ContactPointImportError as exc:
            refused["errors"] = exc.errors  # one line per problem, listed above the form
            raise

    return perform(run, form=form, rerender=render, redirect_to=url_for(".contact_points"),
                   success=lambda r: _("联系点已导入：新建 %(c)s 个，更新 %(u)s 个。", c=r["created"], u=r["updated"]))
