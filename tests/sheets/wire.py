"""The writer's wire to Google, bent or watched: one request failed on purpose, the writes recorded."""

from __future__ import annotations

import json
from collections.abc import Callable

import gspread
import requests
from requests.adapters import HTTPAdapter

SHEETS = "https://sheets.googleapis.com/"


class FailingWrites(HTTPAdapter):
    """Answers the next `count` writes that `when` picks with `status` (and Retry-After, if given)."""

    def __init__(
        self,
        inner: HTTPAdapter,
        count: int,
        status: int = 429,
        retry_after: str | None = None,
        when: Callable[[requests.PreparedRequest], bool] = lambda _r: True,
    ) -> None:
        super().__init__()
        self.inner, self.count, self.status, self.retry_after, self.when = (
            inner,
            count,
            status,
            retry_after,
            when,
        )

    def send(self, request: requests.PreparedRequest, **kw) -> requests.Response:
        if request.method == "GET" or self.count <= 0 or not self.when(request):
            return self.inner.send(request, **kw)
        self.count -= 1
        reply = requests.Response()
        reply.status_code, reply.url, reply.request = self.status, request.url, request
        if self.retry_after is not None:
            reply.headers["Retry-After"] = self.retry_after
        reply.headers["Content-Type"] = "application/json"
        reply._content = json.dumps({"error": {"code": self.status, "message": "injected"}}).encode()
        return reply


def fail_writes(client: gspread.Client, count: int, **kw) -> FailingWrites:
    """Mount a FailingWrites in front of the client's Sheets transport."""
    session = client.http_client.session
    adapter = FailingWrites(session.get_adapter(SHEETS), count, **kw)
    session.mount(SHEETS, adapter)
    return adapter


class RecordingWrites(HTTPAdapter):
    """Passes every request on and keeps the JSON body of each write."""

    def __init__(self, inner: HTTPAdapter) -> None:
        super().__init__()
        self.inner, self.bodies = inner, []

    def send(self, request: requests.PreparedRequest, **kw) -> requests.Response:
        if request.method != "GET" and request.body:
            self.bodies.append(json.loads(request.body))
        return self.inner.send(request, **kw)


def record_writes(client: gspread.Client) -> list[dict]:
    """The bodies of the client's writes from now on (a list that fills as it writes)."""
    session = client.http_client.session
    adapter = RecordingWrites(session.get_adapter(SHEETS))
    session.mount(SHEETS, adapter)
    return adapter.bodies
