"""Emails go to the outbox table; in demo mode /outbox shows them."""

from __future__ import annotations

from sqlmodel import Session

from store.models import OutboxEmail


def send_email(session: Session, to: str, subject: str, body: str) -> OutboxEmail:
    email = OutboxEmail(to=to, subject=subject, body=body)
    session.add(email)
    return email
