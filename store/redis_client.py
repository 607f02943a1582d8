"""Redis clients that ride out a Redis restart: the worker and a run's data path wait for Redis to come
back (reconnecting with jittered exponential backoff) instead of failing at the first refused connection.

A worker told to stop no longer waits: `lose_patience` makes its client fail at the next error, so RQ's
bookkeeping of the stop (its heartbeat, unregistering the worker) never holds a stopping worker for a
minute while Redis is away.

The web keeps quick clients (workers.queue.get_redis): a page must answer 503 at once, not hang.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any, TypeVar

from redis import Redis
from redis.backoff import ExponentialWithJitterBackoff
from redis.exceptions import ConnectionError, TimeoutError
from redis.retry import Retry

# 0.5, 1, 2, 4, then 8 s between tries: about a minute in all, so a 20-second restart passes unnoticed.
PATIENCE_TRIES = 10
PATIENCE_CAP_SECONDS = 8.0
REDIS_DOWN = (ConnectionError, TimeoutError)
T = TypeVar("T")


class Patience:
    """Whether a patient client still waits for Redis (shared by the retries of all its connections)."""

    def __init__(self) -> None:
        self.lost = False


class PatientRetry(Retry):
    """redis-py's retry with backoff, that gives up at the next error once its patience is lost; the copy
    each connection makes of it shares that patience."""

    def __init__(self, patience: Patience) -> None:
        super().__init__(
            ExponentialWithJitterBackoff(base=0.5, cap=PATIENCE_CAP_SECONDS), PATIENCE_TRIES, REDIS_DOWN
        )
        self.patience = patience

    def __deepcopy__(self, memo: dict[int, Any]) -> PatientRetry:
        twin = PatientRetry(self.patience)
        twin._backoff = copy.deepcopy(self._backoff, memo)
        return twin

    def call_with_retry(
        self,
        do: Callable[[], T],
        fail: Callable[..., Any],
        is_retryable: Callable[[Exception], bool] | None = None,
        with_failure_count: bool = False,
    ) -> T:
        def retryable(error: Exception) -> bool:
            return not self.patience.lost and (is_retryable is None or is_retryable(error))

        return super().call_with_retry(do, fail, retryable, with_failure_count)


def patient_redis(url: str) -> Redis:
    """A client whose commands wait (about a minute) for an unreachable Redis before raising."""
    return Redis.from_url(
        url,
        retry=PatientRetry(Patience()),
        retry_on_error=list(REDIS_DOWN),
        socket_connect_timeout=5,
        health_check_interval=30,
    )


def lose_patience(redis: Redis) -> None:
    """From now on a patient client's commands raise at their next error: a command waiting for Redis right
    now gives up after its current pause (at most PATIENCE_CAP_SECONDS)."""
    retry = redis.get_retry()
    if isinstance(retry, PatientRetry):
        retry.patience.lost = True
