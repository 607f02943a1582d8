"""RQ job entry points: thin; they load ids, call the export run, and leave the outcome on the run."""

from __future__ import annotations

from store.db import get_engine


def preload() -> None:
    """Import the job code once in the worker, before it forks a work-horse per job: a forked horse
    then starts with the export pipeline loaded (~1 s of imports otherwise paid by every run)."""
    import exporters.export_run  # noqa: F401
    import workers.maintenance
    import workers.tick
    import workers.webhooks  # noqa: F401


def run_export(run_id: int) -> None:
    """Execute one run of an exporter."""
    from exporters.export_run import run_export as execute
    from store.db import session_scope
    from store.models import Run
    from workers.enqueue import queue_follow_up

    # A forked work-horse must not reuse the parent's pooled connections.
    get_engine().dispose(close=False)
    try:
        execute(run_id)
    finally:
        with session_scope() as session:
            run = session.get(Run, run_id)
            exporter_id = run.exporter_id if run is not None else None
        if exporter_id is not None:
            queue_follow_up(exporter_id)


def tick() -> None:
    """The once-a-minute scheduler pass, for deployments that schedule it with `rq cron`."""
    from workers.tick import tick as run_tick

    run_tick()


def keep_companies_alive() -> None:
    """Refresh idle companies' refresh tokens before Intuit's rolling window runs out."""
    from workers.maintenance import keep_companies_alive as run

    run()


def prune_runs() -> None:
    """Delete runs older than the retention setting, for deployments that schedule it with `rq cron`."""
    from workers.maintenance import prune_runs as run

    run()


def process_webhook(body: bytes) -> dict[str, int]:
    """Process one verified Intuit webhook delivery: dedupe its events, queue the runs they call for."""
    from workers.webhooks import process_delivery

    get_engine().dispose(close=False)
    return process_delivery(body)
