"""The export form: shape only (choices, lengths); the services check contact points, codes and rights."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, RadioField, SelectChoice, SelectField, StringField
from wtforms.validators import Length, Optional

from consult.comments.models import CHANNELS, DECISIONS
from consult.comments.filters import UNDECIDED

# Select labels in the reader's language; the Word documents keep records.py's Chinese wording.
CHANNEL_CHOICES = {"meeting": _l("座谈会"), "online": _l("网上征求意见"), "letter": _l("来信"),
                   "email": _l("电子邮件"), "department": _l("部门意见"), "expert": _l("专家意见")}
DECISION_CHOICES = {"adopted": _l("采纳"), "partly_adopted": _l("部分采纳"), "not_adopted": _l("未采纳"),
                    "under_study": _l("待研究")}
FILTER_FIELDS = ("contact_point", "district", "channel", "category", "decision", "tag", "date_from",
                 "date_to")


class ExportForm(FlaskForm):
    """Which export, for which comments (the shared filter keys), with which options."""

    kind = RadioField(_l("导出内容"), default="summary", choices=[
        SelectChoice("summary", _l("意见汇总（Word）")), SelectChoice("feedback", _l("意见反馈函（Word）")),
        SelectChoice("sheet", _l("意见清单（表格）"))])
    query = StringField(_l("检索词"), validators=[Optional(), Length(max=200)])
    contact_point = StringField(_l("联系点编码"), validators=[Optional(), Length(max=40)])
    district = StringField(_l("区县"), validators=[Optional(), Length(max=100)])
    channel = SelectField(_l("渠道"), choices=[SelectChoice("", _l("全部"))]
                          + [SelectChoice(c, CHANNEL_CHOICES[c]) for c in CHANNELS],
                          default="")
    category = StringField(_l("提出人类别"), validators=[Optional(), Length(max=30)])
    decision = SelectField(_l("采纳情况"), default="",
                           choices=[SelectChoice("", _l("全部")), SelectChoice(UNDECIDED, _l("未处理"))]
                           + [SelectChoice(d, DECISION_CHOICES[d]) for d in DECISIONS])
    tag = StringField(_l("标签"), validators=[Optional(), Length(max=50)])
    date_from = DateField(_l("开始日期"), validators=[Optional()])
    date_to = DateField(_l("结束日期"), validators=[Optional()])
    with_text = BooleanField(_l("附条文原文"))
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

    def export_params(self) -> dict:
        """The form as the plain params the export services take."""
        filters = {name: getattr(self, name).data for name in FILTER_FIELDS}
        filters = {k: (v.isoformat() if hasattr(v, "isoformat") else v.strip() if isinstance(v, str) else v)
                   for k, v in filters.items() if v}
        params = {"filters": {k: v for k, v in filters.items() if v},
                  "query": (self.query.data or "").strip(),
                  "with_text": self.with_text.data, "with_names": self.with_names.data,
                  "with_contacts": self.with_contacts.data, "format": self.sheet_format.data}
        if self.kind.data == "feedback":
            params.pop("format")
            target = self.feedback_target.data
            if target == "contact_point":
                params["filters"] = {}
                params["contact_point"] = filters.get("contact_point", "")
            elif target == "receipt_code":
                params["filters"] = {}
                params["receipt_code"] = (self.receipt_code.data or "").strip()
            else:
                params["filters"] = {}
                params[target] = True
        return params
