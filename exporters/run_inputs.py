"""What a run reads from the store before it starts: the claimed run, its exporter, companies, Google account.

The exporter's settings (typed documents, `store.documents`) are read here and nowhere else in the run:
`source_options`, `write_options`, `sheet_state`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import col, select

from exporters.failures import SetupError
from store import db, states
from store.documents import ExporterOptions
from store.models import Company, Exporter, ExporterCompany, GoogleAccount, Run, RunStatus


@dataclass(frozen=True)
class WriteOptions:
    """How the exporter writes its tab, besides the write mode."""

    oversize: str = "fail"  # or "truncate": cut cells longer than Google's limit, with a visible marker
    reset_tab: bool = False  # once: take over a tab whose header the analyst edited
    snapshot_column: bool = True  # append: a "Snapshot at" column
    on_deleted: str = "remove"  # upsert: or "mark" (strike through, keep the row)


@dataclass
class RunInputs:
    """Everything one run needs, loaded from the store and scoped to the run's workspace."""

    run_id: int
    exporter: Exporter
    companies: list[Company]  # the ones the run reads, in the exporter's order
    account: GoogleAccount | None
    # The exporter's disconnected companies the run goes on without (`missing_company` keep/mark), and every
    # company id in the exporter's order (where their kept rows go back)
    missing: list[Company] = field(default_factory=list)
    order: list[int] = field(default_factory=list)

    @property
    def exporter_id(self) -> int:
        if self.exporter.id is None:
            raise SetupError("The run's exporter was never saved")
        return self.exporter.id

    @property
    def source_options(self) -> ExporterOptions:
        """The options the source reads (filters, dates, report layout...)."""
        return self.exporter.options

    @property
    def write_options(self) -> WriteOptions:
        options = self.exporter.options
        return WriteOptions(
            oversize=options.oversize,
            reset_tab=options.reset_tab,
            snapshot_column=options.snapshot_column,
            on_deleted=options.on_deleted,
        )

    @property
    def sheet_state(self) -> dict[str, Any]:
        """What the writer last wrote (its column contract with the analyst)."""
        return self.exporter.sheet_state.header_state()


def claim_run(run_id: int, claimed: bool = False) -> RunInputs | None:
    """The run's inputs, the run marked running; None when the run is gone or no longer queued (a job
    pushed twice, e.g. by two reapers, runs once). `claimed`: it is already running (the caller won it)."""
    with db.session_scope() as session:
        run = session.get(Run, run_id) if claimed or states.claim_run(session, run_id) else None
        if run is not None and run.status != RunStatus.RUNNING:
            return None
        if run is None:
            return None
        exporter = session.get(Exporter, run.exporter_id)
        if exporter is None or exporter.workspace_id != run.workspace_id:
            raise SetupError("The run's exporter no longer exists")
        every = session.exec(
            select(Company)
            .join(ExporterCompany, col(ExporterCompany.company_id) == col(Company.id))
            .where(ExporterCompany.exporter_id == exporter.id, Company.workspace_id == run.workspace_id)
            .order_by(col(ExporterCompany.position), col(Company.id))
        ).all()
        gone = set(states.missing_companies(exporter))
        companies = [c for c in every if c.id not in gone]
        missing = [c for c in every if c.id in gone]
        account = (
            session.get(GoogleAccount, exporter.google_account_id) if exporter.google_account_id else None
        )
        if account is not None and account.workspace_id != run.workspace_id:
            account = None
        order = [c.id for c in every if c.id is not None]
        return RunInputs(run_id, exporter, companies, account, missing, order)
