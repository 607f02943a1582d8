"""Due → running for D due one-invoice exporters on W real RQ workers: how long the last ones wait.

The store is a private PostgreSQL schema; both emulators serve in this process. A workspace per Google
account (A of them, so no account's 60 writes a minute is the bottleneck; the Google emulator's
project-wide quotas are raised as a production project's would be), each with one company of one
invoice and D/A exporters writing tabs of its spreadsheet. W workers (`sheetbooks worker`, processes of
`--checkout`'s code) wait on the queue; every exporter is made due at the same instant and one tick
(this checkout's) queues them all. Reported, from the runs in the store:

- due → running: a run's `started_at` (the work-horse claimed it) − the instant it was due, p50/p99/max;
- run: `finished_at − started_at` (the work a run does once started), p50/p99;
- the tick's own time, the wall time until the last run finished, runs per second, runs that failed;
- jobs the workers executed: a run deferred for fair sharing (two of its company's runs were running)
  costs a job and waits on its queue again, so jobs − runs is the deferrals;
- CPU seconds per run of the workers (every process of theirs: supervisor, worker processes, work-horses)
  and of this process (mostly the emulators): on a 2-core machine, runs/s can not exceed
  2 / (their sum + the database's and Redis's share).

The workers run in `sheetbooks worker`'s default mode (jobs in the worker process, no work-horse per job);
`--fork` starts them as `sheetbooks worker --fork` (a work-horse per job), `--no-fork` as
`sheetbooks worker --no-fork` (for a `--checkout` whose default still forks). `--tick-first` ticks
before the workers start and measures from the moment they are all up: the workers' share of the wait,
without the tick's.

    .venv/bin/python -m bench.due_to_running --due 1000 --workers 4 --accounts 100

Needs PostgreSQL (TEST_DATABASE_URL, default postgresql://postgres@127.0.0.1:5432/test) and Redis at
REDIS_URL (default redis://127.0.0.1:6379/0).
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from rq import Worker
from sqlalchemy import update
from sqlmodel import col, select

from emulators.google import create_app as google_app
from emulators.qbo import create_app as qbo_app
from emulators.serving import RunningServer, serve_in_thread
from store import db
from store.models import Exporter, Run, RunStatus, utcnow
from store.settings import Settings, configure
from tests.exporters.test_pipeline import World
from tests.infra import DEFAULT_PG, postgres_schema, process_children
from tests.qbo.intuit import Admin, EmulatorClock
from workers.queue import get_queue, get_redis
from workers.tick import tick

ROOT = Path(__file__).resolve().parent.parent
FINISHED = (RunStatus.SUCCEEDED, RunStatus.FAILED)


@dataclass
class Measured:
    tick_s: float
    waits: list[float]  # due → running, per run
    runs: list[float]  # started → finished, per run
    wall_s: float  # due → the last run finished
    failed: int
    first_error: str
    worker_cpu_s: float = 0.0  # the workers and their work-horses
    emulator_cpu_s: float = 0.0  # this process: both emulators (and the tick, and the polling)
    jobs: int = 0  # executed by the workers: the runs and their deferrals


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))] if ordered else 0.0


def serve_emulators() -> tuple[RunningServer, RunningServer]:
    """Both emulators in this process's threads (QBO, Google), the Google project's quotas raised as a
    production project's would be."""
    os.environ.setdefault("OAUTHLIB_INSECURE_TRANSPORT", "1")
    qbo = serve_in_thread(qbo_app({}))
    google = serve_in_thread(google_app({"QUOTA_READ_PER_MINUTE": 10**6, "QUOTA_WRITE_PER_MINUTE": 10**6}))
    for server in (qbo, google):
        server.server.app.config["BASE_URL"] = server.url
    return qbo, google


@contextmanager
def bench_store(emulators: tuple[RunningServer, RunningServer], queue_prefix: str) -> Iterator[Settings]:
    """Settings pointed at the emulators, a private PostgreSQL schema migrated to head and a queue of its
    own, configured for this process while the block runs."""
    qbo, google = emulators
    with postgres_schema(os.environ.get("TEST_DATABASE_URL", DEFAULT_PG)) as url:
        settings = Settings(
            secret_key="bench",
            database_url=url,
            redis_url=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
            queue_name=f"{queue_prefix}-{uuid.uuid4().hex[:8]}",
        ).pointed_at_emulators(qbo.url, google.url)
        configure(settings)
        db.upgrade(url)
        yield settings


def seed(settings: Settings, admin: Admin, due: int, accounts: int) -> None:
    """`accounts` workspaces, each a Google account, a spreadsheet, a one-invoice company, due/accounts
    exporters (not due yet: the measurement makes them due together)."""
    clock = EmulatorClock()
    for a in range(accounts):
        world = World(settings, admin, clock)
        company = world.company(f"One invoice {a}", invoices=1)
        for e in range(a, due, accounts):
            world.exporter([company], tab=f"Run {e}", name=f"Invoices {e}", schedule_cron="0 * * * *")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its waited-for children (a worker's finished horses), and of
    its live descendants (the supervisor's worker processes)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # ended meanwhile: its parent counts it once it has waited for it
        return 0.0
    own = sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    return own + sum(cpu_seconds(child) for child in process_children(pid))


def start_workers(
    settings: Settings, count: int, checkout: Path, mode: list[str]
) -> list[subprocess.Popen[bytes]]:
    env = {**os.environ, **settings.as_environment(), "PYTHONPATH": str(checkout)}
    command = [sys.executable, "-m", "web.cli", "worker", *mode]
    workers = [
        subprocess.Popen(command, env=env, cwd=checkout, stderr=subprocess.DEVNULL) for _ in range(count)
    ]
    deadline = time.monotonic() + 120
    while len(Worker.all(queue=get_queue())) < count:
        if time.monotonic() > deadline:
            raise RuntimeError("the workers did not start in 2 minutes")
        time.sleep(0.2)
    return workers


def tick_all_due(due: int) -> tuple[datetime, list[int], float]:
    """Make every exporter due now and tick once: the instant they were due, the runs queued, the tick's s."""
    due_at = utcnow()
    with db.session_scope() as session:
        session.execute(update(Exporter).values(next_run_at=due_at))
    started = time.perf_counter()
    result = tick(due_at)
    tick_s = time.perf_counter() - started
    if len(result.queued) != due:
        raise RuntimeError(f"the tick queued {len(result.queued)} runs, not {due}: {result}")
    return due_at, result.queued, tick_s


def wait_for(queued: list[int], since: datetime, tick_s: float, deadline_s: float) -> Measured:
    """Wait for every queued run to finish; the numbers, waits counted from `since`."""
    due = len(queued)
    deadline = time.monotonic() + deadline_s
    while True:
        with db.session_scope() as session:
            runs = session.exec(select(Run).where(col(Run.id).in_(queued))).all()
        done = [r for r in runs if r.status in FINISHED]
        print(f"  {len(done)}/{due} finished after {(utcnow() - since).total_seconds():.0f} s", flush=True)
        if len(done) == due or time.monotonic() > deadline:
            break
        time.sleep(5)
    waits = [(r.started_at - since).total_seconds() for r in runs if r.started_at]
    lengths = [(r.finished_at - r.started_at).total_seconds() for r in done if r.finished_at and r.started_at]
    last = max((r.finished_at for r in done if r.finished_at), default=since)
    failed = [r for r in done if r.status == RunStatus.FAILED]
    if len(done) < due:  # the slowest did not even start: count them as waiting until the deadline
        waits += [deadline_s] * (due - len(waits))
    return Measured(
        tick_s,
        waits,
        lengths,
        (last - since).total_seconds(),
        len(failed),
        failed[0].error if failed else "",
    )


def chosen(args: argparse.Namespace) -> tuple[tuple[str, bool], ...]:
    """The flags given: the workers' mode (passed on to `sheetbooks worker`), then the bench's own."""
    return (("fork", args.fork), ("no-fork", args.no_fork), ("tick-first", args.tick_first))


def main() -> None:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--due", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--accounts", type=int, default=100)
    parser.add_argument("--checkout", type=Path, default=ROOT, help="whose workers (e.g. main's checkout)")
    parser.add_argument("--deadline", type=float, default=1800, help="give up after this many seconds")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--fork", action="store_true", help="workers fork a work-horse per job")
    mode.add_argument("--no-fork", action="store_true", help="workers run jobs in their own process")
    parser.add_argument("--tick-first", action="store_true", help="measure the workers' share alone")
    args = parser.parse_args()
    emulators = serve_emulators()
    with bench_store(emulators, "bench-due") as settings:
        started = time.perf_counter()
        seed(settings, Admin(emulators[0].url), args.due, args.accounts)
        print(f"seeded {args.due} exporters, {args.accounts} accounts: {time.perf_counter() - started:.0f} s")
        if args.tick_first:
            _due_at, queued, tick_s = tick_all_due(args.due)
        mode = [f"--{name}" for name, on in chosen(args)[:2] if on]
        workers = start_workers(settings, args.workers, args.checkout, mode)
        try:
            cpu_before = sum(cpu_seconds(w.pid) for w in workers), time.process_time()
            if args.tick_first:
                since = utcnow()  # the workers are up
            else:
                since, queued, tick_s = tick_all_due(args.due)
            m = wait_for(queued, since, tick_s, args.deadline)
            m.worker_cpu_s = sum(cpu_seconds(w.pid) for w in workers) - cpu_before[0]
            m.emulator_cpu_s = time.process_time() - cpu_before[1]
            m.jobs = sum(w.successful_job_count + w.failed_job_count for w in Worker.all(queue=get_queue()))
        finally:
            for w in workers:
                w.terminate()
            for w in workers:
                w.wait(timeout=60)
            get_queue().empty()
            get_redis().close()
            db.dispose_engines()
    print(
        "\n| workers of | due | workers | tick s | due → running p50 / p99 / max s | run p50 / p99 s "
        "| last finished s | runs/s | failed | jobs | CPU s per run: workers / emulators |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    flags = "".join(f" --{name}" for name, on in chosen(args) if on)
    print(
        f"| {args.checkout}{flags} "
        f"| {args.due:,} | {args.workers} | {m.tick_s:.2f} "
        f"| {pct(m.waits, 50):.1f} / {pct(m.waits, 99):.1f} / {max(m.waits):.1f} "
        f"| {statistics.median(m.runs) if m.runs else 0:.2f} / {pct(m.runs, 99):.2f} | {m.wall_s:.0f} "
        f"| {args.due / m.wall_s if m.wall_s else 0:.1f} | {m.failed} | {m.jobs:,} "
        f"| {m.worker_cpu_s / args.due:.3f} / {m.emulator_cpu_s / args.due:.3f} |"
    )
    if m.first_error:
        print(f"first error: {m.first_error[:500]}")


if __name__ == "__main__":
    main()
