"""Forms of the workspace page."""

from __future__ import annotations

from wtforms import SelectField, StringField
from wtforms.validators import Length

from web.forms import Form

EXPIRY_CHOICES = [("", "Never"), ("30", "In 30 days"), ("90", "In 90 days"), ("365", "In a year")]


class ApiTokenForm(Form):
    name = StringField("Name (what uses it)", validators=[Length(max=100)])
    expires = SelectField("Expires", choices=EXPIRY_CHOICES, default="90")
