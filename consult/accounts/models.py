"""User accounts and roles (citizen, facilitator 联络员, staff 法工委, admin).

Sessions are signed cookies, so a copied cookie cannot be deleted on the server. Each user carries a
`session_version` that is part of the id stored in the session ("7:3"); it is checked on every request by
the user loader and rotated on login, logout, password, role or active-state change, which ends every
earlier session (and copy of its cookie) of that user.
"""
from __future__ import annotations

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from consult.database import utcnow
from consult.extensions import db, login_manager

ROLES = ("citizen", "facilitator", "staff", "admin")
ROLE_LABELS = {"citizen": _l("公众"), "facilitator": _l("联络员"), "staff": _l("法工委工作人员"), "admin": _l("管理员")}

user_contact_points = db.Table(
    "user_contact_points",
    db.Column("user_id", db.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    db.Column("contact_point_id", db.ForeignKey("contact_points.id", ondelete="CASCADE"), primary_key=True),
)


class User(UserMixin, db.Model):
    """A person who signs in; a facilitator is bound to one or more contact points."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(db.String(64), unique=True)
    display_name: Mapped[str] = mapped_column(db.String(100), default="")
    email: Mapped[str | None] = mapped_column(db.String(200))
    password_hash: Mapped[str] = mapped_column(db.String(256))
    role: Mapped[str] = mapped_column(db.String(20), default="citizen", index=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[object] = mapped_column(db.DateTime, default=utcnow)
    last_login_at: Mapped[object | None] = mapped_column(db.DateTime)
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")
    # Citizens who registered themselves (registered_at set) sign in only once their e-mail is verified.
    registered_at: Mapped[object | None] = mapped_column(db.DateTime)
    email_verified_at: Mapped[object | None] = mapped_column(db.DateTime)

    contact_points = relationship("ContactPoint", secondary=user_contact_points, back_populates="facilitators",
                                  order_by="ContactPoint.code")

    def set_password(self, password: str) -> None:
        """Store a salted hash of the password, never the password."""
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt") if has_app_context() else "scrypt"
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        """True when the password matches the stored hash."""
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        """What the session stores: the id and the session version (an older version is signed out)."""
        return f"{self.id}:{self.session_version or 1}"

    def rotate_sessions(self) -> None:
        """End every session issued so far for this user (in SQL: a stale copy of the row cannot undo it)."""
        if self.id is None:
            self.session_version = (self.session_version or 1) + 1
        else:
            self.session_version = type(self).session_version + 1

    @property
    def email_verification_pending(self) -> bool:
        """A self-registered account whose e-mail address has not been verified yet."""
        return self.registered_at is not None and self.email_verified_at is None

    @property
    def is_active(self) -> bool:  # flask-login reads this
        return self.active

    @property
    def name(self) -> str:
        """What the interface shows for this user."""
        return self.display_name or self.username

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"


class DraftFollow(db.Model):
    """A citizen follows a draft (关注草案): it is listed on their 我的意见 page."""

    __tablename__ = "draft_follows"

    user_id: Mapped[int] = mapped_column(db.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    draft_id: Mapped[int] = mapped_column(db.ForeignKey("drafts.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[object] = mapped_column(db.DateTime, default=utcnow)

    draft = relationship("Draft")


@login_manager.user_loader
def load_user(session_id: str):
    """The signed-in user of this session, or None when the session's version has been rotated since."""
    user_id, _, version = (session_id or "").partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version):
        return None
    return user
