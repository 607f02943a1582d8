"""Forms of the workspace page: an invite (an email address to send the link to, or none to be shown the
link) and an API token."""

from __future__ import annotations

from wtforms import EmailField, SelectField, StringField
from wtforms.validators import Length, Optional, Regexp

from web.forms import EMAIL_RULES, Form

EXPIRY_CHOICES = [("", "Never"), ("30", "In 30 days"), ("90", "In 90 days"), ("365", "In a year")]


class InviteForm(Form):
    email = EmailField(
        "Their email (optional)",
        validators=[Optional(), *(rule for rule in EMAIL_RULES if isinstance(rule, Length | Regexp))],
    )


class ApiTokenForm(Form):
    name = StringField("Name (what uses it)", validators=[Length(max=100)])
    expires = SelectField("Expires", choices=EXPIRY_CHOICES, default="90")
