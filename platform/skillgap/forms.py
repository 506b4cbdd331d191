"""Validators and fields shared by every form."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from flask import request
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from werkzeug.routing import IntegerConverter
from wtforms import Field, Form
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from skillgap import passwords
from skillgap.inputs import MAX_ID, name_problem, whole_number


class Name:
    """A name people will read: no control or text-direction characters, and at
    least one letter or digit (a name of zero-width spaces looks empty)."""

    def __call__(self, form: Form, field: Field) -> None:
        problem = name_problem(field.data or "")
        if problem:
            raise ValidationError(problem)


class NewPassword:
    """The password rules of passwords.password_problem, as a form validator."""

    def __call__(self, form: Form, field: Field) -> None:
        problem = passwords.password_problem(field.data or "")
        if problem:
            raise ValidationError(problem)


def strip_filter(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def choices(pairs: Iterable[tuple[object, object]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms select choices (a label may be a lazy_gettext)."""
    return [SelectChoice(value, label) for value, label in pairs]


class ConfirmForm(FlaskForm):
    """A bare form for POST-only actions (buttons): it carries the CSRF token."""


@dataclass(frozen=True)
class Upload:
    data: bytes
    error: str | None = None  # for the person, when the file could not be taken

    @property
    def text(self) -> str:
        return self.data.decode("utf-8-sig", errors="replace")


def read_upload(file_field: str, max_bytes: int, pasted_field: str | None = None) -> Upload:
    """The bytes of an uploaded file, or of a pasted text field when no file came.
    Never reads more than ``max_bytes`` + 1 of a file: a larger one is refused
    with a message instead of being read into memory."""
    upload = request.files.get(file_field)
    if upload is not None and upload.filename:
        data = upload.read(max_bytes + 1)
    else:
        data = request.form.get(pasted_field, "").encode("utf-8") if pasted_field else b""
    if len(data) > max_bytes:
        return Upload(
            b"", _("The file is larger than %(size)s MB.", size=max_bytes // 1_000_000 or 1)
        )
    return Upload(data)


def read_text_upload(file_field: str, max_bytes: int, pasted_field: str | None = None) -> Upload:
    """``read_upload``, for text: ``data`` must be UTF-8 (a byte-order mark is dropped)."""
    upload = read_upload(file_field, max_bytes, pasted_field)
    try:
        upload.data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return Upload(b"", _("The file is not UTF-8 text."))
    return upload


def number_arg(values: Mapping[str, str], name: str, default: int | None = None) -> int | None:
    """``values[name]`` as a whole number in range (request.args or request.form)."""
    found = whole_number(values.get(name))
    return default if found is None else found


class IdConverter(IntegerConverter):
    """``<id:name>`` in a route: a whole number a database id can hold."""

    def __init__(self, url_map, *args, **kwargs):
        super().__init__(url_map, max=MAX_ID)
