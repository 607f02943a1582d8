"""Endpoints for App Engine cron (cron.yaml): the tick, the refresh-token keep-alive, the sign-in purge,
run retention.

App Engine strips `X-Appengine-Cron` from outside requests, so there only its cron can call these.
Anywhere else anyone could send that header, so they answer 403 unless the App Engine runtime
(`GAE_ENV`) is present; other deployments run `sheetbooks tick --loop` instead.
"""

from __future__ import annotations

import os
from dataclasses import asdict

from flask import Blueprint, abort, request

from web.extensions import csrf

bp = Blueprint("internal", __name__, url_prefix="/internal")
csrf.exempt(bp)


def _from_cron() -> None:
    if not os.environ.get("GAE_ENV") or request.headers.get("X-Appengine-Cron") != "true":
        abort(403)


@bp.get("/tick")
def tick() -> dict[str, list[int]]:
    """Queue runs of due exporters and reap dead ones; say which."""
    from workers.tick import tick as run_tick

    _from_cron()
    return asdict(run_tick())


@bp.get("/keep-alive")
def keep_alive() -> dict[str, list[int]]:
    """Refresh idle companies' refresh tokens before Intuit's rolling window runs out."""
    from workers.maintenance import keep_companies_alive

    _from_cron()
    return {"refreshed": keep_companies_alive()}


@bp.get("/purge")
def purge() -> dict[str, int]:
    """Delete sign-ins and spent OAuth states that no cookie can use any more."""
    from workers.maintenance import purge_expired_sign_ins

    _from_cron()
    return purge_expired_sign_ins()


@bp.get("/prune-runs")
def prune_runs() -> dict[str, int]:
    """Delete runs older than the retention setting (each exporter keeps its newest few)."""
    from workers.maintenance import prune_runs as run

    _from_cron()
    return {"deleted": run()}
