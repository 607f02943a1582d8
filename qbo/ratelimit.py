"""A per-realm request budget shared by every worker and web process through Redis.

Intuit allows 500 requests a minute and 10 a second per realm and app (qbo-api.md §4.3); going over
earns 429s and a 60-second wait. Every process sending requests for a realm takes a slot here first:
two sliding windows (a minute and a second) kept as Redis sorted sets, checked and filled by one Lua
script on Redis' own clock, so the budget holds across machines whose clocks disagree.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable

from redis import Redis

from qbo.errors import QboRateLimited

# Returns 0 and takes a slot, or returns how many milliseconds until a slot frees up.
_TAKE_SLOT = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000 + math.floor(tonumber(now_parts[2]) / 1000)
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
  redis.call('ZADD', w[1], now, ARGV[3])
  redis.call('PEXPIRE', w[1], w[3] + 1000)
end
return 0
"""


class RealmBudget:
    """The shared request budget of one realm; `take()` before each request."""

    def __init__(
        self,
        redis: Redis,
        realm_id: str,
        per_minute: int,
        per_second: int,
        namespace: str = "sheetbooks",
    ) -> None:
        self.keys = [f"{namespace}:qbo-budget:{realm_id}:minute", f"{namespace}:qbo-budget:{realm_id}:second"]
        self.limits = (max(1, per_minute), max(1, per_second))
        self._take = redis.register_script(_TAKE_SLOT)

    def take(self, max_wait: float, sleep: Callable[[float], None]) -> float:
        """Take a slot, sleeping while the realm is at its budget; the seconds waited.

        Raises QboRateLimited, without sending anything, when the next slot is further than `max_wait`.
        """
        waited = 0.0
        while True:
            wait_ms = int(self._take(keys=self.keys, args=[*self.limits, uuid.uuid4().hex]))
            if wait_ms <= 0:
                return waited
            delay = wait_ms / 1000 + random.uniform(0.0, 0.05)
            if waited + delay > max_wait:
                raise QboRateLimited(
                    f"this company already used its share of QuickBooks' request limit ({self.limits[0]} a "
                    f"minute, {self.limits[1]} a second, across every run); the next run will try again",
                    retry_after=delay,
                )
            sleep(delay)
            waited += delay
