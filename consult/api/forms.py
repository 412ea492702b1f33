"""The admin form for a new API token: shape only (names, scopes and points are checked by the service)."""
from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from consult.api.scopes import SCOPES
from consult.forms import SecureForm


class TokenForm(SecureForm):  # SecureForm: WTForms' choice messages in Chinese too
    """Name, scopes and, for a contact point's own system, its code."""

    name = StringField(_l("名称（对接的系统或联系点）"), validators=[DataRequired(_l("请填写令牌名称。")), Length(max=100)])
    scopes = SelectMultipleField(_l("权限范围（公开内容无需权限即可读取）"), choices=[SelectChoice(code, label) for code, label in SCOPES.items()],
                                 widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    contact_point = StringField(_l("联系点编码（可选：该联系点自己的系统，提交的意见记在该联系点名下）"),
                                validators=[Optional(), Length(max=50)])


class RevokeForm(SecureForm):
    """Revoking a token (a POST with its CSRF token, nothing else)."""
