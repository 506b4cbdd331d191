"""Admin forms: users, teams and the GIFT upload. Choices are filled in by the view."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from skillgap.forms import Name, NewPassword, choices, strip_filter
from skillgap.roles import Role

NO_TEAM = 0


class UserForm(FlaskForm):
    name = StringField(
        "Name",
        filters=[strip_filter],
        validators=[DataRequired("Enter a name."), Length(max=100), Name()],
    )
    email = EmailField(
        "Email",
        filters=[strip_filter],
        validators=[DataRequired("Enter an email address."), Length(max=254), Email()],
    )
    role = SelectField("Role", choices=choices((role.value, role.label) for role in Role))
    team = SelectField("Team", coerce=int)
    role_profile = SelectField(
        "Role profile", description="The skill targets this person is measured against."
    )


class NewUserForm(UserForm):
    password = PasswordField(
        "Initial password",
        description="12 to 128 characters. Leave empty to generate one, shown once.",
        validators=[Optional(), NewPassword()],
    )


class TeamForm(FlaskForm):
    name = StringField(
        "Team name",
        filters=[strip_filter],
        validators=[DataRequired("Enter a team name."), Length(max=100), Name()],
    )
    managers = SelectMultipleField(
        "Managers", coerce=int, description="Managers and admins can manage a team."
    )


class GiftImportForm(FlaskForm):
    """The GIFT upload's settings. Lenient on purpose: a bad quiz id or title is
    reported by authoring when importing, with the parsed questions still shown."""

    quiz_id = StringField("Quiz id", filters=[strip_filter])
    title = StringField("Quiz title", filters=[strip_filter])
    skill = SelectField("Skill the questions measure", validate_choice=False)
    kind = SelectField(
        "Kind",
        choices=choices([("check", "Module check"), ("diagnostic", "Diagnostic")]),
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
        "Token name",
        description="Say what uses it, e.g. 'Workday sync'.",
        filters=[strip_filter],
        validators=[DataRequired("Enter a name."), Length(max=100), Name()],
    )
    scopes = SelectMultipleField(
        "Scopes",
        description="What the token may read. Choose at least one.",
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validators=[DataRequired("Choose at least one scope.")],
    )
