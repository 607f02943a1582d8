"""Reading ahead: a reader thread pages QuickBooks while the writer sends the previous chunk to Google.

Without it the two take turns: QBO paging stops during every ~1.8 MB write. The queue between them is
bounded (a few batches of rows), so memory stays flat whatever the run's size. The reader starts at once,
not at the first row asked for: QuickBooks is paged while the writer still reads the spreadsheet's layout.
"""

from __future__ import annotations

import queue
import threading
import weakref
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")

BATCH_ROWS = 500  # rows handed over at once (one lock round trip per batch, not per row)
QUEUED_BATCHES = 8  # at most this many batches wait for the writer: ~4,000 rows


@dataclass
class _Failed:
    """The reader's exception, handed to the writer to raise where the rows were wanted."""

    error: BaseException


_DONE = object()
Handover = queue.Queue[list[T] | _Failed | object]


def read_ahead(
    rows: Iterable[T],
    *,
    batch_rows: int = BATCH_ROWS,
    queued_batches: int = QUEUED_BATCHES,
    name: str = "qbo-reader",
) -> Iterator[T]:
    """The rows of `rows`, read by a thread of their own (started now) up to `queued_batches` batches ahead.

    An exception of the reader is raised here, in the caller, when its rows run out. If the caller stops
    early (the writer failed, or refused the table), or drops the iterator unread, the reader stops at its
    next batch.
    """
    handover: Handover[T] = queue.Queue(maxsize=queued_batches)
    stop = threading.Event()
    reader = threading.Thread(target=_read, args=(rows, batch_rows, handover, stop), name=name, daemon=True)
    reader.start()
    drained: Iterator[T] = _drain(handover, stop, reader)
    weakref.finalize(drained, stop.set)  # an iterator never started runs no `finally` of its own
    return drained


def _read(rows: Iterable[T], batch_rows: int, handover: Handover[T], stop: threading.Event) -> None:
    """The reader thread: batches of `rows`, then the end (or the error that ended them)."""

    def put(item: list[T] | _Failed | object) -> bool:
        while not stop.is_set():
            try:
                handover.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    batch: list[T] = []
    end: _Failed | object = _DONE
    try:
        for row in rows:
            batch.append(row)
            if len(batch) >= batch_rows:
                if not put(batch):
                    return
                batch = []
    except BaseException as exc:  # handed over, after the rows read before it, and raised in the caller
        end = _Failed(exc)
    if batch and not put(batch):
        return
    put(end)


def _drain(handover: Handover[T], stop: threading.Event, reader: threading.Thread) -> Iterator[T]:
    """The caller's side: the batches' rows in order, then the reader's error if it had one."""
    try:
        while True:
            item = handover.get()
            if isinstance(item, list):
                yield from item
            elif isinstance(item, _Failed):
                raise item.error
            else:  # _DONE
                return
    finally:
        stop.set()
        reader.join(timeout=30)
