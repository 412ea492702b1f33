"""Search forms (GET, so the URL is a permalink; shape only: lengths, numbers, dates)."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField
from wtforms.validators import Length, NumberRange, Optional

from consult.forms import Form
from consult.search.syntax import MAX_QUERY_LENGTH


class PublicSearchForm(Form):
    """Citizens' search box."""

    q = StringField(_l("关键词"), validators=[Optional(), Length(max=MAX_QUERY_LENGTH)])
    page = IntegerField(validators=[Optional(), NumberRange(min=1, max=10000)], default=1)


class CommentSearchForm(Form):
    """Staff comment search: query and filters (choices are filled by the view from the database).

    The form renders and checks shape; what the values mean is `consult.comments.selection.Selection`.
    """

    q = StringField(_l("检索词"), validators=[Optional(), Length(max=MAX_QUERY_LENGTH)])
    draft_id = SelectField(_l("草案"), validate_choice=False)
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
    carried = SelectField(_l("条文变化"), validate_choice=False)
    map_to_current = BooleanField(_l("按现行版本的条文分组"))
    date_from = DateField(_l("起始日期"), validators=[Optional()])
    date_to = DateField(_l("截止日期"), validators=[Optional()])
    page = IntegerField(validators=[Optional(), NumberRange(min=1, max=100000)], default=1)

    FILTER_NAMES = ("version_id", "division_id", "article_id", "contact_point", "district", "channel", "category",
                    "moderation_state", "decision", "tag", "date_from", "date_to", "carried", "map_to_current")

    def has_filters(self) -> bool:
        """True when any filter besides the draft is set (the filter box opens)."""
        return any(getattr(self, name).data for name in self.FILTER_NAMES)
