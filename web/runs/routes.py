"""Runs of the workspace: the history, one run's detail and its JSON for the auto-refresh."""

from __future__ import annotations

from typing import TypedDict

from flask import g, render_template

from store.listing import RunFilters, list_runs
from store.models import ACTIVE_RUN_STATUSES, Exporter, Run, RunStatus
from store.rows import saved_id
from web.current import get_scoped, login_required, scoped
from web.database import get_session
from web.paging import company_and_source_choices, listing_args, pager
from web.runs import bp
from web.sheets_links import sheet_link


class RunJson(TypedDict):
    """What the detail page shows, as JSON (timestamps in ISO 8601)."""

    id: int
    exporter_id: int
    trigger: str
    retry_of_id: int | None
    status: str
    active: bool
    queued_at: str | None
    started_at: str | None
    finished_at: str | None
    duration_seconds: float | None
    rows: int
    qbo_calls: int
    sheets_calls: int
    progress: str
    error: str


def run_json(run: Run) -> RunJson:
    """What the detail page shows, as JSON."""
    return {
        "id": saved_id(run),
        "exporter_id": run.exporter_id,
        "trigger": run.trigger,
        "retry_of_id": run.retry_of_id,
        "status": run.status,
        "active": run.status in ACTIVE_RUN_STATUSES,
        "queued_at": run.queued_at.isoformat() if run.queued_at else None,
        "started_at": run.started_at.isoformat() if run.started_at else None,
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "duration_seconds": run.duration_seconds,
        "rows": run.rows,
        "qbo_calls": run.qbo_calls,
        "sheets_calls": run.sheets_calls,
        "progress": run.progress,
        "error": run.error,
    }


@bp.get("/")
@login_required
def index() -> str:
    """A page of runs, newest first, filtered by exporter, company, source or status."""
    session = get_session()
    filters, cursor = listing_args(RunFilters.from_query, RunFilters())
    page = list_runs(session, g.workspace.id, filters, cursor)
    choices = [
        *company_and_source_choices(),
        ("status", "Status", [(status.value, status.value) for status in RunStatus]),
    ]
    return render_template(
        "runs/index.html",
        runs=page.rows,
        pages=pager(page),
        filters=choices,
        filtered=filters != RunFilters() or cursor is not None,
        show_exporter=True,
    )


@bp.get("/<int:run_id>")
@login_required
def show(run_id: int) -> str:
    run = get_scoped(Run, run_id)
    exporter = get_scoped(Exporter, run.exporter_id)
    retried_as = get_session().exec(scoped(Run).where(Run.retry_of_id == run_id)).first()
    return render_template(
        "runs/show.html",
        run=run,
        retried_as=retried_as,
        exporter=exporter,
        sheet_url=sheet_link(exporter),
        active=run.status in ACTIVE_RUN_STATUSES,
    )


@bp.get("/<int:run_id>.json")
@login_required
def show_json(run_id: int) -> RunJson:
    return run_json(get_scoped(Run, run_id))
