"""What a request is (classified once, from the raw path), how many of each we saw, and injected faults."""

from __future__ import annotations

import random
import re
import threading
from collections import Counter
from dataclasses import dataclass, field

from emulators.google.errors import ApiError


@dataclass(frozen=True)
class Route:
    """A classified API request: `name` like "values.update", `service` sheets|drive|oauth, read|write."""

    name: str
    service: str
    access: str

    def matches(self, selector: str) -> bool:
        """Whether a fault selector ("sheets.read", "drive", "token", "any", or a route name) applies."""
        return selector in ("any", self.name, self.service, f"{self.service}.{self.access}") or (
            selector == "token" and self.name == "oauth.token"
        )


_SHEETS = [
    ("POST", r"", "sheets.create"),
    ("GET", r"/[^/:]+", "sheets.get"),
    ("POST", r"/[^/:]+:batchUpdate", "sheets.batchUpdate"),
    ("POST", r"/[^/:]+:getByDataFilter", "sheets.getByDataFilter"),
    ("GET", r"/[^/:]+/values:batchGet", "values.batchGet"),
    ("POST", r"/[^/:]+/values:batchUpdate", "values.batchUpdate"),
    ("POST", r"/[^/:]+/values:batchClear", "values.batchClear"),
    ("GET", r"/[^/:]+/values/.+", "values.get"),  # a range may hold a raw ":" (A1:B2) if not encoded
    ("PUT", r"/[^/:]+/values/.+", "values.update"),
    ("POST", r"/[^/:]+/values/.+:append", "values.append"),
    ("POST", r"/[^/:]+/values/.+:clear", "values.clear"),
    ("POST", r"/[^/:]+/sheets/[^/:]+:copyTo", "sheets.copyTo"),
]
_DRIVE = [
    ("POST", r"", "drive.files.create"),
    ("GET", r"", "drive.files.list"),
    ("GET", r"/[^/]+", "drive.files.get"),
    ("PATCH", r"/[^/]+", "drive.files.update"),
    ("DELETE", r"/[^/]+", "drive.files.delete"),
    ("POST", r"/[^/]+/copy", "drive.files.copy"),
    ("GET", r"/[^/]+/export", "drive.files.export"),
    ("GET", r"/[^/]+/comments", "drive.comments.list"),
    ("POST", r"/[^/]+/comments", "drive.comments.create"),
    ("POST", r"/[^/]+/permissions", "drive.permissions.create"),
    ("GET", r"/[^/]+/permissions", "drive.permissions.list"),
    ("DELETE", r"/[^/]+/permissions/[^/]+", "drive.permissions.delete"),
    ("PATCH", r"/[^/]+/permissions/[^/]+", "drive.permissions.update"),
]
_UPLOAD = [("PUT", r"/[^/]+", "drive.files.import")]
_OAUTH = {
    "/o/oauth2/v2/auth": "oauth.authorize",
    "/token": "oauth.token",
    "/revoke": "oauth.revoke",
    "/v1/userinfo": "oauth.userinfo",
    "/oauth2/v3/userinfo": "oauth.userinfo",
}


def _match(table: list, method: str, rest: str) -> str | None:
    for verb, pattern, name in table:
        if verb == method and re.fullmatch(pattern, rest):
            return name
    return None


def classify(method: str, raw_path: str) -> Route | None:
    """The route kind of an API request (None for the viewer, the admin API and unknown paths).

    Sheets and Drive: GET is a read, everything else a write (Google's "retrieving" vs "changing" methods).
    """
    path = raw_path.split("?", 1)[0]
    for prefix, table, service in (
        ("/v4/spreadsheets", _SHEETS, "sheets"),
        ("/drive/v3/files", _DRIVE, "drive"),
        ("/upload/drive/v2/files", _UPLOAD, "drive"),
    ):
        if path == prefix or path.startswith(prefix + "/") or path.startswith(prefix + ":"):
            name = _match(table, method, path[len(prefix) :]) or f"{service}.unknown"
            return Route(name, service, "read" if method in ("GET", "HEAD") else "write")
    if path in _OAUTH:
        return Route(_OAUTH[path], "oauth", "read" if method == "GET" else "write")
    return None


class RequestLog:
    """Counts of requests by route name, and by user once the caller is known."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()
        self._by_user: dict[str, Counter[str]] = {}

    def record(self, route: Route) -> None:
        with self._lock:
            self._counts[route.name] += 1

    def record_user(self, email: str, route: Route) -> None:
        with self._lock:
            self._by_user.setdefault(email, Counter())[route.name] += 1

    def snapshot(self) -> dict:
        with self._lock:
            return {
                "total": sum(self._counts.values()),
                "by_route": dict(self._counts),
                "by_user": {email: dict(counts) for email, counts in self._by_user.items()},
            }

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()
            self._by_user.clear()


@dataclass
class Fault:
    """Fail matching requests with `status` and/or delay them: `count` times, at `rate`, or always."""

    route: str = "any"
    status: int | None = None
    count: int | None = None
    rate: float | None = None
    latency_ms: int = 0
    fired: int = field(default=0)

    def to_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v is not None}


class Faults:
    """Injected faults, consulted once per API request."""

    def __init__(self, rng: random.Random | None = None) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._rng = rng or random.Random()

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def list(self) -> list[dict]:
        with self._lock:
            return [f.to_dict() for f in self._faults]

    def pick(self, route: Route) -> Fault | None:
        """The first fault that fires for `route` now; a counted fault is used up after `count` firings."""
        with self._lock:
            for fault in list(self._faults):
                if not route.matches(fault.route):
                    continue
                if fault.rate is not None and self._rng.random() >= fault.rate:
                    continue
                fault.fired += 1
                if fault.count is not None and fault.fired >= fault.count:
                    self._faults.remove(fault)
                return fault
        return None


_STATUS = {
    429: ("RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota)."),
    500: ("INTERNAL", "Internal error encountered."),
    503: ("UNAVAILABLE", "The service is currently unavailable."),
}


def server_error(status: int) -> ApiError:
    """An injected Google error body (Sheets and Drive 429s use the exact quota body instead)."""
    name, message = _STATUS.get(status, ("UNKNOWN", "Unknown error."))
    return ApiError(status, message, name)
