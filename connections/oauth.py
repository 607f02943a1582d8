"""Both OAuth round trips: start (the provider's consent URL for a state the caller remembers) and finish
(trade the code for a grant, store the company or Google account).

The caller (web/) owns the state: it makes one, remembers it with the workspace (and Google's PKCE code
verifier), and checks it once when the provider redirects back, before calling `finish_*`.
"""

from __future__ import annotations

import logging
import secrets

from redis import Redis
from sqlmodel import Session

from connections.clients import qbo_client_for
from connections.companies import save_connection
from connections.google_accounts import save_google_account
from qbo.errors import QboError, QboFault, ReconnectRequired
from qbo.oauth import IntuitOAuth
from sheets.credentials import GoogleOAuth
from store.models import Company, GoogleAccount

log = logging.getLogger(__name__)


class RealmNotGranted(Exception):
    """The redirect's realmId is not a company the new tokens open (a mangled callback URL)."""

    def __init__(self, realm_id: str) -> None:
        super().__init__(f"the tokens do not open company {realm_id}")
        self.realm_id = realm_id


def quickbooks_consent_url(redirect_uri: str, state: str) -> str:
    """Intuit's page where the analyst picks a company and consents; raises QboError when unreachable."""
    return IntuitOAuth().authorization_url(redirect_uri, state)


def _not_this_realm(exc: QboError) -> bool:
    return isinstance(exc, ReconnectRequired) or (isinstance(exc, QboFault) and exc.http_status in (401, 403))


def finish_quickbooks(
    session: Session,
    workspace_id: int,
    user_id: int | None,
    code: str,
    realm_id: str,
    redirect_uri: str,
    redis: Redis,
) -> tuple[Company, bool]:
    """Trade the code for tokens, store the company (connected or reconnected), read its name; commits.

    Returns the company and whether it is new. Raises QboError when Intuit refused the code, and
    RealmNotGranted (keeping nothing new) when the tokens cannot read `realm_id`.
    """
    tokens = IntuitOAuth().exchange_code(code, redirect_uri)
    company, created = save_connection(session, workspace_id, user_id, realm_id, tokens, "")
    session.commit()  # the client reads the tokens in a session of its own
    try:
        name = qbo_client_for(company, redis).company_info().get("CompanyName", "")
    except QboError as exc:
        if _not_this_realm(exc):
            if created:
                session.delete(company)
                session.commit()
            raise RealmNotGranted(realm_id) from exc
        log.warning("company %s connected but CompanyInfo failed: %s", company.id, exc)
        name = ""
    session.refresh(company)
    if name:
        company.name = name
        session.add(company)
        session.commit()
    return company, created


def google_code_verifier() -> str:
    """A fresh PKCE code verifier, to remember with the state until Google redirects back."""
    return secrets.token_urlsafe(64)


def google_consent_url(redirect_uri: str, state: str, code_verifier: str) -> str:
    """Google's consent screen for the Sheets and Drive scopes."""
    return GoogleOAuth().authorization_url(redirect_uri, state, code_verifier)


def finish_google(
    session: Session,
    workspace_id: int,
    user_id: int | None,
    code: str,
    redirect_uri: str,
    code_verifier: str,
) -> tuple[GoogleAccount, bool]:
    """Trade the code for the user's grant and store the account (not committed); whether it is new.

    Raises SheetsError or OSError when Google did not give a grant.
    """
    info = GoogleOAuth().exchange_code(code, redirect_uri, code_verifier)
    return save_google_account(session, workspace_id, user_id, info)
