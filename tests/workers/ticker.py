"""Ticks in processes of their own, started together, for the test that two ticks never claim the same
exporter (as two `sheetbooks tick` processes, or two App Engine cron requests, would)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from multiprocessing.synchronize import Barrier
from typing import Any

from store.settings import Settings, configure
from tests.processes import at_once
from workers.tick import TickResult, tick


def tick_in_child(settings: Settings, now: datetime, batch_size: int, start: Barrier) -> dict[str, Any]:
    """One tick once every child is ready; what it did."""
    configure(settings)
    start.wait(timeout=120)
    return asdict(tick(now, batch_size=batch_size))


def ticks_at_once(settings: Settings, now: datetime, processes: int, batch_size: int) -> list[TickResult]:
    """`processes` ticks at the same instant, each in a process of its own; what each did."""
    answers = at_once(tick_in_child, (settings, now, batch_size), processes, preload=__name__)
    return [TickResult(**answer) for answer in answers]
