"""An exporter that keeps failing: it waits longer before each next try (2^failures minutes, at most
`FAILURE_BACKOFF_CAP_MINUTES`, then the schedule's next slot), pauses itself after `PAUSE_AFTER_FAILURES`
failed runs in a row, and says so on its page. Any successful run, or the user enabling it again, starts
the count over (store.states keeps the count and the hold; this module computes the times and tells).

Transient failures (429, 5xx, timeouts) never reach here on their own: the QuickBooks client and the sheet
writer retry them inside the run with jittered backoff (qbo.client, sheets.retry; design.md Decision 9).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlmodel import Session

from exporters.schedules import next_slot
from mail import notices
from store import states
from store.models import Exporter
from store.settings import get_settings

log = logging.getLogger(__name__)


def backoff(failures: int, cap_minutes: int) -> timedelta:
    """The least wait after `failures` failed runs in a row: 2^failures minutes, capped."""
    return timedelta(minutes=min(2 ** min(failures, 30), max(cap_minutes, 1)))


def count_success(session: Session, exporter: Exporter) -> None:
    states.run_succeeded(session, exporter)


def count_failure(session: Session, exporter: Exporter, error: str, now: datetime) -> bool:
    """One more failure in a row: push the next scheduled run past the backoff, or pause the exporter when
    it has failed too often (True: it paused itself now: then call `exporter_paused_itself`)."""
    settings = get_settings()
    wait = backoff(exporter.failure_streak + 1, settings.failure_backoff_cap_minutes)
    until = next_slot(exporter.schedule_cron, exporter.schedule_time_zone, now + wait)
    return states.run_failed(session, exporter, error, until, settings.pause_after_failures)


def exporter_paused_itself(session: Session, exporter: Exporter) -> None:
    """The one place that hears an exporter paused itself after failing too often (exporters.run_record,
    in the transaction that paused it): the workspace's owners get an email (mail.notices, written in the
    same transaction, sent by a job), and the log says so."""
    log.warning("exporter %s paused itself after repeated failures", exporter.id)
    notices.exporter_paused_itself(session, exporter, exporter.paused_reason)
