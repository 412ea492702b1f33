"""Account forms: shape only (authentication lives in services)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length


class LoginForm(FlaskForm):
    """Username and password."""

    username = StringField(_l("用户名"), validators=[DataRequired(), Length(max=64)],
                           render_kw={"autocomplete": "username", "autocapitalize": "none"})
    password = PasswordField(_l("密码"), validators=[DataRequired(), Length(max=200)],
                             render_kw={"autocomplete": "current-password"})


class RegisterForm(FlaskForm):
    """A citizen's registration: e-mail (also the sign-in name), a name to show, a password twice."""

    email = StringField(_l("电子邮箱"), validators=[DataRequired(), Length(max=200)],
                        render_kw={"autocomplete": "email", "type": "email", "autocapitalize": "none"})
    display_name = StringField(_l("称呼（可不填）"), validators=[Length(max=100)],
                               render_kw={"autocomplete": "nickname"})
    password = PasswordField(_l("密码（至少 8 个字符）"), validators=[DataRequired(), Length(min=8, max=200)],
                             render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("再次输入密码"), validators=[DataRequired(), EqualTo("password", _l("两次输入的密码不一致。"))],
                            render_kw={"autocomplete": "new-password"})


class EmailForm(FlaskForm):
    """An e-mail address (password reset request, resend verification)."""

    email = StringField(_l("电子邮箱"), validators=[DataRequired(), Length(max=200)],
                        render_kw={"autocomplete": "email", "type": "email", "autocapitalize": "none"})


class NewPasswordForm(FlaskForm):
    """A new password, twice."""

    password = PasswordField(_l("新密码（至少 8 个字符）"), validators=[DataRequired(), Length(min=8, max=200)],
                             render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("再次输入新密码"),
                            validators=[DataRequired(), EqualTo("password", _l("两次输入的密码不一致。"))],
                            render_kw={"autocomplete": "new-password"})


class ClaimForm(FlaskForm):
    """A receipt code (回执编号) of a comment made before registering."""

    code = StringField(_l("回执编号"), validators=[DataRequired(), Length(max=20)],
                       render_kw={"autocomplete": "off", "spellcheck": "false", "placeholder": "K7P3-9QXM"})
