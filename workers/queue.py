"""Redis connection and the RQ queue: Redis holds only queues, locks and counters (Decision 1)."""

from __future__ import annotations

from functools import lru_cache

from redis import Redis
from rq import Queue

from store.settings import get_settings


@lru_cache(maxsize=4)
def _redis_for(url: str) -> Redis:
    return Redis.from_url(url)


def get_redis() -> Redis:
    """The Redis of the configured REDIS_URL (one client per URL per process)."""
    return _redis_for(get_settings().redis_url)


def get_queue() -> Queue:
    """The queue exporter runs go through."""
    return Queue(get_settings().queue_name, connection=get_redis())
