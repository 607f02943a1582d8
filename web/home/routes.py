"""`/`: each company's and Google account's health, each exporter's last and next run, recent runs."""

from __future__ import annotations

from flask import render_template
from sqlalchemy import func
from sqlmodel import col, select

from connections.health import token_health
from exporters.catalog import SOURCES
from exporters.schedules import label_of
from store.models import Company, CompanyStatus, Exporter, GoogleAccount, GoogleAccountStatus, Run, RunStatus
from store.rows import saved_id
from web.current import login_required, scoped
from web.database import get_session
from web.home import bp
from web.sheets_links import sheet_link


def _last_runs(exporter_ids: list[int]) -> dict[int, Run]:
    """Each exporter's newest run (one query)."""
    if not exporter_ids:
        return {}
    newest = (
        select(func.max(Run.id)).where(col(Run.exporter_id).in_(exporter_ids)).group_by(col(Run.exporter_id))
    )
    runs = get_session().exec(select(Run).where(col(Run.id).in_(newest))).all()
    return {run.exporter_id: run for run in runs}


@bp.get("/")
@login_required
def index() -> str:
    session = get_session()
    companies = session.exec(scoped(Company).order_by(Company.name)).all()
    accounts = session.exec(scoped(GoogleAccount).order_by(GoogleAccount.email)).all()
    exporters = session.exec(scoped(Exporter).order_by(Exporter.name)).all()
    runs = session.exec(scoped(Run).order_by(col(Run.id).desc()).limit(10)).all()
    last_runs = _last_runs([saved_id(e) for e in exporters])
    health = {c.id: token_health(c) for c in companies}
    return render_template(
        "home/index.html",
        companies=companies,
        health=health,
        troubled_companies=[
            c
            for c in companies
            if c.status != CompanyStatus.CONNECTED or health[c.id]["level"] in ("warning", "expired")
        ],
        accounts=accounts,
        troubled_accounts=[a for a in accounts if a.status != GoogleAccountStatus.CONNECTED],
        exporters=exporters,
        troubled_exporters=[
            e
            for e in exporters
            if e.paused_reason
            or e.destination_error
            or (e.id in last_runs and last_runs[e.id].status == RunStatus.FAILED)
        ],
        last_runs=last_runs,
        sheet_links={e.id: sheet_link(e) for e in exporters},
        schedules={e.id: label_of(e) for e in exporters},
        source_labels={key: source.label for key, source in SOURCES.items()},
        exporter_names={e.id: e.name for e in exporters},
        runs=runs,
    )
