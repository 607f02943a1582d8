"""The outcome of a run, left on its Run row (and on its exporter: the sheet state, the destination error)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from exporters import failure_streak
from exporters.failures import Failure
from exporters.retries import retry_once
from sheets.result import WriteResult
from store import db, states
from store.documents import RunStats, SheetState
from store.models import Exporter, Run, RunStatus, utcnow

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    """What a run did, however it ended: the write (when it got that far), calls and statistics."""

    qbo_calls: int = 0
    stats: RunStats = field(default_factory=RunStats)
    result: WriteResult | None = None


def record_success(run_id: int, outcome: Outcome) -> None:
    """The run succeeded: rows, calls and statistics on the run; the sheet's new state on the exporter."""
    result = outcome.result
    rows = result.rows_written if result is not None else 0
    with db.session_scope() as session:
        run = session.get(Run, run_id)
        if run is None or not _still_running(run):
            return
        without = "".join(f"; without {what}" for what in outcome.stats.continued_without)
        _finish(run, RunStatus.SUCCEEDED, outcome, progress=f"Done: {rows:,} rows{without}")
        exporter = session.get(Exporter, run.exporter_id)
        if result is not None:
            run.rows, run.sheets_calls = result.rows_written, result.calls
            if exporter is not None:
                exporter.sheet_state = SheetState.model_validate(result.header_state.as_json())
                exporter.destination_error = ""
                if exporter.options.reset_tab:  # done once: the tab is the exporter's again
                    exporter.options = exporter.options.model_copy(update={"reset_tab": False})
                session.add(exporter)
        if exporter is not None:
            failure_streak.count_success(session, exporter)
        session.add(run)


def record_failure(run_id: int, failure: Failure, outcome: Outcome | None = None) -> None:
    """The run failed: the message on the run (never a run left running), and on the exporter when the
    destination is at fault; one more failure in a row for the exporter (exporters.failure_streak) unless
    the run is retried because it wasn't the export's fault (its worker died)."""
    with db.session_scope() as session:
        run = session.get(Run, run_id)
        if run is None or not _still_running(run):
            return
        if run.status == RunStatus.CANCELLED:  # stopped by the user: its calls recorded, nothing retried
            _record_outcome(run, outcome or Outcome())
            session.add(run)
            return
        message = failure.message
        if failure.retry:  # not the export's fault: once more, a little later
            _retry, said = retry_once(session, run, utcnow())
            message = f"{message} {said}"
        _finish(run, RunStatus.FAILED, outcome or Outcome(), error=message, progress="Failed")
        exporter = session.get(Exporter, run.exporter_id)
        if exporter is not None and exporter.workspace_id == run.workspace_id:
            if failure.destination_error:
                exporter.destination_error = failure.destination_error[:1000]
            counted = not failure.retry
            if counted and failure_streak.count_failure(session, exporter, failure.message, utcnow()):
                failure_streak.exporter_paused_itself(session, exporter)
            session.add(exporter)
        session.add(run)


def _record_outcome(run: Run, outcome: Outcome) -> None:
    """What the run did, whatever its end: its QuickBooks calls and what it wrote."""
    run.qbo_calls = outcome.qbo_calls
    run.stats = outcome.stats


def _finish(run: Run, status: RunStatus, outcome: Outcome, *, progress: str, error: str = "") -> None:
    """The run's end; a run cancelled while it ran stays cancelled (its calls and what it wrote recorded)."""
    _record_outcome(run, outcome)
    if run.status == RunStatus.CANCELLED:
        return
    states.move_run(run, status, error=error)
    run.progress = progress


def _still_running(run: Run) -> bool:
    """Whether the run's outcome is still ours to record: not when it was ended meanwhile by the reaper that
    took its worker for dead (that ending stands); a run the user cancelled keeps its status, but its calls
    and what it wrote are recorded (`_finish`)."""
    ended = RunStatus(run.status) in states.FINISHED and run.status != RunStatus.CANCELLED
    if ended:
        log.warning(
            "run %s ended as %s before its worker finished; its outcome is not recorded", run.id, run.status
        )
    return not ended
