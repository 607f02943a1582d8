"""Redis connection and the RQ queues: Redis holds only queues, locks and counters (Decision 1).

Two queues: "Run now" goes to `{QUEUE_NAME}-now`, everything else (the clock, webhooks) to `{QUEUE_NAME}`.
A worker listens to both in that order (`get_queues`), and RQ always takes from the first queue that
has work: with every worker busy on scheduled runs, a Run now starts as soon as one frees up.
"""

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


PRIORITY_SUFFIX = "-now"


def queue_names() -> list[str]:
    """The queues a worker takes work from, in the order it takes it: Run now first."""
    name = get_settings().queue_name
    return [f"{name}{PRIORITY_SUFFIX}", name]


def get_queue(priority: bool = False) -> Queue:
    """The queue of scheduled and webhook runs, or (`priority`) the Run now queue."""
    now, scheduled = queue_names()
    return Queue(now if priority else scheduled, connection=get_redis())


def get_queues() -> list[Queue]:
    """Every queue, in the order workers take from them (`sheetbooks worker`, the demo, tests)."""
    return [Queue(name, connection=get_redis()) for name in queue_names()]


def waiting_job_ids() -> set[str]:
    """The ids of the jobs waiting on the queues now (one LRANGE a queue)."""
    return {job_id for queue in get_queues() for job_id in queue.get_job_ids()}
