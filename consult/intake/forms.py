"""Intake forms: shape only (permissions, dates, anchors and personal-information rules are the services')."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from consult.comments.rules import BODY_MAX, CONTACT_MAX, NAME_MAX, TEXT_MAX
from consult.comments.vocabulary import COMMENTER_CATEGORY
from consult.contact_points.forms import options

ENTRY_FIELDS = ("anchor", "body", "reason", "commenter_name", "commenter_category", "contact", "wants_feedback",
                "consent_personal_info", "is_minor")


class EntryForm(FlaskForm):
    """One resident's comment typed during or after a meeting, with the online form's consent fields."""

    anchor = StringField(_l("条款"), validators=[DataRequired(message=_l("请填写条款，例如 12 或 第十二条。")),
                                                Length(max=60)])
    body = TextAreaField(_l("意见"), validators=[DataRequired(message=_l("请填写意见内容。")), Length(max=BODY_MAX)])
    reason = TextAreaField(_l("理由"), validators=[Optional(), Length(max=TEXT_MAX)])
    commenter_name = StringField(_l("提出人"), validators=[Optional(), Length(max=NAME_MAX)])
    commenter_category = SelectField(_l("类别"), validators=[Optional()],
                                     choices=options(COMMENTER_CATEGORY.choices(with_empty="—")))
    contact = StringField(_l("联系方式（仅用于反馈）"), validators=[Optional(), Length(max=CONTACT_MAX)])
    wants_feedback = BooleanField(_l("希望收到反馈"))
    consent_personal_info = BooleanField(_l("本人同意为反馈保存联系方式"))
    is_minor = BooleanField(_l("未满十四周岁（不保存姓名和联系方式）"))

    def values(self) -> dict:
        """The entered values as the comment services take them."""
        return {name: self[name].data if isinstance(self[name].data, bool) else (self[name].data or "")
                for name in ENTRY_FIELDS}


class ImportForm(FlaskForm):
    """A spreadsheet of comments for a draft, from a contact point (and optionally one of its meetings)."""

    draft_id = SelectField(_l("草案"), coerce=int, validators=[InputRequired(message=_l("请选择草案。"))])
    contact_point_id = SelectField(_l("联系点"), coerce=int, validators=[InputRequired(message=_l("请选择联系点。"))])
    meeting_id = SelectField(_l("会议（可选）"), coerce=int, default=0, validators=[Optional()])
    file = FileField(_l("文件（.xlsx 或 .csv）"), validators=[FileRequired(message=_l("请选择要上传的文件。"))])
