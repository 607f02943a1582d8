"""The emulator's clock and its SQLite record store (kind/key -> JSON), so state survives a restart."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from datetime import UTC, datetime


class Clock:
    """Real time plus an offset that the admin API advances (token expiry, quota refill)."""

    def __init__(self, offset: float = 0.0) -> None:
        self.offset = offset

    def now(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


def rfc3339(timestamp: float) -> str:
    """Drive's timestamp format: `2023-07-25T15:40:49.067Z`."""
    moment = datetime.fromtimestamp(timestamp, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class Records:
    """JSON records by (kind, key) in SQLite at `path`; with no path nothing is written (memory only)."""

    def __init__(self, path: str | None) -> None:
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        if path:
            self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute(
                "CREATE TABLE IF NOT EXISTS records "
                "(kind TEXT NOT NULL, key TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (kind, key))"
            )

    @property
    def kept(self) -> bool:
        """Whether records are written anywhere (with no path they are not: don't build them)."""
        return self._conn is not None

    def put(self, kind: str, key: str, data: dict) -> None:
        if self._conn is None:
            return
        text = json.dumps(data, separators=(",", ":"))
        with self._lock:
            self._conn.execute(
                "INSERT OR REPLACE INTO records (kind, key, data) VALUES (?, ?, ?)", (kind, key, text)
            )

    def delete(self, kind: str, key: str) -> None:
        if self._conn is None:
            return
        with self._lock:
            self._conn.execute("DELETE FROM records WHERE kind = ? AND key = ?", (kind, key))

    def all(self, kind: str) -> dict[str, dict]:
        if self._conn is None:
            return {}
        with self._lock:
            rows = self._conn.execute("SELECT key, data FROM records WHERE kind = ?", (kind,)).fetchall()
        return {key: json.loads(data) for key, data in rows}

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
