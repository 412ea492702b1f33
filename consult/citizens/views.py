"""Citizens' account pages (blueprint `citizens`, under /accounts/): register, verify, reset password,
我的意见, claim, follow a draft. Registration, reset requests and claims are rate-limited per address
(REGISTER_RATE_LIMIT, RESET_RATE_LIMIT; claims share the receipt look-up limit RECEIPT_RATE_LIMIT).
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from consult.citizens import services as citizens
from consult.accounts.forms import ClaimForm, EmailForm, NewPasswordForm, RegisterForm
from consult.accounts.services import AccountError
from consult.actions import perform
from consult.comments.vocabulary import decision_public
from consult.drafts.models import Draft
from consult.extensions import db, limiter

# Its own blueprint under /accounts: the login page's 429 handler (failed sign-ins) is not ours.
bp = Blueprint("citizens", __name__, url_prefix="/accounts")


def _register_limit() -> str:
    return current_app.config["REGISTER_RATE_LIMIT"]


def _reset_limit() -> str:
    return current_app.config["RESET_RATE_LIMIT"]


def _receipt_limit() -> str:
    return current_app.config["RECEIPT_RATE_LIMIT"]


_LIMITED_FORMS = {"citizens.register": ("accounts/register.html", RegisterForm),
                  "citizens.reset_request": ("accounts/reset_request.html", EmailForm)}


@bp.errorhandler(429)
def too_many(error):
    """Too many registrations, reset requests or claims from this address: the page again with the reason."""
    template, form_class = _LIMITED_FORMS.get(request.endpoint, (None, None))
    if template is None:
        return render_template("errors/error.html", code=429, message=_("操作过于频繁，请稍后再试。"),
                               description=""), 429
    form = form_class()
    form.form_errors.append(_("操作过于频繁，请稍后再试。"))
    return render_template(template, form=form), 429


def _citizen_required():
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    if current_user.role != "citizen":
        abort(403)
    return None


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_register_limit, methods=["POST"], key_func=lambda: "register:" + (request.remote_addr or ""))
def register():
    """Create a citizen account; the verification e-mail goes to the address given."""
    form = RegisterForm()
    if request.method == "GET":
        return render_template("accounts/register.html", form=form)

    def create():
        user = citizens.register(form.email.data, form.password.data, form.display_name.data)
        citizens.send_verification(user)
        return user

    return perform(create, form=form, success=None,
                   redirect_to=lambda user: url_for("citizens.registered", email=user.email),
                   rerender=lambda: render_template("accounts/register.html", form=form))


@bp.route("/registered")
def registered():
    """Tell the new citizen to open the link in the e-mail; offer to send it again."""
    return render_template("accounts/registered.html", email=request.args.get("email", "")[:200],
                           form=EmailForm(email=request.args.get("email", "")[:200]))


@bp.route("/verify/resend", methods=["POST"])
@limiter.limit(_reset_limit, key_func=lambda: "verify-resend:" + (request.remote_addr or ""))
def resend_verification():
    """Send the verification e-mail again (the same answer whether or not the address is registered)."""
    form = EmailForm()

    def resend():
        user = citizens.user_by_email(citizens.normal_email(form.email.data))
        if user is not None and user.email_verification_pending:
            citizens.send_verification(user)

    return perform(resend, form=form, success=_("如果该邮箱已注册且尚未验证，我们已重新发送验证邮件。"),
                   redirect_to=url_for("accounts.login"))


@bp.route("/verify/<token>")
def verify(token: str):
    """Open the link from the verification e-mail: the account can then sign in."""
    try:
        citizens.verify_email(token)
    except AccountError as error:
        db.session.rollback()
        return render_template("accounts/message.html", title=_("邮箱验证"), message=error.message,
                               error=True), 400
    db.session.commit()
    flash(_("邮箱已验证，现在可以登录了。"), "success")
    return redirect(url_for("accounts.login"))


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"], key_func=lambda: "reset:" + (request.remote_addr or ""))
def reset_request():
    """Ask for a password-reset e-mail."""
    form = EmailForm()
    if request.method == "GET":
        return render_template("accounts/reset_request.html", form=form)
    return perform(lambda: citizens.request_password_reset(form.email.data), form=form,
                   success=_("如果该邮箱已注册，我们已发送重设密码的邮件，请在有效期内打开其中的链接。"),
                   redirect_to=url_for("accounts.login"),
                   rerender=lambda: render_template("accounts/reset_request.html", form=form))


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Choose a new password through the link from the reset e-mail (the link then stops working)."""
    form = NewPasswordForm()
    try:
        citizens.user_of_reset_token(token)
    except AccountError as error:
        return render_template("accounts/message.html", title=_("重设密码"), message=error.message,
                               error=True), 400
    if request.method == "GET":
        return render_template("accounts/reset_password.html", form=form)
    return perform(lambda: citizens.reset_password(token, form.password.data), form=form,
                   success=_("密码已重设，请用新密码登录。"), redirect_to=url_for("accounts.login"),
                   rerender=lambda: render_template("accounts/reset_password.html", form=form))


@bp.route("/my-comments")
@login_required
def my_comments():
    """我的意见: the citizen's comments with state and decision, the drafts followed, a claim form."""
    refused = _citizen_required()
    if refused is not None:
        return refused
    return _my_comments_page(ClaimForm())


def _my_comments_page(form):
    return render_template("accounts/my_comments.html", comments=citizens.my_comments(current_user),
                           follows=citizens.followed_drafts(current_user), form=form,
                           decision_public=decision_public)


@bp.route("/my-comments/claim", methods=["POST"])
@login_required
@limiter.shared_limit(_receipt_limit, scope="receipt-lookup")
def claim():
    """Claim a comment made before registering, by its receipt code."""
    refused = _citizen_required()
    if refused is not None:
        return refused
    form = ClaimForm()
    return perform(lambda: citizens.claim_comment(current_user, form.code.data), form=form,
                   success=lambda c: _("已将回执编号为 %(code)s 的意见加入“我的意见”。", code=c.receipt_code),
                   redirect_to=url_for("citizens.my_comments"),
                   rerender=lambda: _my_comments_page(form))


@bp.route("/follow/<int:draft_id>", methods=["POST"])
@login_required
def follow(draft_id: int):
    """Follow (or, with follow=0, stop following) a published draft."""
    refused = _citizen_required()
    if refused is not None:
        return refused
    draft = db.session.get(Draft, draft_id)
    if draft is None or not draft.is_published:
        abort(404)
    wanted = request.form.get("follow", "1") != "0"
    return perform(lambda: citizens.set_following(current_user, draft, wanted), success=(
        _("已关注该草案，可在“我的意见”中查看。") if wanted else _("已取消关注该草案。")),
        redirect_to=url_for("drafts.show", draft_id=draft.id))


@bp.app_context_processor
def _follow_helpers():
    return {"is_following_draft": lambda draft: citizens.is_following(current_user, draft)}
