"""A per-realm request budget shared by every worker and web process through Redis.

Intuit allows 500 requests a minute, 10 a second and 10 in flight per realm and app (qbo-api.md §4.3);
going over earns 429s and a 60-second wait. Every process sending a request for a realm first takes a
slot here: two sliding windows (a minute and a second) and the set of requests in flight, kept as Redis
sorted sets, checked and filled by one Lua script on Redis' own clock, so the budget holds across
machines whose clocks disagree. A request in flight whose process died frees its slot after `hold`.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from redis import Redis

from qbo.errors import QboRateLimited
from store import redis_keys

# Returns 0 and takes a slot; -1 when every in-flight slot is taken; else milliseconds until a window frees.
_TAKE_SLOT = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000 + math.floor(tonumber(now_parts[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
if redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[3]) then return -1 end
local wait = 0
local windows = {{KEYS[1], tonumber(ARGV[1]), 60000}, {KEYS[2], tonumber(ARGV[2]), 1000}}
for _, w in ipairs(windows) do
  redis.call('ZREMRANGEBYSCORE', w[1], '-inf', now - w[3])
  if redis.call('ZCARD', w[1]) >= w[2] then
    local oldest = redis.call('ZRANGE', w[1], 0, 0, 'WITHSCORES')
    wait = math.max(wait, tonumber(oldest[2]) + w[3] - now)
  end
end
if wait > 0 then return wait end
for _, w in ipairs(windows) do
  redis.call('ZADD', w[1], now, ARGV[5])
  redis.call('PEXPIRE', w[1], w[3] + 1000)
end
redis.call('ZADD', KEYS[3], now + tonumber(ARGV[4]), ARGV[5])
redis.call('PEXPIRE', KEYS[3], tonumber(ARGV[4]) + 1000)
return 0
"""
IN_FLIGHT_POLL = 0.05


class RealmBudget:
    """The shared request budget of one realm: hold a `slot()` around each request."""

    def __init__(
        self,
        redis: Redis,
        realm_id: str,
        per_minute: int,
        per_second: int,
        in_flight: int = 10,
        namespace: str | None = None,
        hold: float = 150.0,
    ) -> None:
        self.redis = redis
        self.keys = [
            redis_keys.qbo_budget(realm_id, window, namespace) for window in redis_keys.QBO_BUDGET_WINDOWS
        ]
        self.limits = (max(1, per_minute), max(1, per_second), max(1, in_flight))
        self.hold_ms = int(hold * 1000)
        self._take = redis.register_script(_TAKE_SLOT)

    @contextmanager
    def slot(self, max_wait: float, sleep: Callable[[float], None]) -> Iterator[float]:
        """Hold a slot for one request (yields the seconds waited for it); freed when the block ends.

        Raises QboRateLimited, without sending anything, when no slot comes within `max_wait`.
        """
        member = uuid.uuid4().hex
        waited = self._wait_for(member, max_wait, sleep)
        try:
            yield waited
        finally:
            self.redis.zrem(self.keys[2], member)

    def _wait_for(self, member: str, max_wait: float, sleep: Callable[[float], None]) -> float:
        waited = 0.0
        while True:
            answer = int(self._take(keys=self.keys, args=[*self.limits, self.hold_ms, member]))
            if answer == 0:
                return waited
            delay = IN_FLIGHT_POLL if answer < 0 else answer / 1000
            delay += random.uniform(0.0, 0.05)
            if waited + delay > max_wait:
                per_minute, per_second, in_flight = self.limits
                raise QboRateLimited(
                    f"this company is at its share of QuickBooks' request limit ({per_minute} a minute, "
                    f"{per_second} a second, {in_flight} at once, across every run); the next run will "
                    "try again",
                    retry_after=delay,
                )
            sleep(delay)
            waited += delay
