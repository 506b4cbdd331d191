"""Manager forms: target overrides and a due date for one person."""

from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.validators import Optional, ValidationError

from skillgap.forms import choices
from skillgap.services.standing import SkillStanding

ROLE_TARGET = ""


class DueDateForm(FlaskForm):
    due_date = DateField(
        "Due date",
        description="The date the person's path should be finished by. Leave empty for none.",
        validators=[Optional()],
    )

    def validate_due_date(self, field: DateField) -> None:
        if field.data is not None and field.data < date.today():
            raise ValidationError("Choose today or a later date.")


def targets_form(
    standings: list[SkillStanding],
    levels: list[tuple[str, str]],
    role_targets: dict[str, str],
    formdata: object = None,
) -> FlaskForm:
    """One select per skill: the role profile's target, or a level chosen by the manager."""

    class TargetsForm(FlaskForm):
        pass

    for standing in standings:
        skill = standing.skill
        # No role-profile target: the default (entry level) applies, and says so.
        default = levels[1][1] if len(levels) > 1 else ""
        role_level = role_targets.get(skill.id)
        label = f"Role target ({role_level})" if role_level else f"Default target ({default})"
        setattr(
            TargetsForm,
            f"target-{skill.id}",
            SelectField(
                skill.name,
                choices=choices([(ROLE_TARGET, label), *levels]),
                default=standing.target.id if standing.target_source == "manager" else ROLE_TARGET,
            ),
        )
    return TargetsForm() if formdata is None else TargetsForm(formdata=formdata)
