"""Forms of the report: an article's summary (shape only) and the release confirmation."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import Length

from consult.report.services import SUMMARY_MAX


class SummaryForm(FlaskForm):
    """Staff's text on what changed in an article and why (empty: no summary)."""

    text = TextAreaField(_l("修改情况说明（公开报告中显示）"), validators=[Length(max=SUMMARY_MAX)])
    next = HiddenField()


class ReleaseForm(FlaskForm):
    """The release confirmation: only the CSRF token."""
