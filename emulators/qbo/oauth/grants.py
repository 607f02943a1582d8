"""Authorization codes and grants: access tokens, rotating refresh tokens, the 100-day window, revocation."""

from __future__ import annotations

import hashlib
import secrets
import threading
from dataclasses import asdict, dataclass, field

CODE_LIFETIME = 300  # seconds; Intuit's is [U], 5 minutes here
ACCESS_LIFETIME = 3600
ROLLING_LIFETIME = 8_726_400  # the x_refresh_token_expires_in of every SDK fixture (101 days)
HARD_LIFETIME = 5 * 365 * 86400  # the 2025 five-year cap, counted from the grant
ROTATE_AFTER = 86400  # a refresh token older than this is replaced on refresh
GRACE = 86400  # the previous refresh token keeps working this long after its successor was issued


class InvalidGrant(Exception):
    """The token endpoint answers 400 invalid_grant."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()[:16]


def new_access_token() -> str:
    return "eyJlbmMiOiJBMTI4Q0JDLUhTMjU2IiwiYWxnIjoiZGlyIn0.." + secrets.token_urlsafe(48)


def new_refresh_token(now: float) -> str:
    return f"RT1-{secrets.randbelow(90) + 10}-H0-{int(now)}{secrets.token_hex(10)}"


@dataclass
class Code:
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    realm_id: str | None
    user: str
    expires_at: float
    used: bool = False


@dataclass
class RefreshToken:
    token: str
    issued_at: float
    expires_at: float  # rolling: pushed forward each time it is used
    superseded_at: float | None = None


@dataclass
class Grant:
    """What one consent produced; revoking it kills every token it issued."""

    grant_id: str
    realm_id: str | None
    client_id: str
    scope: str
    user: str
    created_at: float
    refresh_tokens: list[RefreshToken] = field(default_factory=list)
    access_tokens: dict[str, float] = field(default_factory=dict)  # token -> expires_at
    revoked: bool = False
    stale_refreshes: int = 0  # refreshes with a superseded token still in its grace period
    rejected_refreshes: int = 0  # refreshes refused: superseded past grace, expired, revoked

    @property
    def hard_expires_at(self) -> float:
        return self.created_at + HARD_LIFETIME

    @property
    def current(self) -> RefreshToken:
        return self.refresh_tokens[-1]

    def summary(self) -> dict:
        """The admin view: no token values, only hashes and counters."""
        return {
            "grant_id": self.grant_id,
            "realm_id": self.realm_id,
            "client_id": self.client_id,
            "scope": self.scope,
            "user": self.user,
            "revoked": self.revoked,
            "refresh_token_hash": token_hash(self.current.token),
            "superseded": [token_hash(rt.token) for rt in self.refresh_tokens[:-1]],
            "stale_refresh_attempts": self.stale_refreshes,
            "rejected_refresh_attempts": self.rejected_refreshes,
            "bad_refresh_attempts": self.stale_refreshes + self.rejected_refreshes,
        }

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> Grant:
        tokens = [RefreshToken(**rt) for rt in data.pop("refresh_tokens")]
        return cls(refresh_tokens=tokens, **data)


@dataclass
class Issued:
    """A token response's content."""

    grant: Grant
    access_token: str
    refresh_token: str
    refresh_expires_in: int
    hard_expires_in: int


class Grants:
    """Every code and grant; `on_change` persists a grant after each mutation."""

    def __init__(self, on_change=None) -> None:
        self.codes: dict[str, Code] = {}
        self.grants: dict[str, Grant] = {}
        self._by_refresh: dict[str, str] = {}
        self._by_access: dict[str, str] = {}
        self._lock = threading.RLock()
        self.on_change = on_change or (lambda grant: None)

    def add(self, grant: Grant) -> None:
        """Index a grant (new or loaded from disk)."""
        with self._lock:
            self.grants[grant.grant_id] = grant
            for rt in grant.refresh_tokens:
                self._by_refresh[rt.token] = grant.grant_id
            for token in grant.access_tokens:
                self._by_access[token] = grant.grant_id

    def new_code(self, code: Code) -> None:
        with self._lock:
            self.codes[code.code] = code

    def exchange(self, code_value: str, client_id: str, redirect_uri: str, now: float) -> Issued:
        """authorization_code grant: single use, 5 minutes, same client and redirect_uri."""
        with self._lock:
            code = self.codes.get(code_value)
            if code is None or code.used or code.expires_at < now or code.client_id != client_id:
                raise InvalidGrant("Invalid authorization code")
            if code.redirect_uri != redirect_uri:
                raise InvalidGrant("Redirect URI mismatch")
            code.used = True
            grant = Grant(secrets.token_hex(8), code.realm_id, client_id, code.scope, code.user, now)
            grant.refresh_tokens.append(RefreshToken(new_refresh_token(now), now, now + ROLLING_LIFETIME))
            self.add(grant)
            return self._issue(grant, now)

    def refresh(self, token: str, client_id: str, now: float, rotate_always: bool = False) -> Issued:
        """refresh_token grant: rotate after 24 h, 24 h grace for the previous token, rolling expiry."""
        with self._lock:
            grant = self.grants.get(self._by_refresh.get(token, ""))
            if grant is None or grant.client_id != client_id:
                raise InvalidGrant("Incorrect or invalid refresh token")
            used = next(rt for rt in grant.refresh_tokens if rt.token == token)
            problem = self._problem(grant, used, now)
            if problem:
                grant.rejected_refreshes += 1
                self.on_change(grant)
                raise InvalidGrant(problem)
            if used is not grant.current:
                grant.stale_refreshes += 1
            current = grant.current
            if rotate_always or now - current.issued_at >= ROTATE_AFTER:
                current.superseded_at = now
                current = RefreshToken(new_refresh_token(now), now, now + ROLLING_LIFETIME)
                grant.refresh_tokens.append(current)
                self._by_refresh[current.token] = grant.grant_id
            current.expires_at = now + ROLLING_LIFETIME
            return self._issue(grant, now)

    def _problem(self, grant: Grant, used: RefreshToken, now: float) -> str | None:
        if grant.revoked:
            return "Token revoked"
        if now >= grant.hard_expires_at or now >= used.expires_at:
            return "Token expired"
        if used.superseded_at is not None and now >= used.superseded_at + GRACE:
            return "Incorrect or invalid refresh token"
        return None

    def _issue(self, grant: Grant, now: float) -> Issued:
        access = new_access_token()
        grant.access_tokens = {t: exp for t, exp in grant.access_tokens.items() if exp > now}
        grant.access_tokens[access] = now + ACCESS_LIFETIME
        self._by_access[access] = grant.grant_id
        self.on_change(grant)
        current = grant.current
        hard = int(grant.hard_expires_at - now)
        return Issued(grant, access, current.token, min(int(current.expires_at - now), hard), hard)

    def by_access_token(self, token: str, now: float) -> Grant | None:
        """The live grant of an unexpired access token."""
        with self._lock:
            grant = self.grants.get(self._by_access.get(token, ""))
            if grant is None or grant.revoked or grant.access_tokens.get(token, 0) <= now:
                return None
            return grant

    def find(self, token: str) -> Grant | None:
        """The grant of an access or refresh token, whatever its state."""
        with self._lock:
            grant_id = self._by_refresh.get(token) or self._by_access.get(token)
            return self.grants.get(grant_id or "")

    def connected(self, realm_id: str) -> bool:
        """Whether some grant of the realm is still live (not revoked)."""
        with self._lock:
            return any(g.realm_id == realm_id and not g.revoked for g in self.grants.values())

    def revoke(self, grant: Grant) -> None:
        with self._lock:
            grant.revoked = True
            grant.access_tokens.clear()
            self.on_change(grant)

    def revoke_realm(self, realm_id: str) -> int:
        """Revoke every grant of a realm (admin); returns how many."""
        with self._lock:
            live = [g for g in self.grants.values() if g.realm_id == realm_id and not g.revoked]
            for grant in live:
                self.revoke(grant)
            return len(live)
