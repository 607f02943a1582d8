"""Google accounts in the store: connect, build a writing client, mark for reconnect, disconnect."""

from __future__ import annotations

import logging

import gspread
import requests
from google.auth.exceptions import RefreshError
from google.auth.transport.requests import Request
from google.oauth2.credentials import Credentials
from sqlmodel import Session, select

from sheets.client import make_client
from sheets.credentials import (
    GoogleOAuth,
    credentials_info,
    reconnect_required,
    service_account_credentials,
    service_account_email,
    user_credentials,
)
from sheets.pacing import WritePacer
from store import db
from store.crypto import decrypt_json, encrypt_json
from store.models import Exporter, GoogleAccount, GoogleAccountStatus
from store.settings import get_settings

log = logging.getLogger(__name__)

SERVICE_ACCOUNT = "service_account"


def reconnect_message(email: str) -> str:
    """What every exporter writing through a refused Google account shows until someone reconnects it."""
    return (
        f"The Google account {email} needs reconnecting: Google refused its access (expired or revoked). "
        "Reconnect it under Google accounts; this exporter writes again once it is."
    )


def _writing_through(session: Session, account: GoogleAccount) -> list[Exporter]:
    return list(session.exec(select(Exporter).where(Exporter.google_account_id == account.id)).all())


def save_google_account(
    session: Session, workspace_id: int, user_id: int | None, info: dict
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
    for exporter in _writing_through(session, account):
        if exporter.destination_error == reconnect_message(account.email):
            exporter.destination_error = ""
            session.add(exporter)
    session.flush()
    return account, created


class _StoredCredentials(Credentials):
    """User credentials that save refreshed tokens, and mark the account when Google refuses the grant."""

    account_id: int | None = None
    email: str = ""

    def refresh(self, request: Request) -> None:
        try:
            super().refresh(request)
        except RefreshError as exc:
            with db.session_scope() as session:
                account = session.get(GoogleAccount, self.account_id)
                if account is not None:
                    mark_needs_reconnect(session, account, str(exc))
            raise reconnect_required(self.email, str(exc)) from exc
        with db.session_scope() as session:
            account = session.get(GoogleAccount, self.account_id)
            if account is not None:
                account.credentials_enc = encrypt_json(credentials_info(self, self.email))
                session.add(account)


def _user_credentials(account: GoogleAccount) -> Credentials:
    base = user_credentials(decrypt_json(account.credentials_enc))
    creds = _StoredCredentials(
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


def gspread_client_for(account: GoogleAccount) -> gspread.Client:
    """A client writing as the account, paced with every other worker writing as it."""
    if account.status != GoogleAccountStatus.CONNECTED:
        raise reconnect_required(account.email, account.status_reason or "it was marked as needing reconnect")
    settings = get_settings()
    creds = (
        service_account_credentials(settings)
        if account.kind == SERVICE_ACCOUNT
        else _user_credentials(account)
    )
    pacer = WritePacer.from_url(settings.redis_url, f"google-account-{account.id}")
    return make_client(creds, settings, pacer=pacer)


def mark_needs_reconnect(session: Session, account: GoogleAccount, reason: str) -> None:
    """Stop using the account until someone reconnects it; its exporters show the reason."""
    account.status = GoogleAccountStatus.NEEDS_RECONNECT
    account.status_reason = reason[:500]
    session.add(account)
    for exporter in _writing_through(session, account):
        exporter.destination_error = reconnect_message(account.email)
        session.add(exporter)
    session.flush()


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
            f"Google could not be reached to revoke Sheetbooks' access ({type(exc).__name__}). Sheetbooks "
            f"deleted the tokens anyway; to be sure, remove Sheetbooks at myaccount.google.com/permissions "
            f"signed in as {account.email}."
        )
    return None


def disconnect_google_account(session: Session, account: GoogleAccount) -> str | None:
    """Revoke the grant and forget it; the account's exporters stay, waiting for another Google account.

    Returns a warning for the analyst when Google could not confirm the revocation.
    """
    warning = _revoke(account)
    for exporter in _writing_through(session, account):
        exporter.google_account_id = None
        exporter.destination_error = (
            f"The Google account {account.email} was disconnected. Choose a Google account for this exporter."
        )
        session.add(exporter)
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
