"""Progress of a run on its Run row, as the analyst reads it ("Fetched 3,000 of 12,345 invoices")."""

from __future__ import annotations

from store import db
from store.models import Run


def fetched_text(done: int, total: int | None, what: str, company: str) -> str:
    if total is not None and total >= done:
        return f"Fetched {done:,} of {total:,} {what} from {company}"
    return f"Fetched {done:,} {what} from {company}"


def set_progress(run_id: int, text: str) -> None:
    """Write the progress text in its own short transaction (visible at once to the dashboard)."""
    with db.session_scope() as session:
        run = session.get(Run, run_id)
        if run is not None:
            run.progress = text[:500]
            session.add(run)


class Progress:
    """The progress reporter of one run; sources call `fetched`, the writer calls `written`."""

    def __init__(self, run_id: int, what: str) -> None:
        self.run_id = run_id
        self.what = what
        self.company = ""

    def at_company(self, name: str) -> None:
        self.company = name
        set_progress(self.run_id, f"Reading {self.what} from {name}")

    def fetched(self, done: int, total: int | None) -> None:
        set_progress(self.run_id, fetched_text(done, total, self.what, self.company))

    def written(self, rows: int) -> None:
        set_progress(self.run_id, f"Wrote {rows:,} rows to the sheet")
