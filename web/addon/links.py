"""Linking the add-on's Google identity (`sub`) to a Sheetbooks user (reference: workspace-addons.md §3,
"Linking to your account").

The add-on's card opens our sign-in page with a signed, short-lived `state` carrying the verified `sub`
and email; the signed-in user confirms, the link is stored, the window closes and Sheets reloads the
add-on, which now finds the link. A user unlinks on the account page.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlmodel import Session, col, select

from store.models import AddonLink, Membership, User

STATE_MAX_AGE_SECONDS = 600
_SALT = "sheetbooks.addon.link"


@dataclass(frozen=True)
class GoogleIdentity:
    sub: str
    email: str


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(str(current_app.secret_key), salt=_SALT)


def link_state(identity: GoogleIdentity) -> str:
    return _signer().dumps({"sub": identity.sub, "email": identity.email})


def identity_of(state: str) -> GoogleIdentity | None:
    """The identity a state was made for; None when forged or older than 10 minutes."""
    try:
        data = _signer().loads(state, max_age=STATE_MAX_AGE_SECONDS)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not data.get("sub"):
        return None
    return GoogleIdentity(str(data["sub"]), str(data.get("email") or ""))


def linked_user(session: Session, google_sub: str) -> User | None:
    link = session.exec(select(AddonLink).where(AddonLink.google_sub == google_sub)).first()
    return session.get(User, link.user_id) if link is not None else None


def workspace_ids(session: Session, user_id: int) -> list[int]:
    """The workspaces whose exporters the linked user sees in the add-on."""
    rows = session.exec(
        select(Membership.workspace_id).where(Membership.user_id == user_id).order_by(col(Membership.id))
    ).all()
    return list(rows)


def link(session: Session, identity: GoogleIdentity, user_id: int) -> None:
    """Link the identity to the user (replacing an older link of the same identity). The caller commits."""
    existing = session.exec(select(AddonLink).where(AddonLink.google_sub == identity.sub)).first()
    row = existing or AddonLink(google_sub=identity.sub, user_id=user_id)
    row.user_id, row.google_email = user_id, identity.email
    session.add(row)


def links_of(session: Session, user_id: int) -> list[AddonLink]:
    return list(session.exec(select(AddonLink).where(AddonLink.user_id == user_id)).all())


def unlink(session: Session, user_id: int, link_id: int) -> bool:
    """Remove one of the user's links; False when it is not theirs. The caller commits."""
    row = session.get(AddonLink, link_id)
    if row is None or row.user_id != user_id:
        return False
    session.delete(row)
    return True
