"""Workbench forms: shape only (which decisions need a reason, who may be assigned … live in the services)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from consult.comments.vocabulary import DECISION
from consult.review.services import MAX_MODERATION_REASON_LENGTH, MAX_NOTE_LENGTH, MAX_REASON_LENGTH


class DecisionForm(FlaskForm):
    """Adoption decision (采纳情况) and its reason; an empty decision clears it."""

    decision = SelectField(_l("采纳情况"), validate_choice=False)
    reason = TextAreaField(_l("说明"), validators=[Optional(), Length(max=MAX_REASON_LENGTH)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.decision.choices = DECISION.choices(with_empty=_l("（未处理）"))

    def for_target(self, key: str) -> "DecisionForm":
        """Give the fields ids unique on a page listing many comments or groups (d-12 / r-12)."""
        for field, prefix in ((self.decision, "d"), (self.reason, "r")):
            field.id = field.label.field_id = f"{prefix}-{key}"
        return self


def decision_form(key: str, comment=None) -> DecisionForm:
    """An unbound decision form for one comment (its current decision) or one group, ids made unique."""
    data = {"decision": comment.decision or "", "reason": comment.decision_reason} if comment else {}
    return DecisionForm(formdata=None, data=data, meta={"csrf": False}).for_target(key)


class DuplicateOfForm(FlaskForm):
    """The receipt code of the comment this one repeats (marked by hand)."""

    other = StringField(_l("与哪条意见重复（回执编号）"),
                        validators=[DataRequired(_l("请填写另一条意见的回执编号。")), Length(max=20)])

    def for_target(self, key: str) -> "DuplicateOfForm":
        """A field id unique on the page (dup-12)."""
        self.other.id = self.other.label.field_id = f"dup-{key}"
        return self


def duplicate_of_form(key: str) -> DuplicateOfForm:
    """An empty mark-as-duplicate form for one comment."""
    return DuplicateOfForm(formdata=None, meta={"csrf": False}).for_target(key)


class RejectForm(FlaskForm):
    """The reason an online comment is not published (不予公开)."""

    reason = TextAreaField(_l("不予公开的理由"), validators=[DataRequired(_l("不予公开时必须填写理由。")),
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


class LinkForm(FlaskForm):
    """One lineage link to add or change to: an article of the previous version and one of this version."""

    old_article_id = IntegerField(_l("原条文"), validators=[InputRequired(_l("请选择原版本的条文。"))])
    new_article_id = IntegerField(_l("新条文"), validators=[InputRequired(_l("请选择本版本的条文。"))])
