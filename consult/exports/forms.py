"""The export form: shape only (choices, lengths); the services check contact points, codes and rights."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, RadioField, SelectChoice, SelectField, StringField
from wtforms.validators import Length, Optional

from consult.comments.vocabulary import CHANNEL, COMMENTER_CATEGORY, DECISION_OR_UNDECIDED

# Form fields that are Selection keys (the query box is the Selection's `q`).
SELECTION_FIELDS = ("contact_point", "district", "channel", "category", "decision", "tag", "date_from",
                    "date_to")


class ExportForm(FlaskForm):
    """Which export, for which comments (a Selection), with which options."""

    kind = RadioField(_l("导出内容"), default="summary", choices=[
        SelectChoice("summary", _l("意见汇总（Word）")), SelectChoice("feedback", _l("意见反馈函（Word）")),
        SelectChoice("sheet", _l("意见清单（表格）"))])
    query = StringField(_l("检索词"), validators=[Optional(), Length(max=200)])
    contact_point = StringField(_l("联系点编码"), validators=[Optional(), Length(max=40)])
    district = StringField(_l("区县"), validators=[Optional(), Length(max=100)])
    channel = SelectField(_l("渠道"), default="")
    category = SelectField(_l("提出人类别"), default="")
    decision = SelectField(_l("采纳情况"), default="")
    tag = StringField(_l("标签"), validators=[Optional(), Length(max=50)])
    date_from = DateField(_l("开始日期"), validators=[Optional()])
    date_to = DateField(_l("结束日期"), validators=[Optional()])
    with_text = BooleanField(_l("附条文原文"))
    include_points = BooleanField(_l("附意见要点"))
    include_earlier = BooleanField(_l("附以前各稿的意见（对应到本稿条文）"))
    with_names = BooleanField(_l("显示提出人真实姓名"))
    with_contacts = BooleanField(_l("包含联系方式"))
    sheet_format = RadioField(_l("表格格式"), default="xlsx",
                              choices=[SelectChoice("xlsx", "Excel (.xlsx)"), SelectChoice("csv", "CSV")])
    feedback_target = RadioField(_l("反馈对象"), default="contact_point", choices=[
        SelectChoice("contact_point", _l("一个联系点（填写上方联系点编码）")),
        SelectChoice("all_contact_points", _l("全部联系点（压缩包）")),
        SelectChoice("receipt_code", _l("一位提出人（填写回执编号）")),
        SelectChoice("all_commenters", _l("全部希望反馈的提出人（压缩包）"))])
    receipt_code = StringField(_l("回执编号"), validators=[Optional(), Length(max=20)])
    doc_number = StringField(_l("文号"), validators=[Optional(), Length(max=60)])
    as_draft = BooleanField(_l("生成征求意见稿"))

    def __init__(self, *args, **kwargs):
        """Fill the selects from the comment vocabulary, in the request's language."""
        super().__init__(*args, **kwargs)
        self.channel.choices = CHANNEL.choices(with_empty=_l("全部"))
        self.category.choices = COMMENTER_CATEGORY.choices(with_empty=_l("全部"))
        self.decision.choices = DECISION_OR_UNDECIDED.choices(with_empty=_l("全部"))

    def selection_args(self) -> dict:
        """The chosen comments as Selection args."""
        args = {}
        for name in SELECTION_FIELDS:
            value = getattr(self, name).data
            value = value.isoformat() if hasattr(value, "isoformat") else (value or "").strip()
            if value:
                args[name] = value
        if (self.query.data or "").strip():
            args["q"] = self.query.data.strip()
        return args

    def export_params(self) -> dict:
        """The form as the plain params the export services take."""
        params = {"with_text": self.with_text.data, "with_names": self.with_names.data,
                  "with_contacts": self.with_contacts.data}
        if self.kind.data == "sheet":
            params["format"] = self.sheet_format.data
        if self.kind.data == "summary":
            params["include_points"] = self.include_points.data
        if self.kind.data in ("summary", "feedback"):
            params["include_earlier"] = self.include_earlier.data
        if self.kind.data != "feedback":
            params["selection"] = self.selection_args()
            return params
        target = self.feedback_target.data
        if target == "contact_point":
            params["contact_point"] = (self.contact_point.data or "").strip()
        elif target == "receipt_code":
            params["receipt_code"] = (self.receipt_code.data or "").strip()
        else:
            params[target] = True
        params["as_draft"] = self.as_draft.data
        params["doc_number"] = (self.doc_number.data or "").strip()
        return params
