"""The base form, and validators and helpers shared by every feature's forms."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

from flask import Flask, abort, flash, request
from flask_wtf import FlaskForm
from wtforms import Field, TextAreaField
from wtforms.validators import DataRequired, Length, Regexp

EMAIL_RULES = [
    DataRequired(),
    Length(max=254),
    Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="Enter an email address like name@example.com."),
]
CONTROL_CHARACTERS = "Remove the control characters (such as a NUL byte) from this field."
# Line breaks and tabs are text in a multi-line box; everywhere else every control character is refused.
_TEXT_AREA_ALLOWED = frozenset("\t\n\r")


def has_control_characters(text: str, allowed: frozenset[str] = frozenset()) -> bool:
    """True when `text` holds a Unicode control character (NUL, ESC, DEL, C1 ...) not in `allowed`."""
    return any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in text)


def _texts(data: Any) -> list[str]:
    if isinstance(data, str):
        return [data]
    if isinstance(data, Sequence):
        return [item for item in data if isinstance(item, str)]
    return []


class Form(FlaskForm):  # type: ignore[misc]  # flask_wtf ships no type hints
    """Every dashboard form derives from this: the one place text input is checked for control characters
    (a NUL byte would otherwise reach PostgreSQL, which refuses it, as a 500)."""

    def validate(self, extra_validators: Mapping[str, Sequence[Any]] | None = None) -> bool:
        valid = bool(super().validate(extra_validators))
        field: Field
        for field in self:
            allowed = _TEXT_AREA_ALLOWED if isinstance(field, TextAreaField) else frozenset()
            if any(has_control_characters(text, allowed) for text in _texts(field.raw_data or [])):
                field.errors = [*field.errors, CONTROL_CHARACTERS]
                valid = False
        return valid


class ConfirmForm(Form):
    """A form with only its CSRF token: a POST button (disconnect, delete, run now)."""


def flash_errors(form: FlaskForm) -> None:
    """One flash per field error, with the field's label."""
    for name, errors in form.errors.items():
        label = getattr(getattr(form, name, None), "label", None)
        prefix = f"{label.text}: " if label is not None else ""
        for error in errors:
            flash(f"{prefix}{error}", "error")


def _refuse_nul_in_the_address() -> None:
    """A query-string value with a NUL byte (which no database column can hold: an OAuth callback's
    realmId, say) is a 400 before any query. Other control characters are each page's to judge."""
    if any("\x00" in value for values in request.args.listvalues() for value in values):
        abort(400)


def init_app(app: Flask) -> None:
    app.before_request(_refuse_nul_in_the_address)
