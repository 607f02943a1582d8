"""Token refresh and rotation under a per-company Redis lock (design Decision 3)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

from redis import Redis
from redis.exceptions import LockError

from qbo.errors import QboError, QboUnavailable, ReconnectRequired
from qbo.oauth import IntuitOAuth, TokenSet, utcnow
from store import redis_keys

log = logging.getLogger(__name__)

# After a failed refresh, nobody asks Intuit again for this long (no retry storm across workers).
REFRESH_BACKOFF_SECONDS = 60
# A stored access token this close to its expiry is not handed out while refreshing is failing.
STILL_VALID_FOR = timedelta(seconds=30)


class TokenStore(Protocol):
    """Where one company's tokens live (connections.company_tokens.CompanyTokenStore keeps them encrypted)."""

    def load(self) -> TokenSet: ...

    def save(self, tokens: TokenSet) -> None: ...

    def mark_reconnect_required(self, reason: str) -> None: ...

    def mark_refresh_failing(self, reason: str) -> None: ...


class TokenManager:
    """Hands out a valid access token; refreshes at most once per need, across every process."""

    def __init__(
        self,
        store: TokenStore,
        oauth: IntuitOAuth,
        redis: Redis,
        lock_name: str,
        margin: timedelta = timedelta(minutes=5),
        *,
        lock_timeout: float = 90.0,
        blocking_timeout: float = 120.0,
        backoff_seconds: float = REFRESH_BACKOFF_SECONDS,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.store = store
        self.oauth = oauth
        self.redis = redis
        self.lock_name = lock_name
        self.margin = margin
        self.lock_timeout = lock_timeout
        self.blocking_timeout = blocking_timeout
        self.backoff_seconds = backoff_seconds
        self.backoff_key = redis_keys.qbo_refresh_backoff(lock_name)
        self.clock = clock
        self.refreshes = 0
        self._current: TokenSet | None = None

    def _expiring(self, tokens: TokenSet) -> bool:
        return tokens.expires_at - self.margin <= self.clock()

    def access_token(self) -> str:
        """A valid access token, refreshed first when it expires within `margin`."""
        current = self._current or self.store.load()
        self._current = current
        if not self._expiring(current):
            return current.access_token
        return self.refresh_when(self._expiring, reuse_valid=True)

    def force_refresh(self, stale_access_token: str) -> str:
        """After a 401: refresh unless another process already replaced `stale_access_token`."""
        return self.refresh_when(lambda tokens: tokens.access_token == stale_access_token)

    def refresh_when(self, needed: Callable[[TokenSet], bool], reuse_valid: bool = False) -> str:
        """Under the company's lock, re-load the stored tokens and refresh only if still `needed`.

        When refreshing fails for a passing reason, `reuse_valid` lets a proactive refresh fall back on
        the stored access token while it is still valid.
        """
        lock = self.redis.lock(
            self.lock_name, timeout=self.lock_timeout, blocking_timeout=self.blocking_timeout
        )
        if not lock.acquire():
            raise QboUnavailable(
                "another worker has been refreshing this company's QuickBooks tokens for too long; "
                "the next run will try again"
            )
        try:
            current = self.store.load()
            if needed(current):
                try:
                    current = self._refresh(current)
                except ReconnectRequired:
                    raise
                except QboError:
                    if not (reuse_valid and current.expires_at - STILL_VALID_FOR > self.clock()):
                        raise
                    log.info("refresh failing for %s: using the still valid access token", self.lock_name)
            self._current = current
            return current.access_token
        finally:
            try:
                lock.release()
            except LockError:
                log.warning("token lock %s expired before release", self.lock_name)

    def _refresh(self, current: TokenSet) -> TokenSet:
        """Refresh, and save the (possibly rotated) refresh token before anyone uses the new access token."""
        failing = self.redis.get(self.backoff_key)
        if failing is not None:
            reason = failing.decode() if isinstance(failing, bytes) else str(failing)
            raise QboUnavailable(
                f"refreshing this company's QuickBooks tokens failed moments ago ({reason}); "
                "Sheetbooks tries again in a minute or two"
            )
        try:
            fresh = self.oauth.refresh(current.refresh_token)
        except ReconnectRequired as exc:
            log.warning("token refresh refused (%s) intuit_tid=%s", exc.reason, exc.intuit_tid)
            self.store.mark_reconnect_required(exc.reason)
            raise
        except QboError as exc:
            # Not the grant's fault (Intuit down, throttled, misconfigured): say so, back off, keep the grant.
            log.warning("token refresh failed for %s: %s", self.lock_name, exc)
            self.redis.set(self.backoff_key, exc.message[:300], ex=max(1, int(self.backoff_seconds)))
            self.store.mark_refresh_failing(str(exc))
            raise
        self.redis.delete(self.backoff_key)
        self.store.save(fresh)
        self.refreshes += 1
        log.info(
            "tokens refreshed for %s (refresh token %s) intuit_tid=%s",
            self.lock_name,
            "rotated" if fresh.refresh_token != current.refresh_token else "kept",
            self.oauth.last_intuit_tid,
        )
        return fresh
