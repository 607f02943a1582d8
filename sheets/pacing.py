"""A write pace shared by all workers: at most N Sheets writes in any minute per Google account, in Redis.

A sliding window (a sorted set of the last minute's grants per account), not a fixed one: a fixed window
lets 2N writes through around a window boundary, which Google's per-minute quota answers with 429s.
At most 55 in any 60 s also never drains Google's 60-a-minute token bucket. Plain WATCH/MULTI (no Lua),
so the embedded Redis of the demo runs it too.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any, cast

import redis

from store import redis_keys

DEFAULT_WRITES_PER_MINUTE = 55  # Google allows 60 writes/min/user; keep a margin for the analyst


class WritePacer:
    """Blocks a write until the account's last minute has room; every worker shares the same window."""

    def __init__(
        self,
        client: redis.Redis,
        account_key: str,
        *,
        per_minute: int = DEFAULT_WRITES_PER_MINUTE,
        window_ms: int = 60_000,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] | None = None,
    ) -> None:
        # v2: a sorted set (v1 was a counter); a new name lets old and new workers run side by side.
        self.key = redis_keys.sheets_write_pace(account_key)
        self.per_minute = per_minute
        self.window_ms = window_ms
        self.sleep = sleep
        self.waited = 0.0
        self._redis = client
        self._clock = clock  # seconds; Redis' own clock when None, so workers on several machines agree

    @classmethod
    def from_url(cls, redis_url: str, account_key: str, **kw: Any) -> WritePacer:
        return cls(redis.Redis.from_url(redis_url), account_key, **kw)

    def _now_ms(self) -> float:
        if self._clock is not None:
            return self._clock() * 1000
        seconds, micros = self._redis.time()
        return seconds * 1000 + micros / 1000

    def try_take(self) -> float:
        """Take one write slot; 0 when granted, else seconds until the window has room."""
        with self._redis.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(self.key)  # type: ignore[no-untyped-call]  # redis-py leaves watch() unannotated
                    now = self._now_ms()
                    # Watching, the pipeline answers at once: (member, score) pairs.
                    grants = cast(
                        list[tuple[bytes, float]],
                        pipe.zrangebyscore(self.key, now - self.window_ms, "+inf", withscores=True),
                    )
                    recent = [score for _member, score in grants if score > now - self.window_ms]
                    if len(recent) >= self.per_minute:
                        pipe.unwatch()
                        oldest = sorted(recent)[len(recent) - self.per_minute]
                        return max(oldest + self.window_ms - now, 1) / 1000
                    pipe.multi()
                    pipe.zremrangebyscore(self.key, "-inf", now - self.window_ms)
                    pipe.zadd(self.key, {f"{now:.3f}:{uuid.uuid4().hex[:8]}": now})
                    pipe.pexpire(self.key, self.window_ms)
                    pipe.execute()
                    return 0.0
                except redis.WatchError:  # another worker took a slot meanwhile: look again
                    continue

    def acquire(self) -> None:
        """Wait (sleeping) until a write slot is granted."""
        while (wait := self.try_take()) > 0:
            self.waited += wait
            self.sleep(wait)
