"""One tick with 10,000 exporters of which 1,000 are due: its time and its SQL statements, on PostgreSQL and
a real Redis, for this checkout's tick and another checkout's (`--before DIR`, e.g. /work/main).

For each measurement this checkout seeds a fresh private PostgreSQL schema (migrated to head): one
workspace, N exporters over a few schedules (hourly in UTC, 07:00 on weekdays in New York, the 1st of the
month in Tokyo, every 15 minutes in London), D of them due (their slot 1–59 minutes ago), the others' slots
still ahead; then `ANALYZE`. The tick itself runs in a child process on the code of the checkout measured
(its `PYTHONPATH`), after one connection to the database and to Redis (a `sheetbooks tick --loop` keeps
both): wall and CPU seconds of `tick()`, its SQL statements (SQLAlchemy's before_cursor_execute) and what it
queued; the parent then checks every due exporter has one run and one job.

    .venv/bin/python -m bench.tick --before /work/main
    .venv/bin/python -m bench.tick --exporters 10000 --due 1000 --repeat 3

Needs PostgreSQL (TEST_DATABASE_URL, default postgresql://postgres@127.0.0.1:5432/test) and Redis at
REDIS_URL (default redis://127.0.0.1:6379/0).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCHEDULES = (
    ("0 * * * *", "UTC"),
    ("0 7 * * 1-5", "America/New_York"),
    ("0 6 1 * *", "Asia/Tokyo"),
    ("*/15 * * * *", "Europe/London"),
)


def measure_tick(database_url: str, redis_url: str, queue_name: str) -> dict[str, float]:
    """In the child, on the measured checkout's code: one tick, timed and its statements counted."""
    from sqlalchemy import event, text

    from store import db
    from store.models import utcnow
    from store.settings import Settings, configure
    from workers.queue import get_redis
    from workers.tick import tick

    configure(
        Settings(secret_key="bench", database_url=database_url, redis_url=redis_url, queue_name=queue_name)
    )
    with db.session_scope() as session:  # warm: the tick loop keeps its connections
        session.execute(text("SELECT 1"))
    get_redis().ping()
    statements: list[str] = []
    event.listen(db.get_engine(), "before_cursor_execute", lambda *args: statements.append(args[2]))
    start, start_cpu = time.perf_counter(), time.process_time()
    result = tick(utcnow())
    seconds, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    db.dispose_engines()
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "statements": len(statements),
        "queued": len(result.queued),
        "busy": len(result.busy),
        "failed": len(result.failed),
    }


def seed(database_url: str, exporters: int, due: int) -> None:
    """One workspace, `exporters` exporters over `SCHEDULES`, `due` of them due now."""
    from sqlalchemy import insert, text

    from store import db
    from store.models import Exporter, Workspace, utcnow
    from store.rows import column_values

    now = utcnow()
    with db.session_scope() as session:
        workspace = Workspace(name="Bench")
        session.add(workspace)
        session.flush()
        rows = []
        for i in range(exporters):
            cron, zone = SCHEDULES[i % len(SCHEDULES)]
            slot = now - timedelta(minutes=1 + i % 59) if i < due else now + timedelta(minutes=1 + i % 59)
            exporter = Exporter(
                workspace_id=workspace.id or 0,
                name=f"Exporter {i:05}",
                source="invoices",
                spreadsheet_id=f"sheet-{i}",
                schedule_cron=cron,
                schedule_time_zone=zone,
                next_run_at=slot,
            )
            rows.append(column_values(exporter))
        session.execute(insert(Exporter), rows)
    with db.session_scope() as session:
        session.execute(text("ANALYZE"))


def checked(database_url: str, queue_name: str, due: int) -> str:
    """What the tick left behind: one run per due exporter, one job per run."""
    from sqlalchemy import func
    from sqlmodel import col, select

    from store import db
    from store.models import Run
    from workers.queue import get_queue

    with db.session_scope() as session:
        runs = session.exec(select(func.count(col(Run.id)))).one()
        exporters = session.exec(select(func.count(func.distinct(col(Run.exporter_id))))).one()
    queue = get_queue()
    jobs = queue.count
    queue.empty()
    ok = runs == exporters == jobs == due
    return f"{runs} runs of {exporters} exporters, {jobs} jobs" + ("" if ok else " (NOT one each)")


def once(checkout: Path, exporters: int, due: int) -> dict[str, float | str]:
    """Seed a fresh schema with this checkout, tick on `checkout`'s code in a child, check, drop."""
    from store import db
    from store.settings import Settings, configure
    from tests import infra

    base = infra.postgres_url()
    if base is None:
        raise SystemExit("no PostgreSQL reachable: set TEST_DATABASE_URL")
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    queue_name = f"bench-tick-{uuid.uuid4().hex[:8]}"
    with infra.postgres_schema(base) as url:
        db.upgrade(url)
        configure(Settings(secret_key="bench", database_url=url, redis_url=redis_url, queue_name=queue_name))
        db.dispose_engines()
        seed(url, exporters, due)
        argv = [sys.executable, str(Path(__file__).resolve()), "--measure", url, redis_url, queue_name]
        env = {**os.environ, "PYTHONPATH": str(checkout)}
        child = subprocess.run(argv, env=env, cwd=checkout, capture_output=True, text=True, check=False)
        sys.stderr.write(child.stderr[-4000:])
        if child.returncode:
            raise SystemExit(child.returncode)
        result: dict[str, float | str] = json.loads(child.stdout)
        result["left"] = checked(url, queue_name, due)
        db.dispose_engines()
        configure(None)
    return result


def row(label: str, exporters: int, due: int, runs: list[dict[str, float | str]]) -> str:
    def median(key: str) -> float:
        return statistics.median(float(r[key]) for r in runs)

    each = ", ".join(f"{float(r['seconds']):.2f}" for r in runs)
    return (
        f"| {label} | {exporters:,} | {due:,} | {median('seconds'):.2f} ({each}) "
        f"| {median('cpu_seconds'):.2f} | {median('statements'):.0f} | {median('queued'):.0f} "
        f"| {runs[-1]['left']} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exporters", type=int, default=10_000)
    parser.add_argument("--due", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=3, help="ticks measured (each on a fresh seed)")
    parser.add_argument("--before", help="another checkout whose tick to measure too (e.g. /work/main)")
    parser.add_argument(
        "--measure", nargs=3, metavar=("DATABASE_URL", "REDIS_URL", "QUEUE"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.measure:  # the child: one tick on this interpreter's code
        print(json.dumps(measure_tick(*args.measure)))
        return
    checkouts = [("this checkout", ROOT)]
    if args.before:
        checkouts.append((f"`{args.before}`", Path(args.before).resolve()))
    lines = [
        "| tick of | exporters | due | tick s: median (each) | CPU s | SQL statements | runs queued "
        "| left behind |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for label, checkout in checkouts:
        runs = [once(checkout, args.exporters, args.due) for _ in range(args.repeat)]
        lines.append(row(label, args.exporters, args.due, runs))
        print(lines[-1], file=sys.stderr)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print("\n".join(lines) + f"\n\n(load average at the end: {load} on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
