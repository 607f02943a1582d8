"""Google accounts of a workspace: save a grant (connect or reconnect), their credentials, mark for
reconnect, disconnect, and the deployment's service account."""

from __future__ import annotations

import logging
from typing import Any

import requests
from google.auth.exceptions import RefreshError
from google.auth.transport.requests import Request
from google.oauth2.credentials import Credentials
from sqlmodel import Session, select

from connections.pausing import (
    clear_refused_account,
    flag_refused_account,
    release_disconnected_account,
    writing_through,
)
from mail import notices
from sheets.credentials import (
    GoogleOAuth,
    credentials_info,
    reconnect_required,
    service_account_email,
    user_credentials,
)
from store import db
from store.crypto import decrypt_json, encrypt_json
from store.models import GoogleAccount, GoogleAccountStatus
from store.settings import get_settings

log = logging.getLogger(__name__)

SERVICE_ACCOUNT = "service_account"


def save_google_account(
    session: Session, workspace_id: int, user_id: int | None, info: dict[str, Any]
) -> tuple[GoogleAccount, bool]:
    """Store a user's grant (encrypted), creating the account or reconnecting the existing one."""
    email = info["email"].lower()
    account = session.exec(
        select(GoogleAccount).where(GoogleAccount.workspace_id == workspace_id, GoogleAccount.email == email)
    ).first()
    created = account is None
    if account is None:
        account = GoogleAccount(workspace_id=workspace_id, email=email)
    stored = {k: v for k, v in info.items() if k not in ("client_id", "client_secret")}
    if not stored.get("refresh_token") and account.credentials_enc:
        stored["refresh_token"] = decrypt_json(account.credentials_enc).get("refresh_token")
    account.kind = "user"
    account.credentials_enc = encrypt_json(stored)
    account.status = GoogleAccountStatus.CONNECTED
    account.status_reason = ""
    account.connected_by_id = user_id
    session.add(account)
    session.flush()
    clear_refused_account(session, account)
    return account, created


class _StoredCredentials(Credentials):
    """User credentials that save refreshed tokens, and mark the account when Google refuses the grant."""

    account_id: int | None = None
    email: str = ""

    def refresh(self, request: Request) -> None:
        try:
            super().refresh(request)  # type: ignore[no-untyped-call]  # google-auth leaves it unannotated
        except RefreshError as exc:
            # google-auth's text is a tuple's repr holding Google's whole answer: keep its first words
            reason = str(exc.args[0]) if exc.args else "Google refused the grant"
            with db.session_scope() as session:
                account = session.get(GoogleAccount, self.account_id)
                if account is not None:
                    mark_needs_reconnect(session, account, reason)
            raise reconnect_required(self.email, reason) from exc
        with db.session_scope() as session:
            account = session.get(GoogleAccount, self.account_id)
            if account is not None:
                account.credentials_enc = encrypt_json(credentials_info(self, self.email))
                session.add(account)


def user_account_credentials(account: GoogleAccount) -> Credentials:
    """The credentials of a user's account, keeping what Google answers (refreshed tokens, refusals)."""
    base = user_credentials(decrypt_json(account.credentials_enc))
    creds = _StoredCredentials(  # type: ignore[no-untyped-call]  # google-auth leaves __init__ unannotated
        token=base.token,
        refresh_token=base.refresh_token,
        token_uri=base.token_uri,
        client_id=base.client_id,
        client_secret=base.client_secret,
        scopes=base.scopes,
        expiry=base.expiry,
    )
    creds.account_id, creds.email = account.id, account.email
    return creds


def mark_needs_reconnect(session: Session, account: GoogleAccount, reason: str) -> None:
    """Stop using the account until someone reconnects it; its exporters show the reason, and the
    workspace's owners are told (once, when it changes: mail.notices)."""
    newly = account.status != GoogleAccountStatus.NEEDS_RECONNECT
    account.status = GoogleAccountStatus.NEEDS_RECONNECT
    account.status_reason = reason[:500]
    session.add(account)
    flag_refused_account(session, account)
    if newly:
        notices.google_account_needs_reconnect(session, account, writing_through(session, account))


def _revoke(account: GoogleAccount) -> str | None:
    """Revoke the grant at Google (best effort); a message for the analyst when Google was unreachable."""
    info = decrypt_json(account.credentials_enc) if account.kind != SERVICE_ACCOUNT else {}
    token = info.get("refresh_token") or info.get("token")
    if not token:
        return None
    try:
        GoogleOAuth().revoke(token)  # False means Google no longer knew the grant: nothing left to revoke
    except requests.RequestException as exc:
        log.warning("revoking Google account %s failed: %s", account.id, type(exc).__name__)
        return (
            "Google could not be reached to revoke Sheetbooks' access. Sheetbooks "
            f"deleted the tokens anyway; to be sure, remove Sheetbooks at myaccount.google.com/permissions "
            f"signed in as {account.email}."
        )
    return None


def disconnect_google_account(session: Session, account: GoogleAccount) -> str | None:
    """Revoke the grant and forget it; the account's exporters stay, waiting for another Google account.

    Returns a warning for the analyst when Google could not confirm the revocation.
    """
    warning = _revoke(account)
    release_disconnected_account(session, account)
    session.delete(account)
    session.flush()
    return warning


def ensure_service_account(session: Session, workspace_id: int) -> GoogleAccount | None:
    """The deployment's service account as a Google account of the workspace (None when not configured)."""
    settings = get_settings()
    if not settings.google_service_account_file:
        return None
    email = service_account_email(settings)
    account = session.exec(
        select(GoogleAccount).where(GoogleAccount.workspace_id == workspace_id, GoogleAccount.email == email)
    ).first()
    if account is None:
        account = GoogleAccount(workspace_id=workspace_id, email=email, kind=SERVICE_ACCOUNT)
        session.add(account)
        session.flush()
    return account
