"""How hard and how long the chaos suite shakes the system: a short profile inside `make test` (under 90 s)
and a long one for `make chaos` (SHEETBOOKS_CHAOS=long; about 10 minutes).

The short profile compresses time: the heartbeat timeout (5 minutes in production) is 6 s, the reaper's
grace 4 s, the retry delay 1 s, the longest QuickBooks wait 3 s, so "no run stuck 5 minutes after the
last fault" becomes "no run stuck 30 s after it" (the heartbeat timeout + the grace + a retry + a run,
with room to spare). The long profile keeps production's retry delay and a 4-minute heartbeat timeout,
and asserts the 5 minutes as the issue states them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class ExporterSpec:
    name: str
    companies: tuple[int, ...]  # indexes into Profile.invoices
    write_mode: str = "replace"
    role: str = ""  # "revoked": its Google grant is revoked mid-run; "deleted_tab": its tab is deleted


@dataclass(frozen=True)
class Profile:
    name: str
    invoices: tuple[int, ...]  # one company each
    exporters: tuple[ExporterSpec, ...]
    workers: int
    cycles: int  # the fault schedule, repeated
    cycle_seconds: float
    redis_down_seconds: float
    qbo_fault_rate: float  # of QuickBooks requests answering 503 (and a fifth of that 429)
    google_fault_rate: float  # of Sheets writes answering 503 (and a fifth of that 429)
    qbo_latency_ms: int
    google_latency_ms: int
    click_every: float  # an analyst presses "Run now" on some exporter this often
    tick_interval: float
    heartbeat_timeout: float
    grace: float
    retry_delay: float
    qbo_max_wait: float
    stuck_after: float  # no run queued before the last fault may still be active this long after it


BASE_EXPORTERS = (
    ExporterSpec("Invoices A", (0,)),
    ExporterSpec("Invoices A (upsert)", (0,), "upsert"),
    ExporterSpec("Invoices B history", (1,), "append"),
    ExporterSpec("Invoices A and B", (0, 1)),
    ExporterSpec("Invoices B", (1,), role="deleted_tab"),
    ExporterSpec("Invoices B (revoked)", (1,), role="revoked"),
)

SHORT = Profile(
    name="short",
    invoices=(400, 150),
    exporters=BASE_EXPORTERS,
    workers=2,
    cycles=1,
    cycle_seconds=25,
    redis_down_seconds=4,
    qbo_fault_rate=0.05,
    google_fault_rate=0.05,
    qbo_latency_ms=150,
    google_latency_ms=100,
    click_every=1.0,
    tick_interval=1.0,
    heartbeat_timeout=6.0,
    grace=4.0,
    retry_delay=1.0,
    qbo_max_wait=3.0,
    stuck_after=30.0,
)

LONG = Profile(
    name="long",
    invoices=(4000, 1200, 9000),
    exporters=(
        *BASE_EXPORTERS,
        ExporterSpec("Invoices C", (2,)),
        ExporterSpec("Invoices C (upsert)", (2,), "upsert"),
        ExporterSpec("Invoices A, B and C", (0, 1, 2)),
        ExporterSpec("Invoices A history", (0,), "append"),
    ),
    workers=3,
    cycles=5,
    cycle_seconds=60,
    redis_down_seconds=20,
    qbo_fault_rate=0.10,
    google_fault_rate=0.10,
    qbo_latency_ms=200,
    google_latency_ms=150,
    click_every=2.0,
    tick_interval=5.0,
    heartbeat_timeout=240.0,
    grace=60.0,
    retry_delay=30.0,
    qbo_max_wait=10.0,
    stuck_after=300.0,
)


def chosen() -> Profile:
    return LONG if os.environ.get("SHEETBOOKS_CHAOS") == "long" else SHORT


def fork() -> bool:
    """SHEETBOOKS_CHAOS_WORKERS=fork shakes `sheetbooks worker --fork` (a work-horse per job) instead of the
    default (jobs in the worker process)."""
    return os.environ.get("SHEETBOOKS_CHAOS_WORKERS") == "fork"
