"""Forms of the learner's own pages: pausing and lighter weeks."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField
from wtforms.validators import InputRequired, NumberRange

from skillgap.forms import choices
from skillgap.services.pauses import MAX_PAUSE_WEEKS


class PauseForm(FlaskForm):
    start = SelectField("From the week of", validators=[InputRequired("Choose a week.")])
    weeks = SelectField(
        "For",
        choices=choices(
            (str(n), f"{n} week{'s' if n != 1 else ''}") for n in range(1, MAX_PAUSE_WEEKS + 1)
        ),
        validators=[InputRequired("Choose how many weeks.")],
    )


class LighterWeekForm(FlaskForm):
    start = SelectField("The week of", validators=[InputRequired("Choose a week.")])
    minutes = IntegerField(
        "Minutes that week",
        validators=[
            InputRequired("Enter a number of minutes."),
            NumberRange(1, 599, "Enter between 1 and 599 minutes."),
        ],
    )
