"""Why a run failed, in words an analyst can act on; some failures also mark the exporter's destination."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rq import get_current_job
from rq.timeouts import JobTimeoutException
from sqlalchemy.exc import DBAPIError, OperationalError

from exporters.catalog import UnknownSource
from exporters.dates import DateRangeError
from exporters.filters import WhereError
from exporters.progress import RunCancelled
from exporters.reports.pieces import ReportIncomplete
from exporters.sources.base import CompanyFailed
from exporters.sources.reports import ReportOptionError
from qbo.errors import QboError, ReconnectRequired
from sheets.errors import DestinationMissing, GoogleReconnectRequired, SheetsError
from store.models import Exporter, Run, RunStatus
from store.settings import get_settings

log = logging.getLogger(__name__)


class SetupError(Exception):
    """The exporter can't run as configured (no destination, no company...); the message says what to fix."""


# Redis (queues, locks, request budgets) stayed away longer than a run waits for it (store.redis_client).
REDIS_LOST = (
    "The run lost its connection to Sheetbooks' job queue (Redis) for over a minute and stopped before "
    "finishing. The tab was not left half-written."
)
DATABASE_LOST = "The run lost its connection to Sheetbooks' database and stopped before finishing."
# The run's job reached its time limit (RQ's SIGALRM; RUN_TIMEOUT_SECONDS). Not retried: it would most
# likely run out of time again, holding a worker all that time.
TIMED_OUT = "ran longer than the limit"
RAN_OUT_OF_TIME = (
    "The run " + TIMED_OUT + " of {limit} for one run, so it was stopped before finishing. Make it read "
    "less per run: narrow the exporter's filters, columns or date range, or split it into several "
    "exporters; or ask whoever runs your Sheetbooks to raise the limit (RUN_TIMEOUT_SECONDS). It was not "
    "retried: it would most likely run out of time again."
)
UNEXPECTED = (
    "The run stopped on an unexpected error before finishing. Run the exporter again; if it fails the same "
    "way, ask whoever runs your Sheetbooks to look this run up in the worker log (it has the details)."
)


@dataclass
class Failure:
    """A run's error message, the exporter's destination error if the destination is at fault, and whether
    the failure was outside the export (infrastructure), so the run is retried once automatically."""

    message: str
    destination_error: str | None = None
    retry: bool = False


def describe(exc: BaseException, google_email: str = "") -> Failure:
    """The run's error message for an exception (and the exporter's destination error, if any).

    Messages say what happened and what to do; they never carry an address, a class name or a traceback's
    text (an unexpected error is logged with its details instead)."""
    company = ""
    if isinstance(exc, CompanyFailed):
        company, exc = exc.company, exc.error
    if isinstance(exc, ReconnectRequired):
        return Failure(f"QuickBooks connection for {company or 'a company'} needs reconnecting: {exc}")
    if isinstance(exc, QboError):
        return Failure(f"{company}: {exc}" if company else str(exc))
    if isinstance(exc, DestinationMissing):
        text = exc.message(google_email)
        return Failure(text, destination_error=text)
    if isinstance(exc, GoogleReconnectRequired):
        return Failure(f"The Google account {google_email} needs reconnecting: {exc}".replace("  ", " "))
    if isinstance(
        exc,
        SheetsError
        | SetupError
        | WhereError
        | DateRangeError
        | ReportOptionError
        | ReportIncomplete
        | UnknownSource
        | RunCancelled,
    ):
        return Failure(str(exc))
    if isinstance(exc, JobTimeoutException):
        log.warning("run stopped at its time limit: %s", exc)
        return Failure(RAN_OUT_OF_TIME.format(limit=_in_words(_time_limit())))
    if isinstance(exc, RedisConnectionError | RedisTimeoutError):
        log.warning("run lost Redis: %s", exc)
        return Failure(REDIS_LOST, retry=True)
    if isinstance(exc, DBAPIError) and exc.connection_invalidated or isinstance(exc, OperationalError):
        log.warning("run lost the database: %s", exc)
        return Failure(DATABASE_LOST, retry=True)
    log.exception("run failed unexpectedly", exc_info=exc)
    return Failure(UNEXPECTED)


def _time_limit() -> int:
    """The seconds the job running this run was given (its own timeout: the setting when it was queued)."""
    job = get_current_job()
    return int(job.timeout) if job is not None and job.timeout else get_settings().run_timeout_seconds


def _in_words(seconds: int) -> str:
    """A time limit as its owner would say it: "3 hours", "90 minutes", "1 second"."""
    for unit, size in (("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            seconds, name = seconds // size, unit
            break
    else:
        name = "second"
    return f"{seconds} {name}{'' if seconds == 1 else 's'}"


def what_to_do(run: Run, exporter: Exporter) -> str:
    """The next step after a failed run ("" for any other run): lift what holds the exporter, fix its
    destination, reconnect what the error names, or fix the cause and run it again."""
    if run.status != RunStatus.FAILED:
        return ""
    if exporter.paused_reason:
        return exporter.paused_reason
    if exporter.destination_error:
        return "Fix the destination in the exporter's editor as the error says, then trigger a run."
    if "reconnect" in run.error.lower():
        return "Reconnect the account the error names (Companies or Google accounts), then trigger a run."
    if TIMED_OUT in run.error:
        return (
            "Make the exporter read less per run (filters, columns, date range) in its editor, then trigger "
            "a run; or ask whoever runs your Sheetbooks to raise RUN_TIMEOUT_SECONDS."
        )
    return (
        "Fix what the error names (in the exporter's editor, QuickBooks or Google), then trigger a run; a "
        "passing problem (a timeout, a busy service) clears by itself at the next scheduled run."
    )
