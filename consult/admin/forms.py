"""Admin forms: shape only (uniqueness, roles, password rules and contact point codes live in the services)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from consult.accounts.models import ROLE_LABELS
ROLE_CHOICES = [SelectChoice(role, label) for role, label in ROLE_LABELS.items()]


class UserCreateForm(FlaskForm):
    """A new account."""

    username = StringField(_l("用户名"), validators=[DataRequired(message=_l("请填写用户名。")), Length(max=64)])
    display_name = StringField(_l("姓名"), validators=[Optional(), Length(max=100)])
    email = StringField(_l("电子邮件（可选）"), validators=[
        Optional(), Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("电子邮件格式不正确。")), Length(max=200)])
    role = SelectField(_l("角色"), choices=ROLE_CHOICES, default="facilitator")
    password = PasswordField(_l("初始密码（至少 8 个字符）"),
                             validators=[DataRequired(message=_l("请填写初始密码。")), Length(max=200)])
    contact_points = StringField(_l("联系点编码（联络员必填，多个用逗号分隔）"), validators=[Optional(), Length(max=5000)])


class UserEditForm(FlaskForm):
    """Role, state, name, contact points and an optional new password."""

    display_name = StringField(_l("姓名"), validators=[Optional(), Length(max=100)])
    role = SelectField(_l("角色"), choices=ROLE_CHOICES)
    active = BooleanField(_l("账号可用"))
    contact_points = StringField(_l("联系点编码（多个用逗号分隔）"), validators=[Optional(), Length(max=5000)])
    password = PasswordField(_l("重设密码（留空则不变）"), validators=[Optional(), Length(max=200)])
