"""Admin pages: users and roles, facilitators' contact points, contact point import."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from consult.accounts.models import ROLES, User
from consult.accounts.permissions import can_manage_users
from consult.accounts.services import AccountError, create_user, import_contact_points, update_user
from consult.admin import queries
from consult.admin.forms import ROLE_LABELS, ContactPointImportForm, UserCreateForm, UserEditForm, split_codes
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
    """Role names in the interface language."""
    return {"role_labels": ROLE_LABELS}


@bp.route("/")
def index():
    """Counts of users per role and of contact points, with links to manage them."""
    return render_template("admin/index.html", role_counts=queries.role_counts(),
                           point_count=len(queries.contact_points()), districts=queries.districts())


@bp.route("/users")
def users():
    """Every account, optionally of one role."""
    role = request.args.get("role") if request.args.get("role") in ROLES else None
    return render_template("admin/users.html", users=queries.users(role), role=role, roles=ROLES)


def _points_from(form) -> list | None:
    """The contact points typed as codes, or None after marking the field when a code is unknown."""
    points, missing = queries.contact_points_by_codes(split_codes(form.contact_points.data))
    if missing:
        form.contact_points.errors = list(form.contact_points.errors) + [
            _("没有这些联系点编码：%(codes)s", codes="、".join(missing))]
        return None
    return points


def _warn_unbound(user: User) -> None:
    if user.role == "facilitator" and not user.contact_points:
        flash(_("提示：该联络员还没有绑定联系点，暂时不能录入意见。"), "warning")


@bp.route("/users/new", methods=["GET", "POST"])
def user_new():
    """Create an account with a role and, for a facilitator, contact points."""
    form = UserCreateForm()
    if form.validate_on_submit():
        points = _points_from(form)
        if points is not None:
            try:
                user = create_user(form.username.data, form.password.data, form.role.data,
                                   display_name=form.display_name.data or "", email=form.email.data or None,
                                   contact_points=points, actor=current_user)
            except AccountError as exc:
                db.session.rollback()
                form.form_errors.append(str(exc))
            else:
                db.session.commit()
                flash(_("已创建用户 %(name)s。", name=user.username), "success")
                _warn_unbound(user)
                return redirect(url_for(".users"))
    status = 422 if request.method == "POST" else 200
    return render_template("admin/user_form.html", form=form, user=None), status


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
def user_edit(user_id: int):
    """Change a user's role, state, name, contact points or password."""
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    form = UserEditForm(obj=user)
    if request.method == "GET":
        form.contact_points.data = ", ".join(cp.code for cp in user.contact_points)
    if form.validate_on_submit():
        points = _points_from(form)
        if points is not None:
            try:
                update_user(user, role=form.role.data, active=form.active.data,
                            display_name=form.display_name.data or "", contact_points=points,
                            password=form.password.data or None, actor=current_user)
            except AccountError as exc:
                db.session.rollback()
                form.form_errors.append(str(exc))
            else:
                db.session.commit()
                flash(_("已保存用户 %(name)s。", name=user.username), "success")
                _warn_unbound(user)
                return redirect(url_for(".users"))
    status = 422 if request.method == "POST" else 200
    return render_template("admin/user_form.html", form=form, user=user), status


def decode_csv(data: bytes) -> str | None:
    """CSV text as saved by a spreadsheet program: UTF-8 (with or without BOM) or GB18030; None if neither."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


@bp.route("/contact-points", methods=["GET", "POST"])
def contact_points():
    """Contact points by district, and a CSV upload that creates or updates them (all rows or none)."""
    form = ContactPointImportForm()
    district = request.args.get("district") or None
    errors: list[str] = []
    if form.validate_on_submit():
        text = decode_csv(form.file.data.read())
        if text is None:
            errors = [_("无法读取文件：请另存为 UTF-8 编码的 CSV 后再上传。")]
        else:
            try:
                result = import_contact_points(text, actor=current_user)
            except AccountError as exc:
                db.session.rollback()
                errors = [part for part in str(exc).split("；") if part]
            else:
                db.session.commit()
                flash(_("联系点已导入：新建 %(c)s 个，更新 %(u)s 个。", c=result["created"], u=result["updated"]),
                      "success")
                return redirect(url_for(".contact_points"))
    status = 422 if request.method == "POST" else 200
    return render_template("admin/contact_points.html", form=form, errors=errors, district=district,
                           points=queries.contact_points(district), districts=queries.districts(),
                           facilitators=queries.facilitator_counts()), status
