"""Forms of the companies pages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length


class RemoveForm(FlaskForm):  # type: ignore[misc]  # Flask-WTF ships no type information
    confirm_name = StringField(
        "Type the company name to confirm", validators=[DataRequired(), Length(max=300)]
    )
