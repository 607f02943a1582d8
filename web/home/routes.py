"""`/`: the workspace at a glance: connections' health, counts of exporters and runs, the latest of each.

Everything here is a fixed number of queries (store.listing) however many exporters and runs there are.
"""

from __future__ import annotations

from datetime import timedelta

from flask import g, render_template

from connections.health import token_health
from exporters.catalog import SOURCES
from exporters.schedules import label_of
from store.listing import exporter_counts, list_exporters, list_runs, needing_attention, run_counts
from store.models import Company, CompanyStatus, GoogleAccount, GoogleAccountStatus, utcnow
from web.current import login_required, scoped
from web.database import get_session
from web.home import bp
from web.sheets_links import sheet_link

LATEST = 10  # exporters, runs, companies and accounts shown; their pages have the rest
COUNTED = timedelta(days=1)  # runs counted by status: those queued in the last day


@bp.get("/")
@login_required
def index() -> str:
    session = get_session()
    workspace_id = g.workspace.id
    companies = session.exec(scoped(Company).order_by(Company.name)).all()
    accounts = session.exec(scoped(GoogleAccount).order_by(GoogleAccount.email)).all()
    exporters = list_exporters(session, workspace_id, limit=LATEST)
    states = exporter_counts(session, workspace_id)
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
        attention=needing_attention(session, workspace_id),
        exporter_states=states,
        exporter_total=sum(states.values()),
        run_statuses=run_counts(session, workspace_id, utcnow() - COUNTED),
        exporters=exporters.rows,
        sheet_links={row.exporter.id: sheet_link(row.exporter) for row in exporters.rows},
        schedules={row.exporter.id: label_of(row.exporter) for row in exporters.rows},
        source_labels={key: source.label for key, source in SOURCES.items()},
        runs=list_runs(session, workspace_id, limit=LATEST).rows,
        shown=LATEST,  # companies and Google accounts listed in each card
    )
