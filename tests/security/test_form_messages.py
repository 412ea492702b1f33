"""No refused form shows English on the Chinese interface (WTForms' and Flask-WTF's built-in messages)."""
from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

import pytest
from babel.messages.pofile import read_po
from wtforms import Form as WTForm
from wtforms.fields import SelectFieldBase
from wtforms.i18n import messages_path

import consult
from consult.forms import TRANSLATIONS

ENGLISH = re.compile(r"[A-Za-z]{2,}[ ,']+[A-Za-z]{2,}")
ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}


def english_in(html: str) -> list[str]:
    """English phrases in the visible text of a page (scripts, styles and tags removed)."""
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    return ENGLISH.findall(text)


def wtforms_messages() -> list:
    with open(f"{messages_path()}/wtforms.pot", "rb") as fh:
        return [message.id for message in read_po(fh) if message.id]


def test_every_wtforms_message_has_a_chinese_translation(app):
    missing = []
    with app.test_request_context("/", headers=ZH):
        for message in wtforms_messages():
            if isinstance(message, tuple):
                singular, plural = message
                missing += [m for m, n in ((singular, 1), (plural, 2))
                            if TRANSLATIONS.ngettext(singular, plural, n) == m]
            elif TRANSLATIONS.gettext(message) == message:
                missing.append(message)
    assert missing == []


def test_english_interface_keeps_english_messages(app):
    with app.test_request_context("/?lang=en"):
        assert TRANSLATIONS.gettext("Not a valid date value.") == "Not a valid date value."


def all_form_classes() -> list[type]:
    classes = {}
    for info in pkgutil.walk_packages(consult.__path__, "consult."):
        if info.name.endswith(".forms") or info.name == "consult.forms":
            module = importlib.import_module(info.name)
            for _, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, WTForm) and cls.__module__ == module.__name__:
                    classes[f"{cls.__module__}.{cls.__name__}"] = cls
    return [classes[k] for k in sorted(classes)]


HOSTILE_VALUES = ["x" * 100_001, "not-a-number", "", "\x00\u202e", "2027-13-45",
                  '=HYPERLINK("http://evil")']


@pytest.mark.parametrize("value", HOSTILE_VALUES, ids=["huge", "word", "empty", "control", "date", "formula"])
def test_every_form_refuses_in_chinese(app, value):
    from werkzeug.datastructures import MultiDict

    forms = [cls for cls in all_form_classes() if cls.__name__ not in ("Form", "SecureForm")]
    assert len(forms) >= 10  # the forms of accounts, admin, comments, drafts, exports, intake, review, search
    with app.test_request_context("/", method="POST", headers=ZH):
        for cls in forms:
            form = cls(formdata=None)
            names = [f.name for f in form]
            data = MultiDict([(n, value) for n in names])
            form = cls(formdata=data)
            for field in form:
                if isinstance(field, SelectFieldBase) and getattr(field, "choices", None) is None:
                    field.choices = []  # filled by the view from the database
            form.validate()
            messages = [m for errors in form.errors.values() for m in errors if isinstance(m, str)]
            english = [m for m in messages if ENGLISH.search(str(m))]
            assert english == [], f"{cls.__name__}: {english}"


def test_staff_search_with_bad_values_shows_no_english(client, auth, make_user, make_draft):
    make_draft()
    auth.login(make_user("staff"))
    response = client.get("/search/comments?date_from=xx&date_to=2027-99-99&page=abc&q=" + "查" * 300,
                          headers=ZH)
    assert response.status_code in (200, 422)
    assert english_in(response.get_data(as_text=True)) == []


def test_public_search_with_bad_values_shows_no_english(client, make_draft):
    make_draft()
    response = client.get("/search/?page=abc&q=" + "查" * 300, headers=ZH)
    assert english_in(response.get_data(as_text=True)) == []


def test_empty_receipt_lookup_shows_no_english(client):
    response = client.get("/comments/receipt?code=", headers=ZH)
    assert english_in(response.get_data(as_text=True)) == []
