"""Forms for signing in, changing one's own password, and the account settings."""

from __future__ import annotations

import functools
import zoneinfo

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    Field,
    IntegerField,
    PasswordField,
    SelectField,
    SubmitField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    ValidationError,
)

from skillgap.config import LOCALES
from skillgap.forms import NewPassword, strip_filter
from skillgap.models import User
from skillgap.models.plans import MAX_WEEKLY_MINUTES, MIN_WEEKLY_MINUTES
from skillgap.passwords import MAX_PASSWORD_LENGTH


class LoginForm(FlaskForm):
    email = EmailField(
        _l("Email"),
        filters=[strip_filter],
        validators=[DataRequired(_l("Enter your email address.")), Length(max=254), Email()],
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter your password.")), Length(max=MAX_PASSWORD_LENGTH)],
    )
    remember = BooleanField(_l("Keep me signed in on this device"))
    submit = SubmitField(_l("Sign in"))


class LogoutForm(FlaskForm):
    submit = SubmitField(_l("Sign out"))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[
            DataRequired(_l("Enter your current password.")),
            Length(max=MAX_PASSWORD_LENGTH),
        ],
    )
    new_password = PasswordField(
        _l("New password"),
        description=_l("12 to 128 characters. Any characters, spaces included."),
        validators=[DataRequired(_l("Choose a new password.")), NewPassword()],
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[
            DataRequired(_l("Repeat the new password.")),
            EqualTo("new_password", _l("The two new passwords are not the same.")),
        ],
    )
    submit = SubmitField(_l("Change password"))


class InvitationForm(FlaskForm):
    new_password = PasswordField(
        _l("Choose a password"),
        description=_l("12 to 128 characters. Any characters, spaces included."),
        validators=[DataRequired(_l("Choose a password.")), NewPassword()],
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[
            DataRequired(_l("Repeat the password.")),
            EqualTo("new_password", _l("The two passwords are not the same.")),
        ],
    )
    submit = SubmitField(_l("Set password and sign in"))


class BudgetForm(FlaskForm):
    weekly_minutes = IntegerField(
        _l("Weekly learning time (minutes)"),
        description=_l(
            "Between %(min)s and %(max)s. Your path is planned into weeks of this length; "
            "be honest rather than ambitious.",
            min=MIN_WEEKLY_MINUTES,
            max=MAX_WEEKLY_MINUTES,
        ),
        validators=[
            InputRequired(_l("Enter a number of minutes.")),
            NumberRange(
                MIN_WEEKLY_MINUTES,
                MAX_WEEKLY_MINUTES,
                _l("Choose between %(min)s and %(max)s minutes."),  # NumberRange fills them
            ),
        ],
    )


class RoleProfileForm(FlaskForm):
    role_profile = SelectField(
        _l("Your role"),
        description=_l(
            "Sets the level you aim for in each skill. Without one, the target is entry "
            "level in every skill. Your manager may still set targets of their own."
        ),
    )
    submit_profile = SubmitField(_l("Save my role"))


@functools.cache
def time_zones() -> tuple[str, ...]:
    """Every IANA time zone name this system knows, sorted."""
    return tuple(sorted(zoneinfo.available_timezones()))


class LanguageForm(FlaskForm):
    """The person's interface language and time zone; "" follows the browser's
    language and the site's time zone (skillgap/i18n.py)."""

    locale = SelectField(_l("Language"), validate_choice=False)
    timezone = SelectField(_l("Time zone"), validate_choice=False)

    def validate_locale(self, field: Field) -> None:
        if field.data and field.data not in LOCALES:
            raise ValidationError(_("Choose a language from the list."))

    def validate_timezone(self, field: Field) -> None:
        if field.data and field.data not in time_zones():
            raise ValidationError(_("Choose a time zone from the list."))


def language_form(user: User) -> LanguageForm:
    """The form with the person's current choices and every option."""
    form = LanguageForm(data={"locale": user.locale or "", "timezone": user.timezone or ""})
    form.locale.choices = [("", _("Your browser's language")), *LOCALES.items()]
    site_zone = current_app.config["DEFAULT_TIMEZONE"]
    form.timezone.choices = [
        ("", _("The site's time zone (%(zone)s)", zone=site_zone)),
        *((zone, zone) for zone in time_zones()),
    ]
    return form
