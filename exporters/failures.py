"""Why a run failed, in words an analyst can act on; some failures also mark the exporter's destination."""

from __future__ import annotations

import logging
from dataclasses import dataclass

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

log = logging.getLogger(__name__)


class SetupError(Exception):
    """The exporter can't run as configured (no destination, no company...); the message says what to fix."""


@dataclass
class Failure:
    message: str
    destination_error: str | None = None


def describe(exc: BaseException, google_email: str = "") -> Failure:
    """The run's error message for an exception (and the exporter's destination error, if any)."""
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
    log.exception("run failed unexpectedly", exc_info=exc)
    return Failure(f"Unexpected error ({type(exc).__name__}): {exc}. The team has been notified in the logs.")


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
    return (
        "Fix what the error names (in the exporter's editor, QuickBooks or Google), then trigger a run; a "
        "passing problem (a timeout, a busy service) clears by itself at the next scheduled run."
    )
