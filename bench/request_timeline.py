"""Every HTTP request a run sends, timed in the thread that sends it (bench.export_profile --timeline).

Says where a run's wall time goes: how long each QBO page took in the call, how long the paging thread
spent between one call and the next (decoding, handing the page over, waiting for the GIL), and each
Google call in order.
"""

from __future__ import annotations

import statistics
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import requests

from qbo.client import read_body


@dataclass
class Sent:
    """One request: when it started (seconds since the timeline began), how long, by whom, where."""

    at: float
    took: float
    thread: str
    method: str
    path: str
    body_bytes: int
    gap: float = 0.0  # since the same thread's previous request ended


@dataclass
class RequestTimeline:
    """Times every `requests.Session.send` while entered."""

    sent: list[Sent] = field(default_factory=list)

    def __enter__(self) -> RequestTimeline:
        self._original = original = requests.Session.send
        self._start = start = time.perf_counter()
        ended: dict[str, float] = {}

        def send(session: requests.Session, request: requests.PreparedRequest, **kw: Any) -> Any:
            began = time.perf_counter()
            try:
                response = original(session, request, **kw)
                if kw.get("stream"):  # the caller reads the body next (qbo.client): in the call too
                    read_body(response)
                return response
            finally:
                done, name = time.perf_counter(), threading.current_thread().name
                path = (request.url or "").split("?")[0]
                body = request.body
                size = len(body) if isinstance(body, bytes | str) else 0
                item = Sent(began - start, done - began, name, request.method or "", path, size)
                item.gap = began - ended.get(name, began)
                ended[name] = done
                self.sent.append(item)

        requests.Session.send = send  # type: ignore[method-assign,assignment]
        return self

    def __exit__(self, *exc: Any) -> None:
        requests.Session.send = self._original  # type: ignore[method-assign]

    def report(self) -> str:
        """QBO query calls summed up; every other call on a line of its own."""
        queries = [s for s in self.sent if s.path.endswith("/query")]
        lines = []
        if queries:
            took, gaps = [s.took for s in queries], [s.gap for s in queries]
            lines.append(
                f"{len(queries)} QBO queries: in the call {sum(took):.1f} s (p50 {_p(took, 50)} ms, "
                f"p90 {_p(took, 90)} ms); between calls {sum(gaps):.1f} s (p50 {_p(gaps, 50)} ms, "
                f"p90 {_p(gaps, 90)} ms, max {max(gaps) * 1000:.0f} ms); the first sent at "
                f"{queries[0].at:.2f} s, the last answered at {queries[-1].at + queries[-1].took:.2f} s"
            )
        for s in self.sent:
            if not s.path.endswith("/query"):
                what = s.path.rsplit("/", 1)[-1][-40:]
                lines.append(
                    f"  {s.at:7.2f} s  {s.took:6.3f} s  {s.thread:12} {s.method} {what} {s.body_bytes:,} B"
                )
        return "\n".join(lines)


def _p(values: list[float], percent: int) -> str:
    """The `percent`th percentile of seconds, in whole milliseconds."""
    if len(values) < 2:
        return f"{values[0] * 1000:.0f}" if values else "–"
    return f"{statistics.quantiles(values, n=100)[percent - 1] * 1000:.0f}"
