"""Contact point forms: a meeting, a CSV of contact points. Shape only (rules live in services)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, IntegerField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from consult.contact_points.vocabulary import MEETING_KIND


def options(pairs) -> list[SelectChoice]:
    """Select choices from (value, label) pairs (WTForms 3.3 deprecates bare tuples)."""
    return [SelectChoice(value, label) for value, label in pairs]


class MeetingForm(FlaskForm):
    """A meeting at a contact point: date, kind, place, attendance, deputies, notes."""

    draft_id = SelectField(_l("草案"), coerce=int, validators=[InputRequired(message=_l("请选择草案。"))])
    contact_point_id = SelectField(_l("联系点"), coerce=int, validators=[InputRequired(message=_l("请选择联系点。"))])
    held_on = DateField(_l("日期"), validators=[InputRequired(message=_l("请填写会议日期。"))])
    kind = SelectField(_l("形式"), choices=options((t.code, t.label) for t in MEETING_KIND),
                       validators=[InputRequired()])
    place = StringField(_l("地点"), validators=[Optional(), Length(max=200)])
    attendance = IntegerField(_l("参加人数"), default=0,
                              validators=[Optional(), NumberRange(min=0, message=_l("参加人数不能为负数。"))])
    deputies_present = StringField(_l("参加的人大代表"), validators=[Optional(), Length(max=300)])
    notes = TextAreaField(_l("备注"), validators=[Optional(), Length(max=10000)])


class ContactPointImportForm(FlaskForm):
    """A CSV of contact points: code,name,district,kind,community,address."""

    file = FileField(_l("CSV 文件"), validators=[FileRequired(message=_l("请选择要上传的文件。"))])
