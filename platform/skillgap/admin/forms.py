"""Admin forms: users, teams and the GIFT upload. Choices are filled in by the view."""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from skillgap.forms import Name, NewPassword, choices, strip_filter
from skillgap.roles import Role

NO_TEAM = 0
# Role.label, looked up when shown (these are built at import time).
ROLE_LABELS = {role: LazyString(lambda role=role: role.label) for role in Role}


class UserForm(FlaskForm):
    name = StringField(
        _l("Name"),
        filters=[strip_filter],
        validators=[DataRequired(_l("Enter a name.")), Length(max=100), Name()],
    )
    email = EmailField(
        _l("Email"),
        filters=[strip_filter],
        validators=[DataRequired(_l("Enter an email address.")), Length(max=254), Email()],
    )
    role = SelectField(
        _l("Role"), choices=choices((role.value, ROLE_LABELS[role]) for role in Role)
    )
    team = SelectField(_l("Team"), coerce=int)
    role_profile = SelectField(
        _l("Role profile"), description=_l("The skill targets this person is measured against.")
    )


class NewUserForm(UserForm):
    password = PasswordField(
        _l("Initial password"),
        description=_l("12 to 128 characters. Leave empty to generate one, shown once."),
        validators=[Optional(), NewPassword()],
    )


class TeamForm(FlaskForm):
    name = StringField(
        _l("Team name"),
        filters=[strip_filter],
        validators=[DataRequired(_l("Enter a team name.")), Length(max=100), Name()],
    )
    managers = SelectMultipleField(
        _l("Managers"), coerce=int, description=_l("Managers and admins can manage a team.")
    )


class GiftImportForm(FlaskForm):
    """The GIFT upload's settings. Lenient on purpose: a bad quiz id or title is
    reported by authoring when importing, with the parsed questions still shown."""

    quiz_id = StringField(_l("Quiz id"), filters=[strip_filter])
    title = StringField(_l("Quiz title"), filters=[strip_filter])
    skill = SelectField(_l("Skill the questions measure"), validate_choice=False)
    kind = SelectField(
        _l("Kind"),
        choices=choices([("check", _l("Module check")), ("diagnostic", _l("Diagnostic"))]),
        validate_choice=False,
    )

    def normalise(self) -> None:
        """Unknown values fall back to the first skill and to a module check."""
        skill_ids = [choice.value for choice in self.skill.choices]
        if self.skill.data not in skill_ids:
            self.skill.data = skill_ids[0] if skill_ids else ""
        if self.kind.data not in ("check", "diagnostic"):
            self.kind.data = "check"


class ApiTokenForm(FlaskForm):
    """A new API token: a name to recognise it by and its scopes (services/api_tokens.py)."""

    name = StringField(
        _l("Token name"),
        description=_l("Say what uses it, e.g. 'Workday sync'."),
        filters=[strip_filter],
        validators=[DataRequired(_l("Enter a name.")), Length(max=100), Name()],
    )
    scopes = SelectMultipleField(
        _l("Scopes"),
        description=_l("What the token may read. Choose at least one."),
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validators=[DataRequired(_l("Choose at least one scope."))],
    )
