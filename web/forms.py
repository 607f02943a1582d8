"""Validators and helpers shared by every feature's forms."""

from __future__ import annotations

from flask import flash
from flask_wtf import FlaskForm
from wtforms.validators import DataRequired, Length, Regexp

EMAIL_RULES = [
    DataRequired(),
    Length(max=254),
    Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="Enter an email address like name@example.com."),
]


class ConfirmForm(FlaskForm):
    """A form with only its CSRF token: a POST button (disconnect, delete, run now)."""


def flash_errors(form: FlaskForm) -> None:
    """One flash per field error, with the field's label."""
    for name, errors in form.errors.items():
        label = getattr(getattr(form, name, None), "label", None)
        prefix = f"{label.text}: " if label is not None else ""
        for error in errors:
            flash(f"{prefix}{error}", "error")
