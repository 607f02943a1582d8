"""The SMTP transport: one message to one address, over the settings' server (stdlib smtplib only).

SMTP_SECURITY picks the connection: `ssl` is TLS from the first byte (port 465), `starttls` upgrades a
plain connection before logging in (port 587; a server that does not offer STARTTLS is refused rather
than sent the password in clear), `none` is plain (a relay on the same host, tests). The password is
never part of an error: a failure says which server refused and how, in words an operator can act on.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid

from store.settings import Settings

TIMEOUT_SECONDS = 30


class MailNotSent(RuntimeError):
    """The SMTP server could not be reached or refused the message; worth trying again later."""


def message(settings: Settings, to: str, subject: str, text: str) -> EmailMessage:
    """A plain-text email from MAIL_FROM."""
    email = EmailMessage()
    email["From"] = settings.mail_from
    email["To"] = to
    email["Subject"] = subject
    email["Message-ID"] = make_msgid(domain="sheetbooks")
    email.set_content(text)
    return email


def _connect(settings: Settings) -> smtplib.SMTP:
    context = ssl.create_default_context()
    if settings.smtp_security == "ssl":
        return smtplib.SMTP_SSL(
            settings.smtp_host, settings.smtp_port, timeout=TIMEOUT_SECONDS, context=context
        )
    connection = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=TIMEOUT_SECONDS)
    if settings.smtp_security == "starttls":
        connection.ehlo()
        if not connection.has_extn("starttls"):
            connection.close()
            raise MailNotSent(
                f"the SMTP server {settings.smtp_host}:{settings.smtp_port} does not offer STARTTLS; "
                "set SMTP_SECURITY=ssl or none to match it"
            )
        connection.starttls(context=context)
    return connection


def send(settings: Settings, to: str, subject: str, text: str) -> None:
    """Hand one email to the SMTP server; MailNotSent if it was not accepted."""
    where = f"{settings.smtp_host}:{settings.smtp_port}"
    try:
        with _connect(settings) as connection:
            if settings.smtp_user:
                connection.login(settings.smtp_user, settings.smtp_password)
            connection.send_message(message(settings, to, subject, text))
    except smtplib.SMTPAuthenticationError as exc:
        raise MailNotSent(f"the SMTP server {where} refused SMTP_USER's login ({exc.smtp_code})") from None
    except smtplib.SMTPServerDisconnected as exc:
        raise MailNotSent(f"the SMTP server {where} closed the connection: {exc}"[:500]) from None
    except smtplib.SMTPException as exc:
        raise MailNotSent(f"the SMTP server {where} refused the message: {exc}"[:500]) from None
    except OSError as exc:  # refused, timed out, TLS failed (ssl.SSLError is one)
        raise MailNotSent(f"the SMTP server {where} could not be reached: {exc}"[:500]) from None
