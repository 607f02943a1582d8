"""Jittered exponential backoff for restarting what stopped (a worker loop, a worker process)."""

from __future__ import annotations

import random
import time
from collections.abc import Callable


class Backoff:
    """Delays of base, 2·base, 4·base... up to `cap`, each with ±25 % jitter; back to `base` once what was
    restarted has stayed up for `healthy_after` seconds (a crash an hour later is not a crash loop)."""

    def __init__(
        self,
        base: float = 1.0,
        cap: float = 60.0,
        healthy_after: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.base, self.cap, self.healthy_after, self.clock = base, cap, healthy_after, clock
        self.failures = 0
        self.started = clock()

    def next(self) -> float:
        """The delay before the next start (then counted as started)."""
        if self.clock() - self.started >= self.healthy_after:
            self.failures = 0
        delay = min(self.cap, self.base * 2.0**self.failures) * random.uniform(0.75, 1.25)
        self.failures += 1
        self.started = self.clock() + delay
        return delay
