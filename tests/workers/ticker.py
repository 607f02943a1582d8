"""Ticks in processes of their own, started together, for the test that two ticks never claim the same
exporter (as two `sheetbooks tick` processes, or two App Engine cron requests, would)."""

from __future__ import annotations

import multiprocessing
import traceback
from dataclasses import asdict
from datetime import datetime
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier

from store.settings import Settings, configure
from workers.tick import TickResult, tick


def tick_in_child(settings: Settings, now: datetime, batch_size: int, start: Barrier, out: Queue) -> None:
    """One tick once every child is ready; its result (or the traceback) to the parent."""
    try:
        configure(settings)
        start.wait(timeout=120)
        out.put(("ok", asdict(tick(now, batch_size=batch_size))))
    except BaseException:  # report everything to the parent, which asserts
        out.put(("error", traceback.format_exc()))


def ticks_at_once(settings: Settings, now: datetime, processes: int, batch_size: int) -> list[TickResult]:
    """`processes` ticks at the same instant, each in a process forked from a server that imported the
    product once; what each did."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    start, out = context.Barrier(processes), context.Queue()
    children = [
        context.Process(target=tick_in_child, args=(settings, now, batch_size, start, out))
        for _ in range(processes)
    ]
    for child in children:
        child.start()
    answers = [out.get(timeout=300) for _ in children]
    for child in children:
        child.join(timeout=60)
    assert [kind for kind, _ in answers] == ["ok"] * processes, [a for kind, a in answers if kind != "ok"]
    return [TickResult(**answer) for _, answer in answers]
