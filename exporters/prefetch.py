"""Reading ahead: a reader thread pages QuickBooks while the writer sends the previous chunk to Google.

Without it the two take turns: QBO paging stops during every ~1.8 MB write. The queue between them is
bounded (a few batches of rows), so memory stays flat whatever the run's size. The reader starts at once,
not at the first row asked for: QuickBooks is paged while the writer still reads the spreadsheet's layout.

`Turns` lets a reader that pages a network API send its next request before the caller starts on the batch
just handed over (see the class).
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
STOPPING_READER = 0.2  # seconds a caller stopping early waits for its reader (one that is not on a request)
LONGEST_TURN = 0.05  # seconds the caller lets the reader go first, at most (a token refresh, a budget wait)


class Turns:
    """The reader goes first: a batch handed over is started on once the reader has sent its next request.

    Between two QBO pages the paging thread decodes the page, hands it over, takes a rate-limit slot (a
    Redis round trip) and sends the next request. The threads converting the page it handed over are
    CPU-bound, and Python lets a thread that gave up the GIL for a moment (a socket, a lock) have it back
    only at the next 5 ms turn, so each of those small waits cost the paging thread a turn or two: about
    15 ms of the 30 ms between two calls, at every page (bench/README.md). With `Turns` the caller waits,
    after taking a batch, until the reader says it is `waiting` on the network (or has no more rows), at
    most LONGEST_TURN. The caller loses nothing: it has the whole request's time to do its work.
    """

    def __init__(self, longest: float = LONGEST_TURN) -> None:
        self.longest = longest
        self._reader_waiting = threading.Event()

    def waiting(self) -> None:
        """The reader is about to block on the network (its next request is on its way), or is done."""
        self._reader_waiting.set()

    def handing_over(self) -> None:
        """The reader is about to hand a batch over (and then to prepare its next request)."""
        self._reader_waiting.clear()

    def taken(self) -> None:
        """The caller took a batch: it lets the reader go first."""
        self._reader_waiting.wait(self.longest)


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
    turns: Turns | None = None,
) -> Iterator[T]:
    """The rows of `rows`, read by a thread of their own (started now) up to `queued_batches` batches ahead.

    An exception of the reader is raised here, in the caller, when its rows run out. If the caller stops
    early (the writer failed, or refused the table), or drops the iterator unread, the reader stops at its
    next batch. With `turns`, whatever produces `rows` calls `turns.waiting()` as it blocks on I/O, and
    the caller starts on each batch once it has (`Turns`).
    """
    handover: Handover[T] = queue.Queue(maxsize=queued_batches)
    stop = threading.Event()
    turns = turns or Turns(longest=0.0)
    reader = threading.Thread(
        target=_read, args=(rows, batch_rows, handover, stop, turns), name=name, daemon=True
    )
    reader.start()
    drained: Iterator[T] = _drain(handover, stop, reader, turns)
    weakref.finalize(drained, stop.set)  # an iterator never started runs no `finally` of its own
    return drained


def _read(
    rows: Iterable[T], batch_rows: int, handover: Handover[T], stop: threading.Event, turns: Turns
) -> None:
    """The reader thread: batches of `rows`, then the end (or the error that ended them)."""

    def put(item: list[T] | _Failed | object) -> bool:
        turns.handing_over()
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
    try:
        if batch and not put(batch):
            return
        put(end)
    finally:
        turns.waiting()  # no request follows: the caller need not wait for one


def _drain(
    handover: Handover[T], stop: threading.Event, reader: threading.Thread, turns: Turns
) -> Iterator[T]:
    """The caller's side: the batches' rows in order, then the reader's error if it had one.

    A caller that stops early (its write failed, or the run's time limit interrupted it) does not wait
    for the reader beyond STOPPING_READER: it may be blocked on a QBO request for as long as that takes (a
    run stopped at its limit used to end seconds late, waiting for it); it stops by itself at its next
    handover."""
    ended = False
    try:
        while True:
            item = handover.get()
            if isinstance(item, list):
                turns.taken()
                yield from item
            elif isinstance(item, _Failed):
                ended = True
                raise item.error
            else:  # _DONE
                ended = True
                return
    finally:
        stop.set()
        reader.join(timeout=30 if ended else STOPPING_READER)
