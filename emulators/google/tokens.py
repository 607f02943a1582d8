"""Grants, authorization codes, access and refresh tokens: the state behind the OAuth 2.0 server."""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
from dataclasses import asdict, dataclass

from emulators.google.persistence import Clock, Records

ACCESS_TOKEN_SECONDS = 3599
CODE_SECONDS = 600
EXPIRED_OR_REVOKED = "Token has been expired or revoked."


class OAuthError(Exception):
    """An OAuth 2.0 error answered as `{"error", "error_description"}`."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description
        self.status = status

    def body(self) -> dict:
        return {"error": self.error, "error_description": self.description}


@dataclass(frozen=True)
class Principal:
    """Who a bearer token speaks for: a user or a service account."""

    email: str
    kind: str = "user"
    scopes: tuple[str, ...] = ()

    @property
    def is_service_account(self) -> bool:
        return self.kind == "service_account"


@dataclass
class Grant:
    """One consent (or service-account assertion): the scopes a client may use on behalf of `email`."""

    id: str
    email: str
    client_id: str
    scopes: list[str]
    created: float
    kind: str = "user"
    refresh_token: str | None = None
    revoked: bool = False


@dataclass
class AccessToken:
    token: str
    grant_id: str
    expires: float


@dataclass
class AuthCode:
    code: str
    client_id: str
    redirect_uri: str
    email: str
    scopes: list[str]
    offline: bool
    expires: float
    challenge: str | None = None
    method: str = "plain"
    nonce: str | None = None


def subject(email: str) -> str:
    """A stable numeric Google account id (`sub`) for an email."""
    return str(int(hashlib.sha256(email.lower().encode()).hexdigest()[:17], 16)).rjust(21, "1")


def pkce_matches(challenge: str, method: str, verifier: str) -> bool:
    if method.upper() == "S256":
        digest = hashlib.sha256(verifier.encode()).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == challenge
    return secrets.compare_digest(verifier, challenge)


class TokenStore:
    """Issues, checks and revokes codes and tokens against the emulator clock; grants and tokens persist."""

    def __init__(self, records: Records, clock: Clock, refresh_lifetime: float | None = None) -> None:
        self._lock = threading.Lock()
        self._records = records
        self._clock = clock
        self._refresh_lifetime = refresh_lifetime
        self._codes: dict[str, AuthCode] = {}
        self._grants = {k: Grant(**v) for k, v in records.all("grant").items()}
        self._access = {k: AccessToken(**v) for k, v in records.all("access_token").items()}
        self._by_refresh = {g.refresh_token: g for g in self._grants.values() if g.refresh_token}

    def issue_code(self, code: AuthCode) -> str:
        with self._lock:
            self._codes[code.code] = code
        return code.code

    def new_code(self, **fields) -> AuthCode:
        return AuthCode(
            code="4/0emu-" + secrets.token_urlsafe(32), expires=self._clock.now() + CODE_SECONDS, **fields
        )

    def redeem_code(self, code: str, client_id: str, redirect_uri: str, verifier: str | None) -> AuthCode:
        """The consent behind a one-time code, after checking client, redirect URI and PKCE verifier."""
        with self._lock:
            found = self._codes.get(code)
            if found is None:
                raise OAuthError(
                    "invalid_grant", "Malformed auth code." if not code.startswith("4/") else "Bad Request"
                )
            if found.challenge and not verifier:
                raise OAuthError("invalid_grant", "Missing code verifier.")
            del self._codes[code]
        if found.expires < self._clock.now() or found.client_id != client_id:
            raise OAuthError("invalid_grant", "Bad Request")
        if found.redirect_uri != redirect_uri:
            raise OAuthError("redirect_uri_mismatch", "Bad Request")
        if found.challenge and not pkce_matches(found.challenge, found.method, verifier or ""):
            raise OAuthError("invalid_grant", "Invalid code verifier.")
        return found

    def grant(
        self, email: str, client_id: str, scopes: list[str], offline: bool, kind: str = "user"
    ) -> Grant:
        """A new grant (with a refresh token when `offline`)."""
        refresh = "1//0emu-" + secrets.token_urlsafe(40) if offline else None
        grant = Grant(secrets.token_hex(12), email, client_id, scopes, self._clock.now(), kind, refresh)
        with self._lock:
            self._grants[grant.id] = grant
            if refresh:
                self._by_refresh[refresh] = grant
        self._records.put("grant", grant.id, asdict(grant))
        return grant

    def granted_scopes(self, email: str, client_id: str) -> set[str]:
        """Scopes this user already granted this client (for include_granted_scopes)."""
        with self._lock:
            grants = [g for g in self._grants.values() if not g.revoked]
        return {s for g in grants if g.email == email and g.client_id == client_id for s in g.scopes}

    def access_token(self, grant: Grant) -> AccessToken:
        token = AccessToken(
            "ya29.emu-" + secrets.token_urlsafe(40), grant.id, self._clock.now() + ACCESS_TOKEN_SECONDS
        )
        with self._lock:
            self._access[token.token] = token
            expired = [t for t in self._access.values() if t.expires < token.expires - 86400]
            for old in expired:
                del self._access[old.token]
        for old in expired:
            self._records.delete("access_token", old.token)
        self._records.put("access_token", token.token, asdict(token))
        return token

    def refresh(self, refresh_token: str, client_id: str) -> Grant:
        """The live grant behind a refresh token; invalid_grant when unknown, revoked or expired."""
        with self._lock:
            grant = self._by_refresh.get(refresh_token)
        if grant is None or grant.revoked or self._refresh_expired(grant):
            raise OAuthError("invalid_grant", EXPIRED_OR_REVOKED)
        if grant.client_id != client_id:
            raise OAuthError("unauthorized_client", "Unauthorized")
        return grant

    def _refresh_expired(self, grant: Grant) -> bool:
        return (
            self._refresh_lifetime is not None and grant.created + self._refresh_lifetime < self._clock.now()
        )

    def principal(self, token: str) -> Principal | None:
        """Who a live access token speaks for, or None when it is unknown, expired or revoked."""
        with self._lock:
            access = self._access.get(token)
            grant = self._grants.get(access.grant_id) if access else None
        if access is None or grant is None or grant.revoked or access.expires <= self._clock.now():
            return None
        return Principal(grant.email, grant.kind, tuple(grant.scopes))

    def grant_for(self, token: str) -> Grant | None:
        """The grant behind an access or refresh token."""
        with self._lock:
            access = self._access.get(token)
            return self._grants.get(access.grant_id) if access else self._by_refresh.get(token)

    def revoke(self, token: str) -> bool:
        """Revoke the whole grant behind an access or refresh token (as Google does)."""
        grant = self.grant_for(token)
        if grant is None or grant.revoked:
            return False
        self._revoke(grant)
        return True

    def revoke_email(self, email: str) -> int:
        """Revoke every live grant of a user; returns how many."""
        with self._lock:
            grants = [g for g in self._grants.values() if g.email == email and not g.revoked]
        for grant in grants:
            self._revoke(grant)
        return len(grants)

    def _revoke(self, grant: Grant) -> None:
        with self._lock:
            grant.revoked = True
        self._records.put("grant", grant.id, asdict(grant))
