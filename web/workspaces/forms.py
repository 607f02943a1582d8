"""The invite form: an email address to send the link to, or none to be shown the link."""

from __future__ import annotations

from wtforms import EmailField
from wtforms.validators import Length, Optional, Regexp

from web.forms import EMAIL_RULES, Form


class InviteForm(Form):
    email = EmailField(
        "Their email (optional)",
        validators=[Optional(), *(rule for rule in EMAIL_RULES if isinstance(rule, Length | Regexp))],
    )
