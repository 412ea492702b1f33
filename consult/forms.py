"""The base forms: WTForms' own messages ("This field is required.", "Not a valid date value." …) in the
language of the request, so that no refused form shows English on the Chinese interface.

Flask-WTF's `FlaskForm` already loads WTForms' catalog for the request's locale; a plain `wtforms.Form`
(the GET search forms) does not, and WTForms' Chinese catalog lacks a few messages. `Form` and
`SecureForm` both read `TRANSLATIONS`: WTForms' catalog for the locale, completed by `_ZH_SUPPLEMENT`.
"""
from __future__ import annotations

from babel import support
from flask import has_request_context, request
from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms import Form as _WTForm
from wtforms.i18n import messages_path

# Messages missing from WTForms 3.x's zh catalog (checked against wtforms.pot by
# tests/security/test_form_messages.py::test_every_wtforms_message_has_a_chinese_translation).
_ZH_SUPPLEMENT = {
    "Date must be at least %(min)s.": "日期不能早于 %(min)s。",
    "Date must be at most %(max)s.": "日期不能晚于 %(max)s。",
    "Date must be between %(min)s and %(max)s.": "日期必须在 %(min)s 和 %(max)s 之间。",
    "This field cannot be edited.": "该字段不可编辑。",
    "This field is disabled and cannot have a value.": "该字段已禁用，不能填写。",
    "Not a valid week value.": "不是有效的周。",
    "'%(value)s' is not a valid choice for this field.": "“%(value)s”不是该字段的有效选项。",
    "'%(value)s' are not valid choices for this field.": "“%(value)s”不是该字段的有效选项。",
    # Flask-WTF's file validators ask the same translations object.
    "This field is required.": "该字段是必填字段。",
    "File does not have an approved extension: {extensions}": "不支持的文件类型，请上传：{extensions}",
    "File must be between {min_size} and {max_size} bytes.": "文件大小必须在 {min_size} 到 {max_size} 字节之间。",
}


def _catalog():
    if not has_request_context():
        return None
    cached = getattr(request, "consult_wtforms_translations", None)
    if cached is None:
        cached = support.Translations.load(messages_path(), [get_locale()], domain="wtforms")
        request.consult_wtforms_translations = cached
    return cached


def _chinese() -> bool:
    return has_request_context() and str(get_locale() or "").startswith("zh")


class Translations:
    """WTForms' translations protocol (gettext / ngettext) for the request's interface language."""

    def gettext(self, string: str) -> str:
        """The message in the request's language (unchanged outside a request or in English)."""
        catalog = _catalog()
        translated = catalog.ugettext(string) if catalog is not None else string
        if translated == string and _chinese():
            return _ZH_SUPPLEMENT.get(string, string)
        return translated

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """The singular or plural message in the request's language."""
        catalog = _catalog()
        fallback = singular if n == 1 else plural
        translated = catalog.ungettext(singular, plural, n) if catalog is not None else fallback
        if translated == fallback and _chinese():
            return _ZH_SUPPLEMENT.get(fallback, fallback)
        return translated


TRANSLATIONS = Translations()


class Form(_WTForm):
    """A form without CSRF (GET searches, look-ups) whose built-in messages follow the interface language."""

    class Meta:
        def get_translations(self, form):
            return TRANSLATIONS


class SecureForm(FlaskForm):
    """A POST form (CSRF-protected) whose built-in messages follow the interface language."""

    class Meta:
        def get_translations(self, form):
            return TRANSLATIONS
