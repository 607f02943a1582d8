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
import resource
import time

from rq import Queue
from sqlalchemy import update

from bench.due_to_running import bench_store, seed, serve_emulators
from store import db
from store.models import Exporter, utcnow
from store.redis_client import patient_redis
from store.settings import Settings
from tests.qbo.intuit import Admin
from workers.held_run import HeldRun
from workers.jobs import preload
from workers.queue import queue_names
from workers.retirement import Retirement
from workers.tick import tick
from workers.worker import NoForkRunWorker, RunWorker


def drain(settings: Settings, no_fork: bool) -> tuple[float, float, int]:
    """Drain the queues with one burst worker: CPU s of its thread and of its horses, the horses' faults."""
    redis = patient_redis(settings.redis_url)
    queues = [Queue(name, connection=redis) for name in queue_names()]
    worker = (
        NoForkRunWorker(
            queues, connection=redis, held=HeldRun(), retirement=Retirement.from_settings(settings)
        )
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
    emulators = serve_emulators()
    print("| worker | runs | CPU ms per job: worker + horses = total | horses' minor faults per job |")
    print("|---|---|---|---|")
    for no_fork in (False, True):
        with bench_store(emulators, "bench-cost") as settings:
            seed(settings, Admin(emulators[0].url), args.runs, max(1, args.runs // 10))
            with db.session_scope() as session:
                session.execute(update(Exporter).values(next_run_at=utcnow()))
            queued = len(tick().queued)
            preload()
            thread, horses, faults = drain(settings, no_fork)
            db.dispose_engines()
        ms = [round(seconds * 1000 / queued) for seconds in (thread, horses, thread + horses)]
        print(
            f"| {'NoForkRunWorker (default)' if no_fork else 'RunWorker (--fork)'} | {queued} "
            f"| {ms[0]} + {ms[1]} = {ms[2]} | {faults / queued:,.0f} |"
        )


if __name__ == "__main__":
    main()
