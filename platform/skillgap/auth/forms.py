"""Forms for signing in and changing one's own password."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, IntegerField, PasswordField, SelectField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length, NumberRange

from skillgap.forms import NewPassword, strip_filter
from skillgap.models.plans import MAX_WEEKLY_MINUTES, MIN_WEEKLY_MINUTES
from skillgap.passwords import MAX_PASSWORD_LENGTH


class LoginForm(FlaskForm):
    email = EmailField(
        "Email",
        filters=[strip_filter],
        validators=[DataRequired("Enter your email address."), Length(max=254), Email()],
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired("Enter your password."), Length(max=MAX_PASSWORD_LENGTH)],
    )
    remember = BooleanField("Keep me signed in on this device")
    submit = SubmitField("Sign in")


class LogoutForm(FlaskForm):
    submit = SubmitField("Sign out")


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password",
        validators=[DataRequired("Enter your current password."), Length(max=MAX_PASSWORD_LENGTH)],
    )
    new_password = PasswordField(
        "New password",
        description="12 to 128 characters. Any characters, spaces included.",
        validators=[DataRequired("Choose a new password."), NewPassword()],
    )
    confirm = PasswordField(
        "Repeat the new password",
        validators=[
            DataRequired("Repeat the new password."),
            EqualTo("new_password", "The two new passwords are not the same."),
        ],
    )
    submit = SubmitField("Change password")


class InvitationForm(FlaskForm):
    new_password = PasswordField(
        "Choose a password",
        description="12 to 128 characters. Any characters, spaces included.",
        validators=[DataRequired("Choose a password."), NewPassword()],
    )
    confirm = PasswordField(
        "Repeat the password",
        validators=[
            DataRequired("Repeat the password."),
            EqualTo("new_password", "The two passwords are not the same."),
        ],
    )
    submit = SubmitField("Set password and sign in")


class BudgetForm(FlaskForm):
    weekly_minutes = IntegerField(
        "Weekly learning time (minutes)",
        description=(
            f"Between {MIN_WEEKLY_MINUTES} and {MAX_WEEKLY_MINUTES}. Your path is planned "
            "into weeks of this length; be honest rather than ambitious."
        ),
        validators=[
            InputRequired("Enter a number of minutes."),
            NumberRange(
                MIN_WEEKLY_MINUTES,
                MAX_WEEKLY_MINUTES,
                f"Choose between {MIN_WEEKLY_MINUTES} and {MAX_WEEKLY_MINUTES} minutes.",
            ),
        ],
    )


class RoleProfileForm(FlaskForm):
    role_profile = SelectField(
        "Your role",
        description=(
            "Sets the level you aim for in each skill. Without one, the target is entry "
            "level in every skill. Your manager may still set targets of their own."
        ),
    )
    submit_profile = SubmitField("Save my role")
