"""/api/v1 runs: per exporter and per workspace (newest first, by cursor), one run, trigger, cancel."""

from __future__ import annotations

from flask import g

from store import listing, states
from store.models import Exporter, Run
from web.api import TAGS, api
from web.api.problems import ApiError
from web.api.represent import run_out
from web.api.schemas import ErrorBody, ExporterPath, PageQuery, RunList, RunOut, RunPath
from web.api.views import Answer, cursor_id, cursor_of, found, ok
from web.database import get_session
from workers import enqueue

RUNS = [TAGS["runs"]]


def _list(exporter_id: int | None, query: PageQuery) -> Answer:
    session, workspace_id = get_session(), g.workspace.id
    filters = listing.RunFilters(exporter_id=exporter_id)
    page = listing.list_runs(session, workspace_id, filters, cursor_id(query.cursor), query.limit)
    runs = [row.run for row in page.rows]
    exporters = listing.exporters_by_id(session, workspace_id, sorted({run.exporter_id for run in runs}))
    data = [run_out(run, exporters[run.exporter_id]) for run in runs]
    return ok(RunList(data=data, next_cursor=cursor_of(page.next_cursor)))


@api.get("/runs", tags=RUNS, summary="The workspace's runs, newest first", responses={200: RunList})
def list_runs(query: PageQuery) -> Answer:
    return _list(None, query)


@api.get(
    "/exporters/<int:exporter_id>/runs",
    tags=RUNS,
    summary="An exporter's runs, newest first",
    responses={200: RunList},
)
def list_exporter_runs(path: ExporterPath, query: PageQuery) -> Answer:
    return _list(found(Exporter, path.exporter_id).id, query)


@api.get("/runs/<int:run_id>", tags=RUNS, summary="Get a run", responses={200: RunOut})
def get_run(path: RunPath) -> Answer:
    run = found(Run, path.run_id)
    return ok(run_out(run, found(Exporter, run.exporter_id)))


@api.post(
    "/exporters/<int:exporter_id>/runs",
    tags=RUNS,
    summary="Run an exporter now",
    description="Queues a run ahead of scheduled ones and answers 202 with it; poll GET /runs/{run_id}. "
    "409 when a run is already queued or running, or the exporter can't run (the message says why).",
    responses={202: RunOut, 409: ErrorBody},
)
def trigger_run(path: ExporterPath) -> Answer:
    exporter = found(Exporter, path.exporter_id)
    try:
        run = enqueue.run_now(path.exporter_id, g.workspace.id)
    except enqueue.CannotRun as refusal:
        code = "run_active" if refusal.active_run_id is not None else "cannot_run"
        raise ApiError(409, str(refusal), code=code) from None
    return ok(run_out(run, exporter), 202)


@api.post(
    "/runs/<int:run_id>/cancel",
    tags=RUNS,
    summary="Cancel a queued or running run",
    description="A running run stops at its next progress step, before it swaps rows into the live tab.",
    responses={200: RunOut, 409: ErrorBody},
)
def cancel_run(path: RunPath) -> Answer:
    run = found(Run, path.run_id)
    exporter = found(Exporter, run.exporter_id)
    session = get_session()
    if not states.cancel_run(run, by=g.user.email):
        raise ApiError(
            409, f"Run {run.id} already ended ({run.status}): there is nothing to cancel.", code="finished"
        )
    session.add(run)
    session.commit()
    return ok(run_out(run, exporter))
