"""Validators and fields shared by every form."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from flask_wtf import FlaskForm
from wtforms import Field, Form
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from skillgap import passwords


class PlainText:
    """Refuse control characters (NUL breaks PostgreSQL text, others hide in the UI)."""

    def __call__(self, form: Form, field: Field) -> None:
        value = field.data or ""
        if any(unicodedata.category(ch) == "Cc" and ch not in "\t" for ch in value):
            raise ValidationError("Remove the control characters from this field.")


class NewPassword:
    """The password rules of passwords.password_problem, as a form validator."""

    def __call__(self, form: Form, field: Field) -> None:
        problem = passwords.password_problem(field.data or "")
        if problem:
            raise ValidationError(problem)


def strip_filter(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def choices(pairs: Iterable[tuple[object, str]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms select choices."""
    return [SelectChoice(value, label) for value, label in pairs]  # type: ignore[arg-type]


class ConfirmForm(FlaskForm):
    """A bare form for POST-only actions (buttons): it carries the CSRF token."""
