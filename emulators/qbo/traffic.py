"""Request accounting, injected faults and per-realm limits (500/minute, 10 concurrent, opt-in 10/s)."""

from __future__ import annotations

import random
import threading
from collections import defaultdict, deque
from dataclasses import asdict, dataclass, replace
from itertools import islice, takewhile

KINDS = ("query", "batch", "read", "report", "cdc", "token", "any")


class Traffic:
    """Counts per realm, endpoint kind and method, and the (method, path) pairs seen."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.counts: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
            self.seen: deque[tuple[str, str, str]] = deque(maxlen=20000)

    def record(self, realm: str, kind: str, method: str, path: str) -> None:
        with self._lock:
            methods = self.counts[realm][kind]
            methods[method] = methods.get(method, 0) + 1
            self.seen.append((realm, method, path))

    def snapshot(self, realm: str | None = None) -> dict:
        with self._lock:
            counts = {r: {k: dict(m) for k, m in kinds.items()} for r, kinds in self.counts.items()}
            seen = [[method, path] for r, method, path in self.seen if realm in (None, r)]
        if realm is not None:
            counts = {realm: counts.get(realm, {})}
        writes = sum(n for kinds in counts.values() for n in kinds.get("unsupported", {}).values())
        return {"counts": counts, "requests": seen, "unsupported": writes}


@dataclass
class FaultRule:
    """One injection: which requests (kind, realm, path) and what they get (status/code, latency)."""

    kind: str
    status: int | None
    count: int | None = None
    rate: float | None = None
    latency_ms: int = 0
    realm: str | None = None  # None: every realm
    code: str | None = None
    detail: str | None = None
    path: str | None = None  # None: every path; else a substring of the request path

    def applies(self, kind: str, realm: str | None, path: str) -> bool:
        return (
            self.kind in (kind, "any")
            and self.realm in (None, realm)
            and (self.path is None or self.path.lower() in path.lower())
        )


class Faults:
    """Admin-injected faults and latency, matched by endpoint kind ("any" matches all), realm and path."""

    def __init__(self, seed: int = 0) -> None:
        self._lock = threading.Lock()
        self._rng = random.Random(seed)
        self.rules: list[FaultRule] = []

    def add(self, rule: FaultRule) -> None:
        with self._lock:
            self.rules.append(rule)

    def clear(self, realm: str | None = None) -> None:
        """Remove every rule, or only those of one realm."""
        with self._lock:
            self.rules = [rule for rule in self.rules if realm is not None and rule.realm != realm]

    def pick(self, kind: str, realm: str | None = None, path: str = "") -> tuple[FaultRule | None, int]:
        """(the rule whose fault this request gets, or None; latency in ms) for one request."""
        latency, chosen = 0, None
        with self._lock:
            for rule in list(self.rules):
                if not rule.applies(kind, realm, path):
                    continue
                latency = max(latency, rule.latency_ms)
                if chosen is not None or (rule.status is None and rule.code is None):
                    continue
                if rule.count is not None and rule.count > 0:
                    rule.count -= 1
                    chosen = replace(rule)
                    if rule.count == 0 and not rule.latency_ms:
                        self.rules.remove(rule)
                elif rule.rate is not None and self._rng.random() < rule.rate:
                    chosen = replace(rule)
        return chosen, latency

    def snapshot(self) -> list[dict]:
        with self._lock:
            return [asdict(rule) for rule in self.rules]


class Limiter:
    """Per-realm sliding one-minute window on the emulator clock, an optional per-second cap, and
    requests in flight."""

    def __init__(self, per_minute: int = 500, concurrent: int = 10, per_second: int | None = None) -> None:
        self.per_minute = per_minute
        self.concurrent = concurrent
        self.per_second = per_second
        self._lock = threading.Lock()
        self._window: dict[str, deque[float]] = defaultdict(deque)
        self._inflight: dict[str, int] = defaultdict(int)

    def enter(self, realm: str, now: float) -> bool:
        """Admit a request (then call `leave`) or refuse it (429)."""
        with self._lock:
            window = self._window[realm]
            while window and window[0] <= now - 60:
                window.popleft()
            if len(window) >= self.per_minute or self._inflight[realm] >= self.concurrent:
                return False
            if self.per_second is not None and self._last_second(window, now) >= self.per_second:
                return False
            window.append(now)
            self._inflight[realm] += 1
            return True

    def _last_second(self, window: deque[float], now: float) -> int:
        """Requests admitted in the second before `now` (counted from the newest, at most per_second)."""
        recent = takewhile(lambda stamp: stamp > now - 1, reversed(window))
        return sum(1 for _ in islice(recent, self.per_second))

    def leave(self, realm: str) -> None:
        with self._lock:
            self._inflight[realm] -= 1
