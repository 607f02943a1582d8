"""Outgoing email: kept in the outbox table without live secrets; the link is put in at delivery.

An email that carries a secret link (password reset, invite) is stored with the placeholder LINK in its
body and the link itself encrypted (store.crypto) in `link_enc`. Whatever delivers it (the SMTP sender,
or the demo's outbox page) calls `deliver`, which returns the full text once and forgets the link. A copy
of the database, then, never holds a usable link in clear, and after delivery holds none at all.
"""

from __future__ import annotations

from sqlmodel import Session

from store import crypto
from store.models import OutboxEmail, utcnow

LINK = "{link}"
DELIVERED = "(this link was already delivered; ask for a new one if you lost it)"


def queue_email(session: Session, to: str, subject: str, body: str, link: str = "") -> OutboxEmail:
    """Add an email to the outbox (not committed); `body` says LINK where the secret `link` goes."""
    if link and LINK not in body:
        raise ValueError(f"the body of {subject!r} has no {LINK} placeholder for its link")
    email = OutboxEmail(to=to, subject=subject, body=body, link_enc=crypto.encrypt(link))
    session.add(email)
    return email


def stored_text(email: OutboxEmail) -> str:
    """The email as the store keeps it: the link, if any, is not in it."""
    return email.body.replace(LINK, DELIVERED if email.delivered_at else "(link hidden until delivery)")


def deliver(session: Session, email: OutboxEmail) -> str:
    """The full text to send, link included, once; the stored link is then dropped (not committed)."""
    link = crypto.decrypt(email.link_enc) if email.link_enc else DELIVERED
    email.link_enc = ""
    email.delivered_at = email.delivered_at or utcnow()
    session.add(email)
    return email.body.replace(LINK, link)
