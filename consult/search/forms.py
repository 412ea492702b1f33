"""Search forms (GET, so the URL is a permalink; shape only: lengths, numbers, dates)."""
from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, StringField
from wtforms.validators import Length, NumberRange, Optional

from consult.forms import Form
from consult.search.syntax import MAX_QUERY_LENGTH


class PublicSearchForm(Form):
    """Citizens' search box."""

    q = StringField(_l("关键词"), validators=[Optional(), Length(max=MAX_QUERY_LENGTH)])
    page = IntegerField(validators=[Optional(), NumberRange(min=1, max=10000)], default=1)


class CommentSearchForm(Form):
    """Staff comment search: query and filters (choices are filled by the view from the database)."""

    q = StringField(_l("检索词"), validators=[Optional(), Length(max=MAX_QUERY_LENGTH)])
    draft = SelectField(_l("草案"), validate_choice=False)
    version_id = SelectField(_l("版本"), validate_choice=False)
    division_id = SelectField(_l("章节"), validate_choice=False)
    article_id = SelectField(_l("条款"), validate_choice=False)
    contact_point = SelectField(_l("联系点"), validate_choice=False)
    district = SelectField(_l("区县"), validate_choice=False)
    channel = SelectField(_l("渠道"), validate_choice=False)
    category = SelectField(_l("提出人类别"), validate_choice=False)
    moderation_state = SelectField(_l("审核状态"), validate_choice=False)
    decision = SelectField(_l("采纳情况"), validate_choice=False)
    tag = SelectField(_l("标签"), validate_choice=False)
    date_from = DateField(_l("起始日期"), validators=[Optional()])
    date_to = DateField(_l("截止日期"), validators=[Optional()])
    page = IntegerField(validators=[Optional(), NumberRange(min=1, max=100000)], default=1)

    FILTER_NAMES = ("version_id", "division_id", "article_id", "contact_point", "district", "channel", "category",
                    "moderation_state", "decision", "tag", "date_from", "date_to")

    def filters(self) -> dict:
        """The filter values as the shared filter dict (ISO dates, strings)."""
        out = {}
        for name in self.FILTER_NAMES:
            value = getattr(self, name).data
            if value:
                out[name] = value.isoformat() if hasattr(value, "isoformat") else str(value)
        return out

    def draft_id(self) -> int | None:
        """The selected draft id, if any."""
        value = (self.draft.data or "").strip()
        return int(value) if value.isdigit() else None
