"""Manager forms: target overrides and a due date for one person, and one
target and due date for everyone below target in a top gap."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField
from wtforms.validators import Optional, ValidationError

from skillgap.forms import choices
from skillgap.services.standing import SkillStanding

ROLE_TARGET = ""
KEEP_TARGETS = ""  # a top gap's form: leave each person's target as it is


class DueDateForm(FlaskForm):
    due_date = DateField(
        _l("Due date"),
        description=_l("The date the person's path should be finished by. Leave empty for none."),
        validators=[Optional()],
    )

    def validate_due_date(self, field: DateField) -> None:
        if field.data is not None and field.data < date.today():
            raise ValidationError(_("Choose today or a later date."))


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
        label = (
            _("Role target (%(level)s)", level=role_level)
            if role_level
            else _("Default target (%(level)s)", level=default)
        )
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


class GapTargetsForm(DueDateForm):
    """From a top gap: one target level and a due date for everyone below target
    in the skill. Each field left empty keeps what each person has; an empty
    due date here does not clear anyone's (several people's dates at once is
    too much to lose by leaving a field blank)."""

    skill = HiddenField()
    profile = HiddenField()  # the matrix's filter: the people the gap counted
    sort = HiddenField()
    target = SelectField(_l("Target level"), default=KEEP_TARGETS)

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if not self.target.data and self.due_date.data is None:
            self.form_errors.append(_("Choose a target level or a due date: nothing to set."))
            return False
        return True


def gap_targets_form(levels: list[tuple[str, str]], skill_ids: set[str]) -> GapTargetsForm:
    """The form with its level choices (above the lowest: a target of the lowest
    level is no target) and the skills a gap may name."""
    form = GapTargetsForm()
    form.target.choices = choices([(KEEP_TARGETS, _("Keep each person's target")), *levels[1:]])
    form.skill.validators = [_one_of(skill_ids)]
    return form


def _one_of(skill_ids: set[str]) -> Callable[[FlaskForm, HiddenField], None]:
    def check(_form: FlaskForm, field: HiddenField) -> None:
        if field.data not in skill_ids:
            raise ValidationError(_("That skill is not in the framework."))

    return check
