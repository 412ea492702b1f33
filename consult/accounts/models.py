"""User accounts and roles (citizen, facilitator 联络员, staff 法工委, admin)."""
from __future__ import annotations

from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from consult.database import utcnow
from consult.extensions import db, login_manager

ROLES = ("citizen", "facilitator", "staff", "admin")

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

    contact_points = relationship("ContactPoint", secondary=user_contact_points, back_populates="facilitators",
                                  order_by="ContactPoint.code")

    def set_password(self, password: str) -> None:
        """Store a salted hash of the password, never the password."""
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt") if has_app_context() else "scrypt"
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        """True when the password matches the stored hash."""
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # flask-login reads this
        return self.active

    @property
    def name(self) -> str:
        """What the interface shows for this user."""
        return self.display_name or self.username

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"


@login_manager.user_loader
def load_user(user_id: str):
    """Reload the signed-in user from the session's id."""
    return db.session.get(User, int(user_id)) if user_id.isdigit() else None
