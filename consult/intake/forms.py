"""Intake forms: shape only (permissions, dates and anchors are checked by the services)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, IntegerField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from consult.comments.forms import CATEGORY_LABELS
from consult.comments.models import COMMENTER_CATEGORIES



def options(pairs) -> list[SelectChoice]:
    """Select choices from (value, label) pairs (WTForms 3.3 deprecates bare tuples)."""
    return [SelectChoice(value, label) for value, label in pairs]


MEETING_KIND_CHOICES = [
    ("symposium", _l("座谈会")), ("residents_meeting", _l("民情沟通会")), ("discussion", _l("恳谈会")),
    ("visit", _l("走访")), ("online", _l("线上")), ("other", _l("其他")),
]


class MeetingForm(FlaskForm):
    """A meeting at a contact point: date, kind, place, attendance, deputies, notes."""

    draft_id = SelectField(_l("草案"), coerce=int, validators=[InputRequired()])
    contact_point_id = SelectField(_l("联系点"), coerce=int, validators=[InputRequired()])
    held_on = DateField(_l("日期"), validators=[InputRequired(message=_l("请填写会议日期。"))])
    kind = SelectField(_l("形式"), choices=options(MEETING_KIND_CHOICES), validators=[InputRequired()])
    place = StringField(_l("地点"), validators=[Optional(), Length(max=200)])
    attendance = IntegerField(_l("参加人数"), default=0,
                              validators=[Optional(), NumberRange(min=0, message=_l("参加人数不能为负数。"))])
    deputies_present = StringField(_l("参加的人大代表"), validators=[Optional(), Length(max=300)])
    notes = TextAreaField(_l("备注"), validators=[Optional(), Length(max=10000)])


class EntryForm(FlaskForm):
    """One resident's comment typed during or after a meeting."""

    anchor = StringField(_l("条款"), validators=[DataRequired(message=_l("请填写条款，例如 12 或 第十二条。")),
                                                Length(max=60)])
    body = TextAreaField(_l("意见"), validators=[DataRequired(message=_l("请填写意见内容。")), Length(max=10000)])
    reason = TextAreaField(_l("理由"), validators=[Optional(), Length(max=10000)])
    commenter_name = StringField(_l("提出人"), validators=[Optional(), Length(max=100)])
    commenter_category = SelectField(_l("类别"), validators=[Optional()])
    contact = StringField(_l("联系方式"), validators=[Optional(), Length(max=200)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.commenter_category.choices = options(
            [("", "—")] + [(c, CATEGORY_LABELS[c]) for c in COMMENTER_CATEGORIES])


class ImportForm(FlaskForm):
    """A spreadsheet of comments for a draft, from a contact point (and optionally one of its meetings)."""

    draft_id = SelectField(_l("草案"), coerce=int, validators=[InputRequired()])
    contact_point_id = SelectField(_l("联系点"), coerce=int, validators=[InputRequired()])
    meeting_id = SelectField(_l("会议（可选）"), coerce=int, default=0, validators=[Optional()])
    file = FileField(_l("文件（.xlsx 或 .csv）"), validators=[FileRequired(message=_l("请选择要上传的文件。"))])
