"""Throttling by Redis counters: failed logins per email and client address, reset emails per email."""

from __future__ import annotations

from store.settings import get_settings
from workers.queue import get_redis

MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60
MAX_RESET_EMAILS = 3
RESET_WINDOW_SECONDS = 60 * 60


def _key(email: str, address: str, kind: str = "login-failures") -> str:
    """Namespaced by queue name, so deployments (and tests) sharing a Redis never mix counters."""
    return f"sheetbooks:{get_settings().queue_name}:{kind}:{email.lower()}:{address}"


def _count(key: str, window_seconds: int) -> int:
    """Add one to a counter that lives `window_seconds` from its first count; the new value."""
    pipe = get_redis().pipeline()
    pipe.incr(key)
    pipe.expire(key, window_seconds, nx=True)
    return int(pipe.execute()[0])


def is_blocked(email: str, address: str) -> bool:
    return int(get_redis().get(_key(email, address)) or 0) >= MAX_FAILURES


def record_failure(email: str, address: str) -> None:
    _count(_key(email, address), WINDOW_SECONDS)


def may_send_reset(email: str) -> bool:
    """At most MAX_RESET_EMAILS reset emails an hour to one address (no mail bombing through the form)."""
    return _count(_key(email, "-", "reset-emails"), RESET_WINDOW_SECONDS) <= MAX_RESET_EMAILS


def clear(email: str, address: str) -> None:
    get_redis().delete(_key(email, address))
