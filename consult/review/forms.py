"""Workbench forms: shape only (which decisions need a reason, who may be assigned … live in the services)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from consult.review.services import MAX_MODERATION_REASON_LENGTH, MAX_NOTE_LENGTH, MAX_REASON_LENGTH


class DecisionForm(FlaskForm):
    """Adoption decision (采纳情况) and its reason; an empty decision clears it."""

    decision = SelectField(_l("采纳情况"), validate_choice=False)
    reason = TextAreaField(_l("说明"), validators=[Optional(), Length(max=MAX_REASON_LENGTH)])


class RejectForm(FlaskForm):
    """The reason an online comment is not published."""

    reason = TextAreaField(_l("驳回理由"), validators=[DataRequired(_l("驳回意见必须填写理由。")),
                                                    Length(max=MAX_MODERATION_REASON_LENGTH)])


class NoteForm(FlaskForm):
    """An internal note."""

    note = TextAreaField(_l("内部备注"), validators=[DataRequired(_l("备注不能为空。")), Length(max=MAX_NOTE_LENGTH)])


class TagsForm(FlaskForm):
    """Tags, separated by commas."""

    tags = StringField(_l("标签（用逗号分隔）"), validators=[Optional(), Length(max=1000)])


class AssignForm(FlaskForm):
    """The staff member a comment is assigned to (empty: nobody)."""

    assignee = StringField(_l("分配给"), validators=[Optional(), Length(max=20)])


class BulkForm(FlaskForm):
    """One action over the selected comments, with the fields that action needs."""

    action = SelectField(_l("批量操作"), validate_choice=False)
    tags = StringField(_l("标签"), validators=[Optional(), Length(max=1000)])
    decision = SelectField(_l("采纳情况"), validate_choice=False)
    reason = TextAreaField(_l("说明或理由"), validators=[Optional(), Length(max=MAX_REASON_LENGTH)])
    assignee = StringField(_l("分配给"), validators=[Optional(), Length(max=20)])
    locked = StringField(_l("锁定"), validators=[Optional(), Length(max=5)])


def first_error(form) -> str:
    """The first validation message of a form, for a flash."""
    for messages in form.errors.values():
        if messages:
            return str(messages[0])
    return str(_l("请求无效。"))
