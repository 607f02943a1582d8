"""CPU a worker spends per one-invoice run: a forking `RunWorker` (a work-horse per job) against a
`NoForkRunWorker` (`sheetbooks worker --no-fork`), one worker in burst mode in this process, the same runs.

N exporters (one company of one invoice per 10) are made due and ticked into the queue; the worker drains
it after `workers.jobs.preload`, as `sheetbooks worker` does. Reported per job: the CPU of this process's
main thread (the worker, and with --no-fork the jobs: the emulators serve from other threads) plus that
of the work-horses it waited for, and the horses' minor page faults (pages copied after the fork).

    .venv/bin/python -m bench.job_cost --runs 100

Needs PostgreSQL (TEST_DATABASE_URL) and Redis (REDIS_URL), as bench.due_to_running.
"""

from __future__ import annotations

import argparse
import logging
import os
import resource
import time
import uuid

from rq import Queue
from sqlalchemy import update

from bench.due_to_running import seed
from emulators.google import create_app as google_app
from emulators.qbo import create_app as qbo_app
from emulators.serving import serve_in_thread
from store import db
from store.models import Exporter, utcnow
from store.redis_client import patient_redis
from store.settings import Settings, configure
from tests.infra import DEFAULT_PG, postgres_schema
from tests.qbo.intuit import Admin
from workers.held_run import HeldRun
from workers.jobs import preload
from workers.queue import queue_names
from workers.tick import tick
from workers.worker import NoForkRunWorker, RunWorker


def drain(settings: Settings, no_fork: bool) -> tuple[float, float, int]:
    """Drain the queues with one burst worker: CPU s of its thread and of its horses, the horses' faults."""
    redis = patient_redis(settings.redis_url)
    queues = [Queue(name, connection=redis) for name in queue_names()]
    worker = (
        NoForkRunWorker(queues, connection=redis, held=HeldRun())
        if no_fork
        else RunWorker(queues, connection=redis)
    )
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    thread = time.thread_time()
    worker.work(burst=True, logging_level="WARNING")
    thread = time.thread_time() - thread
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    horses = after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime
    return thread, horses, after.ru_minflt - children.ru_minflt


def main() -> None:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=100)
    args = parser.parse_args()
    os.environ.setdefault("OAUTHLIB_INSECURE_TRANSPORT", "1")
    qbo = serve_in_thread(qbo_app({}))
    qbo.server.app.config["BASE_URL"] = qbo.url
    google = serve_in_thread(google_app({"QUOTA_READ_PER_MINUTE": 10**6, "QUOTA_WRITE_PER_MINUTE": 10**6}))
    google.server.app.config["BASE_URL"] = google.url
    print("| worker | runs | CPU ms per job: worker + horses = total | horses' minor faults per job |")
    print("|---|---|---|---|")
    for no_fork in (False, True):
        with postgres_schema(os.environ.get("TEST_DATABASE_URL", DEFAULT_PG)) as url:
            settings = Settings(
                secret_key="bench",
                database_url=url,
                redis_url=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
                queue_name=f"bench-cost-{uuid.uuid4().hex[:8]}",
            ).pointed_at_emulators(qbo.url, google.url)
            configure(settings)
            db.upgrade(url)
            seed(settings, Admin(qbo.url), args.runs, max(1, args.runs // 10))
            with db.session_scope() as session:
                session.execute(update(Exporter).values(next_run_at=utcnow()))
            queued = len(tick().queued)
            preload()
            thread, horses, faults = drain(settings, no_fork)
            db.dispose_engines()
        ms = [round(seconds * 1000 / queued) for seconds in (thread, horses, thread + horses)]
        print(
            f"| {'NoForkRunWorker (--no-fork)' if no_fork else 'RunWorker (forking)'} | {queued} "
            f"| {ms[0]} + {ms[1]} = {ms[2]} | {faults / queued:,.0f} |"
        )


if __name__ == "__main__":
    main()
