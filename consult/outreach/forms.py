"""Outreach forms: shape only (the kit's article choice, the sign-in count)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, SelectMultipleField
from wtforms.validators import InputRequired, NumberRange

from consult.contact_points.forms import options


class KitForm(FlaskForm):
    """Which articles the meeting discusses first, and the file format (a GET download)."""

    class Meta:
        csrf = False  # a download that changes nothing

    articles = SelectMultipleField(_l("本次会议重点讨论的条文（可多选，可不选）"), coerce=str, validate_choice=False)
    format = SelectField(_l("格式"), default="docx", choices=options((("docx", "Word"), ("pdf", "PDF"))))


class SignInForm(FlaskForm):
    """After the meeting: how many people signed the sign-in sheet (签到表)."""

    count = IntegerField(_l("签到人数"), validators=[
        InputRequired(message=_l("请填写签到人数。")), NumberRange(min=0, message=_l("签到人数不能为负数。"))])
