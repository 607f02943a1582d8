"""Redis clients that ride out a Redis restart: the worker and a run's data path wait for Redis to come
back (reconnecting with jittered exponential backoff) instead of failing at the first refused connection.

The web keeps quick clients (workers.queue.get_redis): a page must answer 503 at once, not hang.
"""

from __future__ import annotations

from redis import Redis
from redis.backoff import ExponentialWithJitterBackoff
from redis.exceptions import ConnectionError, TimeoutError
from redis.retry import Retry

# 0.5, 1, 2, 4, then 8 s between tries: about a minute in all, so a 20-second restart passes unnoticed.
PATIENCE_TRIES = 10
PATIENCE_CAP_SECONDS = 8.0
REDIS_DOWN = (ConnectionError, TimeoutError)


def patient_redis(url: str) -> Redis:
    """A client whose commands wait (about a minute) for an unreachable Redis before raising."""
    return Redis.from_url(
        url,
        retry=Retry(ExponentialWithJitterBackoff(base=0.5, cap=PATIENCE_CAP_SECONDS), PATIENCE_TRIES),
        retry_on_error=list(REDIS_DOWN),
        socket_connect_timeout=5,
        health_check_interval=30,
    )
