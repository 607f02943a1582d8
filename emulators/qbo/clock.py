"""The emulator clock: real time plus an offset that the admin API can advance."""

from __future__ import annotations

import threading
import time
from datetime import UTC, date, datetime, timedelta, timezone

# The emulated companies live in US Pacific time (fixed -08:00, like the docs samples).
COMPANY_TZ = timezone(timedelta(hours=-8))


class Clock:
    """Real time shifted by `offset` seconds; `advance` moves it forward, never back."""

    def __init__(self, offset: float = 0.0) -> None:
        self.offset = offset
        self._lock = threading.Lock()

    def now(self) -> float:
        """Emulator time as epoch seconds."""
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.offset += seconds

    def datetime(self) -> datetime:
        """Emulator time in the company time zone."""
        return datetime.fromtimestamp(self.now(), UTC).astimezone(COMPANY_TZ)

    def today(self) -> date:
        return self.datetime().date()


def iso_seconds(moment: datetime) -> str:
    """`2014-09-19T13:16:17-08:00`: the MetaData timestamp form."""
    return moment.astimezone(COMPANY_TZ).isoformat(timespec="seconds")


def iso_millis(moment: datetime) -> str:
    """`2015-07-24T10:48:27.082-08:00`: the form of a response's `time`."""
    return moment.astimezone(COMPANY_TZ).isoformat(timespec="milliseconds")
