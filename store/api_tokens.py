"""API tokens: issued once, stored as a SHA-256 hash, listed by prefix, revoked, optionally expiring.

The dashboard's workspace page, the `sheetbooks api-token` command and /api/v1's Bearer check all go
through these functions. A token is `sbk_` + 256 random bits: a plain SHA-256 of it cannot be reversed by
guessing (a slow password hash buys nothing there), and the lookup stays one indexed query per request.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from store.models import ApiToken, Membership, User, Workspace, utcnow

PREFIX = "sbk_"
SHOWN = 12  # characters of the token kept in clear, to tell tokens apart in the list
# last_used_at is written at most this often per token: one write a minute, not one per request
TOUCH_EVERY = timedelta(minutes=1)


class TokenRefused(ValueError):
    """The operator's request for a token can't be met; the message says why."""


def hash_of(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(
    session: Session,
    workspace_id: int,
    user_id: int,
    name: str = "",
    expires_at: datetime | None = None,
) -> tuple[ApiToken, str]:
    """A new token for the user in the workspace: the row (hash and prefix only) and the token, which is
    never stored and must be shown to its owner now. The caller commits."""
    token = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        workspace_id=workspace_id,
        user_id=user_id,
        name=name.strip()[:100],
        prefix=token[:SHOWN],
        token_hash=hash_of(token),
        expires_at=expires_at,
    )
    session.add(row)
    session.flush()
    return row, token


def issue_for(
    session: Session, email: str, workspace_name: str | None = None, name: str = "", days: int | None = None
) -> tuple[ApiToken, str]:
    """A token for the user with this email, in the named workspace (or their only/first one): the
    command line's way in, for operators and scripts."""
    user = session.exec(select(User).where(col(User.email) == email.strip().lower())).first()
    if user is None or user.id is None:
        raise TokenRefused(f"There is no user {email}: sign up first, or check the spelling.")
    rows = session.exec(
        select(Workspace)
        .join(Membership, col(Membership.workspace_id) == Workspace.id)
        .where(Membership.user_id == user.id)
        .order_by(col(Workspace.id))
    ).all()
    chosen = [w for w in rows if workspace_name is None or w.name == workspace_name]
    if not chosen or chosen[0].id is None:
        names = ", ".join(repr(w.name) for w in rows) or "none"
        raise TokenRefused(
            f"{email} is not a member of a workspace named {workspace_name!r} (theirs: {names})."
        )
    expires = utcnow() + timedelta(days=days) if days else None
    return issue(session, chosen[0].id, user.id, name, expires)


def tokens_of(session: Session, workspace_id: int, user_id: int) -> list[ApiToken]:
    """The user's live (not revoked) tokens in the workspace, newest first."""
    return list(
        session.exec(
            select(ApiToken)
            .where(
                ApiToken.workspace_id == workspace_id,
                ApiToken.user_id == user_id,
                col(ApiToken.revoked_at).is_(None),
            )
            .order_by(col(ApiToken.id).desc())
        ).all()
    )


def revoke(session: Session, workspace_id: int, user_id: int, token_id: int) -> ApiToken | None:
    """Revoke one of the user's tokens in the workspace (None: no such token). The caller commits."""
    row = session.get(ApiToken, token_id)
    if row is None or row.workspace_id != workspace_id or row.user_id != user_id:
        return None
    row.revoked_at = row.revoked_at or utcnow()
    session.add(row)
    return row


def expired(row: ApiToken, now: datetime) -> bool:
    return row.expires_at is not None and row.expires_at <= now


def authenticate(session: Session, token: str, now: datetime | None = None) -> ApiToken | None:
    """The live token row for a presented token, its last use recorded; None when it is unknown,
    revoked, expired, or its user left the workspace. The caller commits."""
    now = now or utcnow()
    digest = hash_of(token)
    row = session.exec(select(ApiToken).where(ApiToken.token_hash == digest)).first()
    if row is None or not hmac.compare_digest(row.token_hash, digest):
        return None
    if row.revoked_at is not None or expired(row, now):
        return None
    member = session.exec(
        select(Membership).where(
            Membership.user_id == row.user_id, Membership.workspace_id == row.workspace_id
        )
    ).first()
    if member is None:
        return None
    if row.last_used_at is None or now - row.last_used_at >= TOUCH_EVERY:
        row.last_used_at = now
        session.add(row)
    return row
