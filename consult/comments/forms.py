"""Comment forms: shape only (windows, anchors and privacy rules live in the services)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from consult.comments.vocabulary import COMMENTER_CATEGORY
from consult.comments.rules import BODY_MAX, CONTACT_MAX, NAME_MAX, TEXT_MAX



class CommentForm(FlaskForm):
    """A citizen's comment on a draft: anchor, text, optional identity, feedback wish and consents."""

    anchor = SelectField(_l("针对的条款"), validate_choice=False)
    body = TextAreaField(_l("意见建议"), validators=[DataRequired(_l("请填写意见内容。")), Length(max=BODY_MAX)])
    reason = TextAreaField(_l("理由（可选）"), validators=[Optional(), Length(max=TEXT_MAX)])
    proposed_text = TextAreaField(_l("建议修改为（可选）"), validators=[Optional(), Length(max=TEXT_MAX)])
    commenter_name = StringField(_l("姓名或单位（可选，不填即匿名）"), validators=[Optional(), Length(max=NAME_MAX)])
    commenter_category = SelectField(_l("身份类别（可选）"), validate_choice=True,
                                     choices=[SelectChoice("", _l("不填"))]
                                     + [SelectChoice(t.code, t.label) for t in COMMENTER_CATEGORY])
    consent_publish_name = BooleanField(_l("同意在公开页面显示我的姓名（不勾选则显示为“张*”）"))
    wants_feedback = BooleanField(_l("我希望收到意见采纳情况的反馈"))
    contact = StringField(_l("联系方式（电话或电子邮箱，仅用于反馈）"), validators=[Optional(), Length(max=CONTACT_MAX)])
    consent_personal_info = BooleanField(_l("我已阅读个人信息说明，同意为反馈目的保存我的联系方式"))
    is_minor = BooleanField(_l("我未满十四周岁"))
    website = StringField(_l("网址（请勿填写）"))  # honeypot: hidden from people, filled by bots


class ReceiptForm(FlaskForm):
    """Look up a comment by its receipt code."""

    class Meta:
        csrf = False  # a GET look-up that changes nothing

    code = StringField(_l("回执编号"), validators=[DataRequired(), Length(max=20)])
