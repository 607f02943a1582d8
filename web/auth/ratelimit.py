"""Throttling by Redis counters: failed logins per email and client address, failed logins per address
(password spraying: many emails, one address), reset emails per email.

The login limit fails open: when Redis cannot be reached, logging in still works (the outage is logged).
The reset-email limit fails closed: the page answers 503, since unlimited reset emails would be a mail bomb.
"""

from __future__ import annotations

import logging

from redis.exceptions import RedisError

from store import redis_keys
from workers.queue import get_redis

log = logging.getLogger(__name__)

MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60
# Per client address, whatever the email: generous (an office behind one NAT), still far from a spray.
MAX_FAILURES_PER_ADDRESS = 50
MAX_RESET_EMAILS = 3
RESET_WINDOW_SECONDS = 60 * 60


def _count(key: str, window_seconds: int) -> int:
    """Add one to a counter that lives `window_seconds` from its first count; the new value."""
    pipe = get_redis().pipeline()
    pipe.incr(key)
    pipe.expire(key, window_seconds, nx=True)
    return int(pipe.execute()[0])


def blocked(email: str, address: str) -> str | None:
    """Why logging in as `email` from `address` is refused for now, or None (also when Redis is down)."""
    try:
        pair, by_address = get_redis().mget(
            [redis_keys.login_failures(email, address), redis_keys.login_failures_by_address(address)]
        )
    except RedisError as exc:
        log.warning("login limit not checked (Redis unavailable: %s); letting the attempt through", exc)
        return None
    minutes = WINDOW_SECONDS // 60
    if int(by_address or 0) >= MAX_FAILURES_PER_ADDRESS:
        return f"Too many failed logins from your network address. Wait {minutes} minutes and try again."
    if int(pair or 0) >= MAX_FAILURES:
        return f"Too many failed attempts for {email}. Wait {minutes} minutes, or reset your password."
    return None


def record_failure(email: str, address: str) -> None:
    try:
        _count(redis_keys.login_failures(email, address), WINDOW_SECONDS)
        _count(redis_keys.login_failures_by_address(address), WINDOW_SECONDS)
    except RedisError as exc:
        log.warning("failed login not counted (Redis unavailable: %s)", exc)


def may_send_reset(email: str) -> bool:
    """At most MAX_RESET_EMAILS reset emails an hour to one address (no mail bombing through the form).

    Raises RedisError when Redis is down: the error page says to try again later."""
    return _count(redis_keys.reset_emails(email), RESET_WINDOW_SECONDS) <= MAX_RESET_EMAILS


def clear(email: str, address: str) -> None:
    """Forget the email's failures from this address (a success); the address's total stays."""
    try:
        get_redis().delete(redis_keys.login_failures(email, address))
    except RedisError as exc:
        log.warning("login failures not cleared (Redis unavailable: %s)", exc)
