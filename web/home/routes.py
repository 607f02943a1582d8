"""`/`: companies and Google accounts needing attention, paused or failing exporters, recent runs."""

from __future__ import annotations

from flask import render_template
from sqlmodel import col

from store.models import Company, CompanyStatus, Exporter, GoogleAccount, GoogleAccountStatus, Run, RunStatus
from web.current import login_required, scoped
from web.database import get_session
from web.home import bp


@bp.get("/")
@login_required
def index() -> str:
    session = get_session()
    companies = session.exec(scoped(Company).order_by(Company.name)).all()
    accounts = session.exec(scoped(GoogleAccount).order_by(GoogleAccount.email)).all()
    exporters = session.exec(scoped(Exporter).order_by(Exporter.name)).all()
    runs = session.exec(scoped(Run).order_by(col(Run.id).desc()).limit(10)).all()
    last_failed = {run.exporter_id for run in runs if run.status == RunStatus.FAILED}
    return render_template(
        "home/index.html",
        companies=companies,
        troubled_companies=[c for c in companies if c.status != CompanyStatus.CONNECTED],
        accounts=accounts,
        troubled_accounts=[a for a in accounts if a.status != GoogleAccountStatus.CONNECTED],
        exporters=exporters,
        troubled_exporters=[
            e for e in exporters if e.paused_reason or e.destination_error or e.id in last_failed
        ],
        exporter_names={e.id: e.name for e in exporters},
        runs=runs,
    )
