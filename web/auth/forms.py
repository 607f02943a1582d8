"""Forms of the auth pages."""

from __future__ import annotations

from wtforms import EmailField, PasswordField, RadioField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from store.models import FailureMail
from web.forms import EMAIL_RULES, Form

PASSWORD_RULES = [DataRequired(), Length(min=10, max=200, message="Use at least 10 characters.")]


class SignupForm(Form):
    name = StringField("Your name", validators=[DataRequired(), Length(max=80)])
    email = EmailField("Email", validators=EMAIL_RULES)
    password = PasswordField("Password", validators=PASSWORD_RULES)


class LoginForm(Form):
    email = EmailField("Email", validators=EMAIL_RULES)
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])


class ForgotForm(Form):
    email = EmailField("Email", validators=EMAIL_RULES)


class ResetForm(Form):
    password = PasswordField("New password", validators=PASSWORD_RULES)
    confirm = PasswordField(
        "Repeat the new password", validators=[DataRequired(), EqualTo("password", "The passwords differ.")]
    )


class AccountForm(Form):
    time_zone = StringField("Time zone", validators=[Length(max=64)])
    failure_mail = RadioField(
        "Email me about failed runs",
        choices=[
            (FailureMail.IMMEDIATE, "As they fail (within a minute)"),
            (FailureMail.DIGEST, "In a daily digest"),
            (FailureMail.OFF, "Never (nor when an exporter pauses or a connection needs reconnecting)"),
        ],
        default=FailureMail.DIGEST,
    )
