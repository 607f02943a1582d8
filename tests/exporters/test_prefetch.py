"""Reading ahead: the writer gets every row in order, the reader's error, and a reader that stops."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from exporters.prefetch import Turns, read_ahead


def test_every_row_arrives_in_order_across_batches():
    assert list(read_ahead(iter(range(1_234)), batch_rows=100)) == list(range(1_234))


def test_the_readers_error_is_raised_in_the_writer_after_the_rows_before_it():
    def rows():
        yield from range(250)
        raise ValueError("QuickBooks said no")

    got: list[int] = []
    with pytest.raises(ValueError, match="QuickBooks said no"):
        for row in read_ahead(rows(), batch_rows=100):
            got.append(row)
    assert got == list(range(250))


def test_reading_runs_ahead_of_a_slow_writer_but_only_so_far():
    read: list[int] = []

    def rows():
        for i in range(100_000):
            read.append(i)
            yield i

    ahead = read_ahead(rows(), batch_rows=10, queued_batches=3)
    assert next(ahead) == 0  # the writer holds the first batch and writes (slowly)
    deadline = time.monotonic() + 10
    while len(read) < 50 and time.monotonic() < deadline:
        time.sleep(0.01)
    # the batch taken, three queued, one full in the reader's hand: it reads no further
    assert len(read) == 10 + 3 * 10 + 10
    ahead.close()  # the writer stops: so does the reader
    assert "qbo-reader" not in [t.name for t in threading.enumerate()]


def test_reading_starts_before_the_first_row_is_asked_for():
    started = threading.Event()

    def rows():
        started.set()
        yield from range(10)

    ahead = read_ahead(rows(), batch_rows=5, name="early-reader")
    assert started.wait(10)  # paging QuickBooks while the writer reads the spreadsheet's layout
    assert list(ahead) == list(range(10))


def test_an_iterator_dropped_unread_stops_its_reader():
    def rows():
        yield from range(1_000_000)

    ahead = read_ahead(rows(), batch_rows=10, queued_batches=2, name="dropped-reader")
    del ahead  # the writer failed before asking for a row
    deadline = time.monotonic() + 10
    while "dropped-reader" in [t.name for t in threading.enumerate()] and time.monotonic() < deadline:
        time.sleep(0.01)
    assert "dropped-reader" not in [t.name for t in threading.enumerate()]


def read_with(rows: Iterator[int], turns: Turns, started: threading.Event) -> list[int]:
    """Every row, read ahead in batches of 10 with `turns`; `started` is set as the caller starts on one."""
    got = []
    for row in read_ahead(rows, batch_rows=10, turns=turns):
        started.set()
        got.append(row)
    return got


def test_with_turns_a_batch_is_started_on_once_the_reader_has_sent_its_next_request():
    turns = Turns(longest=30)
    started = threading.Event()  # the caller started on the first batch
    started_before_send: list[bool] = []

    def rows():
        yield from range(10)
        # preparing the next request (a Redis round trip, a lock...): the caller has the batch but waits
        time.sleep(0.05)
        started_before_send.append(started.is_set())
        turns.waiting()  # the request is on its way
        yield from range(10, 15)

    assert read_with(rows(), turns, started) == list(range(15))
    assert started_before_send == [False]


def test_with_turns_a_reader_that_never_says_it_sent_holds_the_caller_only_so_long():
    turns = Turns(longest=0.05)
    started_before_the_slow_step_ended: list[bool] = []
    started = threading.Event()

    def rows():
        yield from range(10)
        started_before_the_slow_step_ended.append(started.wait(20))  # e.g. a token refresh, no `waiting`
        yield from range(10, 15)

    assert read_with(rows(), turns, started) == list(range(15))
    assert started_before_the_slow_step_ended == [True]


def test_a_caller_that_stops_early_does_not_wait_for_a_reader_blocked_on_a_request():
    """The run's time limit interrupts the writer while the reader waits on a slow QBO request: the run
    ends now, not when the request returns; the reader stops by itself at its next handover."""
    in_request, answer = threading.Event(), threading.Event()

    def rows():
        yield from range(10)
        in_request.set()
        answer.wait(30)  # a QBO request that takes its time
        yield from range(10, 20)

    ahead = read_ahead(rows(), batch_rows=10, name="slow-reader")
    assert next(ahead) == 0
    assert in_request.wait(10)
    ahead.close()  # what the time limit's exception does to the writer's loop
    assert not answer.is_set()  # closing returned while the request was still out
    reader = next(t for t in threading.enumerate() if t.name == "slow-reader")
    answer.set()
    reader.join(10)
    assert not reader.is_alive()
