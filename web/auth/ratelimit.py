"""Login throttling: a Redis counter of failures per email and client address."""

from __future__ import annotations

from store.settings import get_settings
from workers.queue import get_redis

MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60


def _key(email: str, address: str) -> str:
    """Namespaced by queue name, so deployments (and tests) sharing a Redis never mix counters."""
    return f"sheetbooks:{get_settings().queue_name}:login-failures:{email.lower()}:{address}"


def is_blocked(email: str, address: str) -> bool:
    return int(get_redis().get(_key(email, address)) or 0) >= MAX_FAILURES


def record_failure(email: str, address: str) -> None:
    key = _key(email, address)
    pipe = get_redis().pipeline()
    pipe.incr(key)
    pipe.expire(key, WINDOW_SECONDS, nx=True)
    pipe.execute()


def clear(email: str, address: str) -> None:
    get_redis().delete(_key(email, address))
