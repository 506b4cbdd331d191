"""Forms of the learner's own pages: pausing and lighter weeks."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField
from wtforms.validators import InputRequired, NumberRange


class PauseForm(FlaskForm):
    """The choices of both fields are set per request (learn/pause_views.py)."""

    start = SelectField(_l("From the week of"), validators=[InputRequired(_l("Choose a week."))])
    weeks = SelectField(_l("For"), validators=[InputRequired(_l("Choose how many weeks."))])


class LighterWeekForm(FlaskForm):
    """The choices of ``start`` are set per request (learn/pause_views.py)."""

    start = SelectField(_l("The week of"), validators=[InputRequired(_l("Choose a week."))])
    minutes = IntegerField(
        _l("Minutes that week"),
        validators=[
            InputRequired(_l("Enter a number of minutes.")),
            NumberRange(1, 599, _l("Enter between %(min)s and %(max)s minutes.")),
        ],
    )
