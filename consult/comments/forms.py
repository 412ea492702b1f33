"""Comment forms: shape only (windows, anchors and privacy rules live in the services)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from consult.comments.models import COMMENTER_CATEGORIES
from consult.comments.rules import BODY_MAX, CONTACT_MAX, NAME_MAX, TEXT_MAX

# Display names of COMMENTER_CATEGORIES; stored values stay the Chinese words (data; what imports accept).
CATEGORY_LABELS = {
    "居民": _l("居民"), "人大代表": _l("人大代表"), "企业": _l("企业"), "社会组织": _l("社会组织"),
    "专家学者": _l("专家学者"), "律师": _l("律师"), "学生": _l("学生"), "村民": _l("村民"),
    "个体工商户": _l("个体工商户"), "政府部门": _l("政府部门"), "其他": _l("其他"),
}


class CommentForm(FlaskForm):
    """A citizen's comment on a draft: anchor, text, optional identity, feedback wish and consents."""

    anchor = SelectField(_l("针对的条款"), validate_choice=False)
    body = TextAreaField(_l("意见建议"), validators=[DataRequired(_l("请填写意见内容。")), Length(max=BODY_MAX)])
    reason = TextAreaField(_l("理由（可选）"), validators=[Optional(), Length(max=TEXT_MAX)])
    proposed_text = TextAreaField(_l("建议修改为（可选）"), validators=[Optional(), Length(max=TEXT_MAX)])
    commenter_name = StringField(_l("姓名或单位（可选，不填即匿名）"), validators=[Optional(), Length(max=NAME_MAX)])
    commenter_category = SelectField(_l("身份类别（可选）"), validate_choice=True,
                                     choices=[SelectChoice("", _l("不填"))]
                                     + [SelectChoice(c, CATEGORY_LABELS[c]) for c in COMMENTER_CATEGORIES])
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
