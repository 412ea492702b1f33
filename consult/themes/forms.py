"""Themes forms: shape only (who may decide, lengths past the service's limit live in the services)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import Length, Optional

from consult.themes.services import MAX_POINTS_LENGTH


class PointsForm(FlaskForm):
    """The 意见要点 of one article, as staff edit them."""

    text = TextAreaField(_l("意见要点"), validators=[Optional(), Length(max=MAX_POINTS_LENGTH)],
                         render_kw={"rows": 10})
