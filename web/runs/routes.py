"""Runs of the workspace: the history, one run's detail and its JSON for the auto-refresh."""

from __future__ import annotations

from flask import render_template
from sqlmodel import col

from store.models import ACTIVE_RUN_STATUSES, Exporter, Run
from web.current import get_scoped, login_required, scoped
from web.database import get_session
from web.runs import bp
from web.sheets_links import sheet_link

PAGE = 100


def run_json(run: Run) -> dict:
    """What the detail page shows, as JSON."""
    return {
        "id": run.id,
        "exporter_id": run.exporter_id,
        "trigger": run.trigger,
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
    session = get_session()
    runs = session.exec(scoped(Run).order_by(col(Run.id).desc()).limit(PAGE)).all()
    names = {e.id: e.name for e in session.exec(scoped(Exporter)).all()}
    return render_template("runs/index.html", runs=runs, exporter_names=names)


@bp.get("/<int:run_id>")
@login_required
def show(run_id: int) -> str:
    run = get_scoped(Run, run_id)
    exporter = get_scoped(Exporter, run.exporter_id)
    return render_template(
        "runs/show.html",
        run=run,
        exporter=exporter,
        sheet_url=sheet_link(exporter),
        active=run.status in ACTIVE_RUN_STATUSES,
    )


@bp.get("/<int:run_id>.json")
@login_required
def show_json(run_id: int) -> dict:
    return run_json(get_scoped(Run, run_id))
