"""Throttling by Redis counters: failed logins per email and client address, reset emails per email."""

from __future__ import annotations

from store import redis_keys
from workers.queue import get_redis

MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60
MAX_RESET_EMAILS = 3
RESET_WINDOW_SECONDS = 60 * 60


def _count(key: str, window_seconds: int) -> int:
    """Add one to a counter that lives `window_seconds` from its first count; the new value."""
    pipe = get_redis().pipeline()
    pipe.incr(key)
    pipe.expire(key, window_seconds, nx=True)
    return int(pipe.execute()[0])


def is_blocked(email: str, address: str) -> bool:
    return int(get_redis().get(redis_keys.login_failures(email, address)) or 0) >= MAX_FAILURES


def record_failure(email: str, address: str) -> None:
    _count(redis_keys.login_failures(email, address), WINDOW_SECONDS)


def may_send_reset(email: str) -> bool:
    """At most MAX_RESET_EMAILS reset emails an hour to one address (no mail bombing through the form)."""
    return _count(redis_keys.reset_emails(email), RESET_WINDOW_SECONDS) <= MAX_RESET_EMAILS


def clear(email: str, address: str) -> None:
    get_redis().delete(redis_keys.login_failures(email, address))
