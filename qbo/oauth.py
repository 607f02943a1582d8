"""Intuit OAuth 2.0 with authlib: authorization URL, code exchange, refresh (rotating tokens), revoke."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.requests_client import OAuth2Session

from qbo.errors import QboConfigError, QboError, QboUnavailable, ReconnectRequired, network_failure
from store.settings import Settings, get_settings

log = logging.getLogger(__name__)

# Intuit's rolling refresh-token window when a response leaves it out (qbo-api.md §1.6: 101 days).
DEFAULT_REFRESH_SECONDS = 8726400
HARD_EXPIRY_HEADER = "x-include-refresh-token-hard-expires-in"
TOKEN_HEADERS = {
    "Accept": "application/json",
    "Content-Type": "application/x-www-form-urlencoded;charset=UTF-8",
    HARD_EXPIRY_HEADER: "true",
}
TRANSIENT_TRIES = 3


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class TokenSet:
    """One token response from Intuit, with lifetimes turned into aware UTC datetimes; repr hides tokens."""

    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_at: datetime
    refresh_expires_at: datetime
    refresh_hard_expires_at: datetime | None = None
    id_token: str | None = field(default=None, repr=False)

    @classmethod
    def from_response(cls, body: dict[str, Any], now: datetime) -> TokenSet:
        """Build from Intuit's token JSON (expires_in, x_refresh_token_expires_in, ...) received at `now`."""
        hard = body.get("x_refresh_token_hard_expires_in")
        return cls(
            access_token=body["access_token"],
            refresh_token=body["refresh_token"],
            expires_at=now + timedelta(seconds=int(body.get("expires_in", 3600))),
            refresh_expires_at=now
            + timedelta(seconds=int(body.get("x_refresh_token_expires_in", DEFAULT_REFRESH_SECONDS))),
            refresh_hard_expires_at=now + timedelta(seconds=int(hard)) if hard is not None else None,
            id_token=body.get("id_token"),
        )


class IntuitOAuth:
    """Intuit's OAuth endpoints, all taken from settings (design Decision 8)."""

    def __init__(
        self,
        settings: Settings | None = None,
        clock: Callable[[], datetime] = utcnow,
        timeout: float = 20.0,
    ) -> None:
        self.settings = settings or get_settings()
        self.clock = clock
        self.timeout = timeout
        self.last_intuit_tid: str | None = None

    def _session(self) -> OAuth2Session:
        session = OAuth2Session(
            client_id=self.settings.qbo_client_id,
            client_secret=self.settings.qbo_client_secret,
            token_endpoint_auth_method="client_secret_basic",
            default_timeout=self.timeout,
        )
        session.register_compliance_hook("access_token_response", self._remember_tid)
        session.register_compliance_hook("refresh_token_response", self._remember_tid)
        return session

    def _remember_tid(self, response: requests.Response) -> requests.Response:
        self.last_intuit_tid = response.headers.get("intuit_tid")
        log.info("intuit token endpoint -> %s intuit_tid=%s", response.status_code, self.last_intuit_tid)
        return response

    def authorization_url(self, redirect_uri: str, state: str) -> str:
        """Where to send the analyst to consent; the callback brings code, state and realmId."""
        with self._session() as session:
            url, _ = session.create_authorization_url(
                self.settings.qbo_auth_url,
                state=state,
                redirect_uri=redirect_uri,
                scope=self.settings.qbo_scopes,
            )
        return str(url)

    def exchange_code(self, code: str, redirect_uri: str) -> TokenSet:
        """Trade the callback's code for tokens (the realmId comes from the callback query, not from here)."""
        return self._token_call(
            lambda s: s.fetch_token(
                self.settings.qbo_token_url,
                grant_type="authorization_code",
                code=code,
                redirect_uri=redirect_uri,
                headers=dict(TOKEN_HEADERS),
            )
        )

    def refresh(self, refresh_token: str) -> TokenSet:
        """New tokens from the latest refresh token; Intuit may rotate it, so keep the returned one."""
        return self._token_call(
            lambda s: s.refresh_token(
                self.settings.qbo_token_url, refresh_token=refresh_token, headers=dict(TOKEN_HEADERS)
            )
        )

    def revoke(self, token: str) -> None:
        """Revoke a refresh (or access) token: Intuit disconnects the app from the realm."""
        try:
            with self._session() as session:
                response = session.post(
                    self.settings.qbo_revoke_url,
                    json={"token": token},
                    headers={"Accept": "application/json"},
                    auth=(self.settings.qbo_client_id, self.settings.qbo_client_secret),
                    withhold_token=True,
                )
        except requests.RequestException as exc:
            raise QboUnavailable(
                f"Intuit's revoke endpoint could not be reached ({network_failure(exc)})"
            ) from exc
        self._remember_tid(response)
        if response.status_code >= 400:
            raise QboError(
                f"Intuit refused to revoke the connection (HTTP {response.status_code})", self.last_intuit_tid
            )

    def _token_call(self, call: Callable[[OAuth2Session], dict[str, Any]]) -> TokenSet:
        """Run one token-endpoint request, retrying only transport failures and 5xx, and map errors."""
        for attempt in range(1, TRANSIENT_TRIES + 1):
            try:
                with self._session() as session:
                    body = call(session)
                return TokenSet.from_response(dict(body), self.clock())
            except OAuthError as exc:
                raise self._oauth_error(exc.error, exc.description) from None
            except (requests.ConnectionError, requests.Timeout, requests.HTTPError) as exc:
                status = exc.response.status_code if exc.response is not None else None
                if status is not None and status < 500:
                    raise QboError(
                        f"Intuit's token endpoint answered HTTP {status} without a usable body",
                        self.last_intuit_tid,
                    ) from None
                if attempt == TRANSIENT_TRIES:
                    what = f"HTTP {status}" if status is not None else network_failure(exc)
                    raise QboUnavailable(
                        f"Intuit's token endpoint kept failing ({what}) after "
                        f"{TRANSIENT_TRIES} tries; the next run will try again",
                        self.last_intuit_tid,
                    ) from None
                time.sleep(random.uniform(0.5, 1.0) * 2 ** (attempt - 1))
        raise AssertionError("unreachable")

    def _oauth_error(self, error: str, description: str | None) -> QboError:
        tid = self.last_intuit_tid
        detail = f"{error}: {description}" if description else error
        if error == "invalid_grant":
            return ReconnectRequired(detail, tid)
        if error == "invalid_client":
            return QboConfigError(
                "Intuit rejected the app's client id or secret (invalid_client); "
                "an operator must fix QBO_CLIENT_ID / QBO_CLIENT_SECRET",
                tid,
            )
        return QboError(f"Intuit's token endpoint refused the request ({detail})", tid)
