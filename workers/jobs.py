"""RQ job entry points: thin; they load ids, call the export run, and leave the outcome on the run."""

from __future__ import annotations

import logging
from datetime import datetime

from store.db import drop_inherited_connections, get_engine
from store.redis_client import REDIS_DOWN

log = logging.getLogger(__name__)


def preload() -> None:
    """Load everything a run needs once in the worker, before it forks a work-horse per job: a forked
    horse then starts warm instead of paying it on every run.

    - the job code (~1 s of imports), all of it (workers.fair_share, left out, was imported again by
      every horse);
    - the database driver and dialect, initialised by one connection that is closed again (the horse
      must not share a socket): otherwise every horse imports psycopg and asks the server its version
      and settings before its first query;
    - the ORM mappers, configured on first use otherwise;
    - `gc.freeze()` last: the collector then never walks the preloaded objects in a horse, which would
      copy every page they live on (copy-on-write) in each one.
    """
    import gc
    import netrc  # noqa: F401  # requests reads ~/.netrc on every request: imported by the first otherwise

    from sqlalchemy.orm import configure_mappers

    import exporters.export_run  # noqa: F401
    import workers.fair_share
    import workers.mail
    import workers.maintenance
    import workers.tick
    import workers.webhooks  # noqa: F401

    engine = get_engine()
    with engine.connect():
        pass
    engine.dispose()
    configure_mappers()
    gc.freeze()


def run_export(run_id: int) -> None:
    """Execute one run of an exporter."""
    from exporters.export_run import run_export as execute
    from store.db import session_scope
    from store.models import Run
    from workers.collector import fewer_collections
    from workers.enqueue import queue_follow_up
    from workers.fair_share import admit, wake

    drop_inherited_connections()  # a forked work-horse must not reuse the parent's pooled connections
    if not admit(run_id):  # not queued any more, or deferred: its company is at its cap (workers.fair_share)
        return
    try:
        with fewer_collections():
            execute(run_id, claimed=True)
    finally:
        with session_scope() as session:
            run = session.get(Run, run_id)
            exporter_id = run.exporter_id if run is not None else None
        try:
            if exporter_id is not None:
                queue_follow_up(exporter_id)
            wake(run_id)  # its companies have room again: a run deferred for them goes now
        except REDIS_DOWN:  # the run is recorded; the tick queues the follow-up and deferred runs later
            log.warning(
                "run %s: Redis unreachable, its follow-up and deferred runs are left to the tick", run_id
            )


def tick() -> None:
    """The once-a-minute scheduler pass, for deployments that schedule it with `rq cron`."""
    from workers.tick import tick as run_tick

    run_tick()


def keep_companies_alive() -> None:
    """Refresh idle companies' refresh tokens before Intuit's rolling window runs out."""
    from workers.maintenance import keep_companies_alive as run

    run()


def purge_expired_sign_ins() -> dict[str, int]:
    """Delete sign-ins and spent OAuth states no cookie can use any more."""
    from workers.maintenance import purge_expired_sign_ins as run

    return run()


def send_email(email_id: int, lease: datetime) -> bool:
    """Send one email of the outbox (mail.sending); False when it did not go out (retried later)."""
    from mail.sending import send_one

    drop_inherited_connections()
    return send_one(email_id, lease)


def prune_runs() -> None:
    """Delete runs older than the retention setting, for deployments that schedule it with `rq cron`."""
    from workers.maintenance import prune_runs as run

    run()


def process_webhook(body: bytes) -> dict[str, int]:
    """Process one verified Intuit webhook delivery: dedupe its events, queue the runs they call for."""
    from workers.webhooks import process_delivery

    drop_inherited_connections()
    return process_delivery(body)
