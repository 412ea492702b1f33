"""Citizen accounts (公众账户): self-registration with e-mail verification, password reset by e-mail,
claiming earlier comments by receipt code, following drafts. Flush, never commit.

Tokens are itsdangerous URLSafeTimedSerializer tokens signed with SECRET_KEY, one salt per purpose.
A reset token carries a fingerprint of the password hash: once the password changes (by this token or
otherwise) every earlier reset link is refused. A self-registered account cannot sign in before its
address is verified (`User.email_verification_pending`, checked by `services.sign_in`).
"""
from __future__ import annotations

import hashlib
import re

from flask import current_app, url_for
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select

from consult import mail
from consult.accounts.models import DraftFollow, User
from consult.accounts.services import AccountError, update_user
from consult.audit.services import record
from consult.comments.models import Comment
from consult.database import utcnow
from consult.extensions import db

EMAIL_RE = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
_VERIFY, _RESET = "consult-verify-email", "consult-password-reset"


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _fingerprint(user: User) -> str:
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:16]


def normal_email(email: str | None) -> str:
    """The address as stored and compared: trimmed, lower case; AccountError when it is not one."""
    email = (email or "").strip().lower()
    if not EMAIL_RE.match(email) or len(email) > 200:
        raise AccountError(_("请填写有效的电子邮箱地址。"), "email")
    return email


def user_by_email(email: str) -> User | None:
    """The account registered with this address (case-insensitive), if any."""
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def register(email: str, password: str, display_name: str = "") -> User:
    """A new citizen account, unverified until the link in the verification e-mail is opened."""
    email = normal_email(email)
    if user_by_email(email) is not None or db.session.scalar(select(User.id).where(User.username == email)):
        raise AccountError(_("该邮箱已注册。请直接登录，忘记密码可通过邮件重设。"), "email")
    if len(password or "") < 8:
        raise AccountError(_("密码至少需要 8 个字符。"), "password")
    user = User(username=email, email=email, role="citizen", display_name=(display_name or "").strip()[:100]
                or email.split("@")[0], registered_at=utcnow())
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    record(user, "user.register", user)
    return user


def verification_token(user: User) -> str:
    return _serializer(_VERIFY).dumps({"u": user.id, "e": user.email})


def verify_email(token: str) -> User:
    """Mark the token's address verified (again is harmless); AccountError for a bad or expired link."""
    try:
        data = _serializer(_VERIFY).loads(token or "", max_age=current_app.config["EMAIL_VERIFY_MAX_AGE"])
    except SignatureExpired:
        raise AccountError(_("验证链接已过期，请登录页重新发送验证邮件。")) from None
    except BadSignature:
        raise AccountError(_("验证链接无效：请使用邮件中的完整链接。")) from None
    user = db.session.get(User, data.get("u")) if isinstance(data, dict) else None
    if user is None or (user.email or "").lower() != (data.get("e") or "").lower():
        raise AccountError(_("验证链接无效：请使用邮件中的完整链接。"))
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
        db.session.flush()
        record(user, "user.verify_email", user)
    return user


def reset_token(user: User) -> str:
    return _serializer(_RESET).dumps({"u": user.id, "p": _fingerprint(user)})


def user_of_reset_token(token: str) -> User:
    """The account a reset link is for; AccountError when expired, used, or not a link of ours."""
    try:
        data = _serializer(_RESET).loads(token or "", max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except SignatureExpired:
        raise AccountError(_("重设密码链接已过期，请重新申请。")) from None
    except BadSignature:
        raise AccountError(_("重设密码链接无效：请使用邮件中的完整链接。")) from None
    user = db.session.get(User, data.get("u")) if isinstance(data, dict) else None
    if user is None or not user.active or data.get("p") != _fingerprint(user):
        raise AccountError(_("重设密码链接已使用过或已失效，请重新申请。"))
    return user


def reset_password(token: str, password: str) -> User:
    """Set a new password through a reset link (which then stops working); every session ends."""
    user = user_of_reset_token(token)
    if len(password or "") < 8:
        raise AccountError(_("密码至少需要 8 个字符。"), "password")
    update_user(user, password=password, actor=user)
    if user.email_verified_at is None:  # the link reached this address: it is verified
        user.email_verified_at = utcnow()
    db.session.flush()
    return user


def _send(to: str, subject: str, body: str) -> bool:
    try:
        return mail.send(mail.build_message(to, subject, body))
    except mail.MailError as error:
        current_app.logger.warning("account mail to %s failed: %s", to, error)
        return False


def send_verification(user: User) -> bool:
    """E-mail the verification link (inside a request: the link is absolute)."""
    link = url_for("citizens.verify", token=verification_token(user), _external=True)
    hours = current_app.config["EMAIL_VERIFY_MAX_AGE"] // 3600
    body = "\n".join([_("您好："), "", _("请打开下面的链接验证您的邮箱，完成注册（%(h)s 小时内有效）：", h=hours), link,
                      "", _("如果您没有注册，请忽略本邮件。")])
    return _send(user.email, _("请验证您的邮箱"), body)


def request_password_reset(email: str) -> None:
    """E-mail a reset link when an active account has this address; the same answer either way."""
    try:
        address = normal_email(email)
    except AccountError:
        raise
    user = user_by_email(address)
    if user is None or not user.active:
        return
    link = url_for("citizens.reset_password", token=reset_token(user), _external=True)
    minutes = current_app.config["PASSWORD_RESET_MAX_AGE"] // 60
    body = "\n".join([_("您好："), "", _("请打开下面的链接重设密码（%(m)s 分钟内有效，只能使用一次）：", m=minutes), link,
                      "", _("如果您没有申请重设密码，请忽略本邮件，您的密码不会改变。")])
    _send(user.email, _("重设密码"), body)
    record(user, "user.reset_requested", user)


def claim_comment(user: User, code: str) -> Comment:
    """Link a comment made before registering to this account, by its receipt code."""
    from consult.comments.queries import comment_by_receipt

    comment = comment_by_receipt(code)
    if comment is None:
        raise AccountError(_("没有找到回执编号为“%(code)s”的意见。请核对编号（形如 K7P3-9QXM）后重试。",
                             code=(code or "").strip()[:20]), "code")
    if comment.owner_id == user.id:
        raise AccountError(_("这条意见已经在“我的意见”中。"), "code")
    if comment.owner_id is not None:
        raise AccountError(_("这条意见已关联到另一个账户，不能再认领。"), "code")
    comment.owner_id = user.id
    db.session.flush()
    record(user, "comment.claim", comment, receipt_code=comment.receipt_code)
    return comment


def my_comments(user: User) -> list[Comment]:
    """The comments of this account, newest first."""
    return list(db.session.scalars(select(Comment).where(Comment.owner_id == user.id)
                                   .order_by(Comment.created_at.desc(), Comment.id.desc())))


def followed_drafts(user: User) -> list:
    return [follow.draft for follow in db.session.scalars(
        select(DraftFollow).where(DraftFollow.user_id == user.id).order_by(DraftFollow.created_at))]


def is_following(user, draft) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return db.session.get(DraftFollow, (user.id, draft.id)) is not None


def set_following(user: User, draft, follow: bool) -> bool:
    """Follow or stop following a draft; the new state."""
    existing = db.session.get(DraftFollow, (user.id, draft.id))
    if follow and existing is None:
        db.session.add(DraftFollow(user_id=user.id, draft_id=draft.id))
    elif not follow and existing is not None:
        db.session.delete(existing)
    db.session.flush()
    return follow
