"""A write pace shared by all workers: at most N Sheets writes a minute per Google account, in Redis."""

from __future__ import annotations

import time
from collections.abc import Callable

import redis

DEFAULT_WRITES_PER_MINUTE = 55  # Google allows 60 writes/min/user; keep a margin for the analyst

# Fixed window: count this window's writes; over the limit, answer how long until the window ends.
_TAKE = """
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if n > tonumber(ARGV[1]) then
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]); ttl = tonumber(ARGV[2]) end
  return ttl
end
return 0
"""


class WritePacer:
    """Blocks a write until the account's window has room; every worker shares the same counter."""

    def __init__(
        self,
        client: redis.Redis,
        account_key: str,
        *,
        per_minute: int = DEFAULT_WRITES_PER_MINUTE,
        window_ms: int = 60_000,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.key = f"sheetbooks:sheets-writes:{account_key}"
        self.per_minute = per_minute
        self.window_ms = window_ms
        self.sleep = sleep
        self.waited = 0.0
        self._take = client.register_script(_TAKE)

    @classmethod
    def from_url(cls, redis_url: str, account_key: str, **kw) -> WritePacer:
        return cls(redis.Redis.from_url(redis_url), account_key, **kw)

    def try_take(self) -> float:
        """Take one write slot; 0 when granted, else seconds until the window has room."""
        return int(self._take(keys=[self.key], args=[self.per_minute, self.window_ms])) / 1000

    def acquire(self) -> None:
        """Wait (sleeping) until a write slot is granted."""
        while (wait := self.try_take()) > 0:
            self.waited += wait
            self.sleep(wait)
