"""Per-minute read/write quotas as token buckets per (service, user) and per (service, project) (§3)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from emulators.google.errors import ApiError

LIMIT_KEYS = {
    "read_per_minute_per_user": "QUOTA_READ_PER_MINUTE_PER_USER",
    "write_per_minute_per_user": "QUOTA_WRITE_PER_MINUTE_PER_USER",
    "read_per_minute": "QUOTA_READ_PER_MINUTE",
    "write_per_minute": "QUOTA_WRITE_PER_MINUTE",
}


@dataclass
class Bucket:
    """`capacity` tokens, refilled continuously at capacity per 60 s of emulator time."""

    capacity: float
    tokens: float
    updated: float

    def refill(self, now: float) -> None:
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.capacity / 60.0)
        self.updated = now


def exhausted(service: str, access: str, per_user: bool, project_number: str) -> ApiError:
    """The exact RESOURCE_EXHAUSTED 429 body Google sends (§3), Read or Write, per user or per project."""
    noun = access.capitalize()
    host = f"{service}.googleapis.com"
    limit = f"{noun} requests per minute" + (" per user" if per_user else "")
    message = (
        f"Quota exceeded for quota metric '{noun} requests' and limit '{limit}' of service '{host}' "
        f"for consumer 'project_number:{project_number}'."
    )
    details = [
        {
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": "RATE_LIMIT_EXCEEDED",
            "domain": "googleapis.com",
            "metadata": {
                "consumer": f"projects/{project_number}",
                "quota_limit": f"{noun}RequestsPerMinutePer{'User' if per_user else 'Project'}",
                "quota_metric": f"{host}/{access}_requests",
                "service": host,
            },
        }
    ]
    return ApiError(429, message, "RESOURCE_EXHAUSTED", details)


class Quotas:
    """Charges one request against the caller's bucket and the project's; 429 when either is empty."""

    def __init__(self, limits: dict[str, int], now: Callable[[], float], project_number: str) -> None:
        self._lock = threading.Lock()
        self._now = now
        self.project_number = project_number
        self.limits = dict(limits)
        self._buckets: dict[tuple, Bucket] = {}

    def set_limits(self, **limits: int) -> None:
        """Change limits (keys of LIMIT_KEYS); buckets restart full at the new capacity."""
        unknown = set(limits) - set(LIMIT_KEYS)
        if unknown:
            raise ValueError(f"unknown quota keys: {sorted(unknown)}")
        with self._lock:
            self.limits.update(limits)
            self._buckets.clear()

    def _bucket(self, key: tuple, capacity: int, now: float) -> Bucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = Bucket(capacity, capacity, now)
        bucket.refill(now)
        return bucket

    def charge(self, service: str, email: str, access: str) -> None:
        now = self._now()
        with self._lock:
            user = self._bucket((service, access, email), self.limits[f"{access}_per_minute_per_user"], now)
            project = self._bucket((service, access, None), self.limits[f"{access}_per_minute"], now)
            if user.tokens < 1:
                raise exhausted(service, access, True, self.project_number)
            if project.tokens < 1:
                raise exhausted(service, access, False, self.project_number)
            user.tokens -= 1
            project.tokens -= 1
