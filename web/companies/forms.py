"""Forms of the companies pages."""

from __future__ import annotations

from wtforms import StringField
from wtforms.validators import DataRequired, Length

from web.forms import Form


class RemoveForm(Form):
    confirm_name = StringField(
        "Type the company name to confirm", validators=[DataRequired(), Length(max=300)]
    )
