"""The tick loop for `sheetbooks tick --loop`: a tick at every interval; keep-alive and the purge of expired
sign-ins a few times a day; run retention every hour."""

from __future__ import annotations

import logging
import threading
import time

from workers.maintenance import keep_companies_alive, prune_runs, purge_expired_sign_ins
from workers.tick import tick

log = logging.getLogger(__name__)
KEEP_ALIVE_EVERY_SECONDS = 6 * 60 * 60
PRUNE_RUNS_EVERY_SECONDS = 60 * 60


def run_forever(stop: threading.Event, interval_seconds: float = 60.0) -> None:
    """Tick until `stop` is set; a failing tick is logged and the loop goes on."""
    last_keep_alive = -float(KEEP_ALIVE_EVERY_SECONDS)  # at the first tick (monotonic time may start near 0)
    last_prune = -float("inf")  # the first pass prunes
    while not stop.is_set():
        started = time.monotonic()
        try:
            tick()
            if started - last_keep_alive >= KEEP_ALIVE_EVERY_SECONDS:
                keep_companies_alive()
                purge_expired_sign_ins()
                last_keep_alive = started
        except Exception:
            log.exception("tick failed")
        if started - last_prune >= PRUNE_RUNS_EVERY_SECONDS:
            last_prune = started
            try:
                prune_runs()
            except Exception:
                log.exception("run retention failed; the next hour tries again")
        stop.wait(max(0.0, interval_seconds - (time.monotonic() - started)))
