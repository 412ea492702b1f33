"""Staff forms for drafts: upload, details, publish window, confirmations. Shape only; services hold the rules."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateTimeLocalField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional


class UploadForm(FlaskForm):
    """A .docx or .txt file, as a new draft or as the new version of an existing one."""

    file = FileField(_l("草案文件（.docx 或 .txt）"), validators=[FileRequired(message=_l("请选择要上传的文件。"))])
    title = StringField(_l("标题（可选，默认取文件中的标题）"), validators=[Optional(), Length(max=300)])
    version_label = StringField(_l("版本（可选，例如 征求意见稿、二审稿）"), validators=[Optional(), Length(max=100)])
    draft_id = SelectField(_l("作为哪部草案的新版本"), coerce=int, default=0, validators=[Optional()])


class DetailsForm(FlaskForm):
    """Title, version label and description, as staff correct them after the import."""

    title = StringField(_l("标题"), validators=[InputRequired(message=_l("标题不能为空。")), Length(max=300)])
    version_label = StringField(_l("版本"), validators=[Optional(), Length(max=100)])
    description = TextAreaField(_l("说明"), validators=[Optional(), Length(max=20000)])


class PublishForm(FlaskForm):
    """The comment window, typed in local time (Asia/Shanghai)."""

    opens_at = DateTimeLocalField(_l("开始时间（北京时间）"), format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
                                  validators=[Optional()])
    closes_at = DateTimeLocalField(_l("截止时间（北京时间）"), format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
                                   validators=[InputRequired(message=_l("请填写截止时间。"))])
    confirmed = HiddenField(default="")  # "1" once staff saw the confirmation page


class ConfirmForm(FlaskForm):
    """A confirmation step (close, delete, accept a warning): only the CSRF token."""


class NewVersionForm(FlaskForm):
    """The next reading (一审稿, 二审稿 …) of an existing draft: its file and its version label."""

    file = FileField(_l("新版本文件（.docx 或 .txt）"), validators=[FileRequired(message=_l("请选择要上传的文件。"))])
    version_label = StringField(_l("版本名称（例如 一审稿、二审稿）"),
                                validators=[InputRequired(message=_l("请填写版本名称。")), Length(max=100)])
