"""Google credentials: the user OAuth grant (code + PKCE, drive.file) and the deployment's service account."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from google.oauth2 import service_account
from google.oauth2.credentials import Credentials

from sheets.errors import GoogleReconnectRequired, SheetsError
from store.settings import Settings, get_settings

SERVICE_ACCOUNT_SCOPES = (
    "https://www.googleapis.com/auth/spreadsheets",
    "https://www.googleapis.com/auth/drive.file",
)
FULL_DRIVE = "https://www.googleapis.com/auth/drive"


class GoogleOAuth:
    """The authorization-code flow with PKCE (S256) against settings.google_* endpoints."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()
        self.scopes = [s for s in self.settings.google_scopes.split() if s != FULL_DRIVE]

    def _session(self, redirect_uri: str | None = None) -> OAuth2Session:
        s = self.settings
        return OAuth2Session(
            s.google_client_id,
            s.google_client_secret,
            scope=" ".join(self.scopes),
            redirect_uri=redirect_uri,
            code_challenge_method="S256",
        )

    def authorization_url(self, redirect_uri: str, state: str, code_verifier: str) -> str:
        """Where to send the browser: consent for offline access to files the app creates or opens."""
        url, _ = self._session(redirect_uri).create_authorization_url(
            self.settings.google_auth_url,
            state=state,
            code_verifier=code_verifier,
            access_type="offline",
            prompt="consent",
            include_granted_scopes="true",
        )
        return str(url)

    def exchange_code(self, code: str, redirect_uri: str, code_verifier: str) -> dict[str, Any]:
        """The authorized-user info to store (token, refresh_token, expiry, scopes, token_uri, email)."""
        s = self.settings
        try:
            token = self._session(redirect_uri).fetch_token(
                s.google_token_url, code=code, code_verifier=code_verifier, grant_type="authorization_code"
            )
        except OAuthError as exc:
            raise SheetsError(
                f"Google did not accept the sign-in ({exc.error}: {exc.description}). Connect the Google "
                "account again from the start."
            ) from exc
        reply = requests.get(
            s.google_userinfo_url, headers={"Authorization": f"Bearer {token['access_token']}"}, timeout=30
        )
        reply.raise_for_status()
        expires_at = token.get("expires_at")
        return {
            "token": token["access_token"],
            "refresh_token": token.get("refresh_token"),
            "expiry": datetime.fromtimestamp(expires_at, UTC).isoformat() if expires_at else None,
            "scopes": (token.get("scope") or " ".join(self.scopes)).split(),
            "token_uri": s.google_token_url,
            "email": reply.json()["email"].lower(),
        }

    def revoke(self, token: str) -> bool:
        """Revoke a grant (by its refresh or access token); False when Google says it is already gone."""
        reply = requests.post(self.settings.google_revoke_url, data={"token": token}, timeout=30)
        return reply.ok


def user_credentials(info: dict[str, Any], settings: Settings | None = None) -> Credentials:
    """google-auth credentials from stored info; client id and secret come from settings, not the store."""
    s = settings or get_settings()
    expiry = info.get("expiry")
    parsed = datetime.fromisoformat(expiry).astimezone(UTC).replace(tzinfo=None) if expiry else None
    # google-auth leaves Credentials' constructor unannotated.
    return Credentials(  # type: ignore[no-untyped-call]
        token=info.get("token"),
        refresh_token=info.get("refresh_token"),
        token_uri=s.google_token_url or info.get("token_uri"),
        client_id=s.google_client_id,
        client_secret=s.google_client_secret,
        scopes=info.get("scopes"),
        expiry=parsed,
    )


def credentials_info(credentials: Credentials, email: str) -> dict[str, Any]:
    """Stored info of (possibly refreshed) user credentials."""
    expiry = credentials.expiry.replace(tzinfo=UTC).isoformat() if credentials.expiry else None
    return {
        "token": credentials.token,
        "refresh_token": credentials.refresh_token,
        "expiry": expiry,
        "scopes": list(credentials.scopes or []),
        "token_uri": credentials.token_uri,
        "email": email,
    }


def _key_file(settings: Settings) -> Path:
    path = Path(settings.google_service_account_file)
    if not settings.google_service_account_file or not path.is_file():
        raise SheetsError(
            "No service-account key file: set GOOGLE_SERVICE_ACCOUNT_FILE to the JSON key of the "
            "deployment's service account, or connect a Google account instead."
        )
    return path


def service_account_credentials(settings: Settings | None = None) -> service_account.Credentials:
    """The deployment's service account (the key file's own token_uri is used, so an emulator key works)."""
    path = _key_file(settings or get_settings())
    # google-auth leaves from_service_account_file unannotated.
    credentials: service_account.Credentials = service_account.Credentials.from_service_account_file(  # type: ignore[no-untyped-call]
        str(path), scopes=list(SERVICE_ACCOUNT_SCOPES)
    )
    return credentials


def service_account_email(settings: Settings | None = None) -> str:
    """The address analysts share spreadsheets with in service-account mode."""
    return str(json.loads(_key_file(settings or get_settings()).read_text())["client_email"])


def reconnect_required(email: str, detail: str) -> GoogleReconnectRequired:
    return GoogleReconnectRequired(
        f"Google no longer accepts the grant of {email} ({detail}). Reconnect {email} under Settings → "
        "Google accounts, then run the exporter again."
    )
