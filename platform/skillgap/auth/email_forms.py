"""The email settings form of /account: the weekly nudge for everyone, the team
digest (weekly, monthly or off) for managers and admins."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField

from skillgap.forms import choices
from skillgap.models import LearningPlan, User
from skillgap.roles import Role
from skillgap.services.digests import DigestChoice

DIGEST_CHOICES = choices(
    [
        (DigestChoice.WEEKLY.value, _l("Weekly (about the week just ended)")),
        (DigestChoice.MONTHLY.value, _l("Monthly (about the month just ended)")),
        (DigestChoice.OFF.value, _l("Off")),
    ]
)


class EmailPreferencesForm(FlaskForm):
    weekly_nudge = BooleanField(
        _l("Weekly email with this week's steps"),
        description=_l("Sent on Mondays; never when you pause a week or nothing is due."),
    )
    digest = SelectField(
        _l("Team digest"),
        choices=DIGEST_CHOICES,
        description=_l("What your team finished, gaps closed, new results, pauses and due dates."),
    )


def email_preferences_form(plan: LearningPlan, user: User) -> EmailPreferencesForm:
    """The form with the person's current choices. A field a POST leaves out keeps
    its current value (the checkbox excepted: unticked is absent)."""
    form = EmailPreferencesForm(
        data={"weekly_nudge": plan.weekly_nudge is not False, "digest": plan.digest or "weekly"}
    )
    if not user.has_role(Role.MANAGER):
        del form.digest
    return form
