"""Progress of a run on its Run row, as the analyst reads it ("Fetched 3,000 of 12,345 invoices")."""

from __future__ import annotations

import threading
from types import TracebackType

from sqlmodel import col, select

from store import db, states
from store.models import Run, RunStatus


def fetched_text(done: int, total: int | None, what: str, company: str, last_rows: int | None = None) -> str:
    if total is not None and total >= done:
        return f"Fetched {done:,} of {total:,} {what} from {company}"
    if last_rows is not None:
        return f"Fetched {done:,} {what} from {company} (the last run wrote {last_rows:,} rows)"
    return f"Fetched {done:,} {what} from {company}"


def last_run_rows(exporter_id: int) -> int | None:
    """The rows the exporter's last successful run wrote: the estimate behind progress, so a run asks
    QuickBooks for a COUNT only when there is none (Intuit meters every call)."""
    with db.session_scope() as session:
        return session.exec(
            select(Run.rows)
            .where(Run.exporter_id == exporter_id, Run.status == RunStatus.SUCCEEDED)
            .order_by(col(Run.finished_at).desc())
            .limit(1)
        ).first()


class RunCancelled(Exception):
    """The run was cancelled while it ran (dashboard or API): it stops here, before writing further."""


def set_progress(run_id: int, text: str) -> None:
    """Write the progress text in its own short transaction (visible at once to the dashboard); it is a
    heartbeat too, and where a running run learns it was cancelled (RunCancelled)."""
    with db.session_scope() as session:
        run = session.get(Run, run_id)
        if run is not None and run.status == RunStatus.CANCELLED:
            raise RunCancelled(f"run {run_id} was cancelled")
        if run is not None:
            run.progress = text[:500]
            session.add(run)
            states.beat(session, run_id)


class Heartbeat:
    """While a run executes, a thread writes its heartbeat every `states.heartbeat_every()` (also between
    progress writes, e.g. during a long Sheets call): the reaper fails a run whose worker died."""

    def __init__(self, run_id: int, every: float | None = None) -> None:
        self.run_id = run_id
        self.every = every if every is not None else states.heartbeat_every().total_seconds()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._beat, name=f"heartbeat-{run_id}", daemon=True)

    def _beat(self) -> None:
        while not self.stop.wait(self.every):
            with db.session_scope() as session:
                states.beat(session, self.run_id)

    def __enter__(self) -> Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.stop.set()
        self.thread.join()


class Progress:
    """The progress reporter of one run; sources call `fetched`, the writer calls `written`."""

    def __init__(self, run_id: int, what: str, last_rows: int | None = None) -> None:
        self.run_id = run_id
        self.what = what
        self.company = ""
        self.last_rows = last_rows  # the last run's rows, shown when there is no exact total

    def at_company(self, name: str) -> None:
        self.company = name
        set_progress(self.run_id, f"Reading {self.what} from {name}")

    def fetched(self, done: int, total: int | None) -> None:
        set_progress(self.run_id, fetched_text(done, total, self.what, self.company, self.last_rows))

    def written(self, rows: int) -> None:
        set_progress(self.run_id, f"Wrote {rows:,} rows to the sheet")
