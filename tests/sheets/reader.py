"""A colleague polling a tab while the writer works: paced under its own read quota, errors kept, not lost."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import gspread

Classify = Callable[[list[list[Any]]], str]


class PollingReader:
    """Reads the whole tab about once a second in a thread and records what each read looked like.

    Google allows 60 reads a minute per user, so the reader stays under one a second (its client also
    retries a 429 with real backoff). An exception in the thread is kept in `error`, never swallowed.
    """

    def __init__(self, worksheet: gspread.Worksheet, classify: Classify, interval: float = 1.05) -> None:
        self.worksheet, self.classify, self.interval = worksheet, classify, interval
        self.seen: list[str] = []
        self.error: BaseException | None = None
        self._started = self._finished = 0
        self._changed = threading.Condition()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="polling-reader", daemon=True)

    def __enter__(self) -> PollingReader:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=120)
        assert not self._thread.is_alive(), "the reader thread did not stop"

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                with self._changed:
                    self._started += 1
                    number = self._started
                got = self.worksheet.get_all_values(value_render_option="UNFORMATTED_VALUE")
                with self._changed:
                    self.seen.append(self.classify(got))
                    self._finished = number
                    self._changed.notify_all()
                self._stop.wait(self.interval)  # pacing under the read quota, not waiting for work
        except BaseException as exc:
            with self._changed:
                self.error = exc
                self._changed.notify_all()

    def read_now(self, timeout: float = 120) -> str:
        """Block until a read that started after this call has finished; what it saw."""
        with self._changed:
            target = self._started + 1
            ok = self._changed.wait_for(lambda: self.error is not None or self._finished >= target, timeout)
            if self.error is not None:
                raise AssertionError(f"the reader failed: {self.error!r}") from self.error
            assert ok, f"no read finished within {timeout} s"
            return self.seen[-1]
