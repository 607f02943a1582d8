"""Dashboard pages at scale: 1,000 exporters over 100 companies and 100,000 runs on PostgreSQL.

Seeds a private PostgreSQL schema (migrated to head; bulk inserts by `tests.factories.dashboard`), signs
up through the dashboard, then requests each page in-process with Flask's test client and reports the
server time's p50/p95 and the SQL statements each page executed (SQLAlchemy's before_cursor_execute).

    .venv/bin/python -m bench.dashboard
    .venv/bin/python -m bench.dashboard --before /work/main --repeat 3    # another checkout's code

`--before DIR` runs the same measurement in a child process on DIR's code (its models, migrations and
pages) with this checkout's seeding. Needs PostgreSQL at TEST_DATABASE_URL (default the local `test`
database) and Redis at REDIS_URL (default redis://127.0.0.1:6379/0).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
PAGES = ("home", "exporters", "one exporter", "runs", "one run", "companies", "google accounts")


def _factories() -> ModuleType:
    """This checkout's tests/factories.py, whichever checkout's store it seeds (loaded by path)."""
    spec = importlib.util.spec_from_file_location("bench_factories", ROOT / "tests" / "factories.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def measure(companies: int, exporters: int, runs: int, repeat: int) -> dict[str, dict[str, float]]:
    """Seed, then time every page `repeat` times (after one warm-up request each)."""
    from sqlalchemy import event, text
    from sqlmodel import col, select

    from store import db
    from store.models import Membership, Run
    from store.settings import Settings, configure
    from tests import infra
    from web import create_app

    base = infra.postgres_url()
    if base is None:
        raise SystemExit("no PostgreSQL reachable: set TEST_DATABASE_URL")
    with infra.postgres_schema(base) as url:
        db.upgrade(url)
        settings = Settings(
            secret_key="bench",
            database_url=url,
            redis_url=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        )
        configure(settings)
        db.dispose_engines()
        client = create_app({"SETTINGS": settings, "TESTING": True, "WTF_CSRF_ENABLED": False}).test_client()
        client.post(
            "/signup", data={"name": "Ada", "email": "ada@example.com", "password": "correct horse battery"}
        )
        started = time.perf_counter()
        with db.session_scope() as session:
            workspace_id = session.exec(select(Membership.workspace_id)).one()
            seeded = _factories().dashboard(session, workspace_id, companies, exporters, runs, days=120.0)
        with db.session_scope() as session:
            session.execute(text("ANALYZE"))
            newest = seeded.exporter_ids[-1]
            run_id = session.exec(
                select(Run.id).where(Run.exporter_id == newest).order_by(col(Run.id).desc())
            ).first()
        print(f"seeded in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        urls = dict(
            zip(
                PAGES,
                (
                    "/",
                    "/exporters/",
                    f"/exporters/{newest}",
                    "/runs/",
                    f"/runs/{run_id}",
                    "/companies/",
                    "/google/",
                ),
                strict=True,
            )
        )
        statements: list[str] = []
        event.listen(db.get_engine(), "before_cursor_execute", lambda *args: statements.append(args[2]))
        results = {}
        for name, url in urls.items():
            assert client.get(url).status_code == 200, url
            times, cpu = [], []
            for _ in range(repeat):
                statements.clear()
                start, start_cpu = time.perf_counter(), time.process_time()
                response = client.get(url)
                times.append((time.perf_counter() - start) * 1000)
                cpu.append((time.process_time() - start_cpu) * 1000)
                assert response.status_code == 200, url
            quantiles = (
                statistics.quantiles(times, n=20, method="inclusive") if len(times) > 1 else times * 19
            )
            results[name] = {
                "p50_ms": statistics.median(times),
                "p95_ms": quantiles[18],
                "cpu_p50_ms": statistics.median(cpu),
                "statements": len(statements),
                "kb": len(response.data) / 1024,
            }
            print(f"{name}: {results[name]}", file=sys.stderr)
        configure(None)
        db.dispose_engines()
    return results


def table(results: dict[str, dict[str, float]], label: str) -> str:
    lines = [
        f"| page ({label}) | p50 ms | p95 ms | CPU p50 ms | SQL statements | HTML KB |",
        "|---|---|---|---|---|---|",
    ]
    for name, row in results.items():
        p50, p95, cpu, statements, kb = (
            row[k] for k in ("p50_ms", "p95_ms", "cpu_p50_ms", "statements", "kb")
        )
        lines.append(f"| {name} | {p50:.1f} | {p95:.1f} | {cpu:.1f} | {statements:.0f} | {kb:.0f} |")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return "\n".join(lines) + f"\n\n(load average at the end: {load} on {os.cpu_count()} cores)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=100)
    parser.add_argument("--exporters", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--before", help="a checkout whose code to measure instead (in a child process)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON (the child's answer)")
    args = parser.parse_args()
    if args.before:
        # run as a script from the other checkout: its code comes first on the path, this file's seeding
        argv = [sys.executable, str(Path(__file__).resolve()), "--json"]
        argv += ["--companies", str(args.companies), "--exporters", str(args.exporters)]
        argv += ["--runs", str(args.runs), "--repeat", str(args.repeat)]
        before = Path(args.before).resolve()
        env = {**os.environ, "PYTHONPATH": str(before)}
        child = subprocess.run(argv, env=env, cwd=before, capture_output=True, text=True, check=False)
        sys.stderr.write(child.stderr)
        if child.returncode:
            raise SystemExit(child.returncode)
        print(table(json.loads(child.stdout), f"code of {args.before}"))
        return
    results = measure(args.companies, args.exporters, args.runs, args.repeat)
    print(json.dumps(results) if args.json else table(results, "this checkout"))


if __name__ == "__main__":
    main()
