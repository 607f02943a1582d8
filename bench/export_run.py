"""A full export of N invoices through a real worker, side by side with the naive script, with latency.

Both emulators run in this process with injected latency on every API request (their admin fault APIs:
100 ms QBO, 150 ms Google). For each N, in one run:

- ours: an invoices exporter (replace mode) run by `sheetbooks worker --burst` in a process of its own;
- naive: `bench.naive_export` (python-quickbooks at its defaults + gspread clear()/update()).

Reported: QBO calls vs ceil(N/1000), bytes of request bodies sent to Google (counted by a WSGI wrapper
around the Google emulator) vs the naive script's, wall time, and the peak RSS of each process tree.
`--overhead` adds a one-invoice run's cost through a waiting worker (this checkout, and `--before`'s).

    .venv/bin/python -m bench.export_run --invoices 10000,100000
    .venv/bin/python -m bench.export_run --invoices '' --overhead --before /work/main

Needs Redis at REDIS_URL (default redis://127.0.0.1:6379/0); the store is a SQLite file in a temp dir.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from emulators.google import create_app as google_app
from emulators.qbo import create_app as qbo_app
from emulators.serving import serve_in_thread
from store import db
from store.models import Run, RunStatus
from store.settings import Settings, configure
from tests.exporters.test_pipeline import World
from tests.qbo.intuit import Admin, EmulatorClock
from workers.enqueue import submit

ROOT = Path(__file__).resolve().parent.parent
PEAK_RSS = (  # runs argv, then prints the peak RSS (KiB) of its process tree on stderr's last line
    "import resource, subprocess, sys; code = subprocess.call(sys.argv[1:]); "
    "print('PEAK_RSS_KB', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); "
    "sys.exit(code)"
)


class BodyBytes:
    """WSGI middleware counting the request bodies (bytes) and API requests that reach the Google emulator."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app, self.bytes, self.calls = app, 0, 0
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO", "").startswith(("/v4/", "/drive/")):
            with self._lock:
                self.bytes += int(environ.get("CONTENT_LENGTH") or 0)
                self.calls += 1
        return self.app(environ, start_response)

    def reset(self) -> None:
        with self._lock:
            self.bytes = self.calls = 0


@dataclass
class Measured:
    qbo_calls: int
    google_calls: int
    google_bytes: int
    wall_s: float
    peak_rss_mb: float
    rows: int
    run_s: float | None = None  # ours: the run's own duration (started → finished, in the store)


def timed_process(argv: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """(wall seconds, peak RSS MB of the process tree, stdout) of a child process."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", PEAK_RSS, sys.executable, *argv],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    if done.returncode:
        raise RuntimeError(f"{argv} failed:\n{done.stderr[-3000:]}")
    peak = next(ln for ln in reversed(done.stderr.splitlines()) if ln.startswith("PEAK_RSS_KB"))
    return wall, int(peak.split()[1]) / 1024, done.stdout


class Bench:
    def __init__(self, workdir: str, qbo_latency_ms: int, google_latency_ms: int) -> None:
        self.qbo = serve_in_thread(qbo_app({}))
        self.qbo.server.app.config["BASE_URL"] = self.qbo.url
        app = google_app({})
        self.counter = BodyBytes(app.wsgi_app)
        app.wsgi_app = self.counter  # type: ignore[method-assign]
        self.google = serve_in_thread(app)
        self.qbo_latency_ms, self.google_latency_ms = qbo_latency_ms, google_latency_ms
        url = f"sqlite:///{workdir}/bench.db"
        self.settings = Settings(
            secret_key="bench",
            database_url=url,
            redis_url=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
            queue_name=f"bench-{uuid.uuid4().hex[:8]}",
        ).pointed_at_emulators(self.qbo.url, self.google.url)
        configure(self.settings)
        db.upgrade(url)
        self.admin = Admin(self.qbo.url)
        self.world = World(self.settings, self.admin, EmulatorClock())
        self.env = {**os.environ, **self.settings.as_environment(), "PYTHONPATH": str(ROOT)}

    def latency(self, on: bool) -> None:
        if not on:
            self.admin.clear_faults()
            requests.delete(f"{self.google.url}/_emulator/faults", timeout=30)
            return
        self.admin.call("POST", "faults", json={"kind": "any", "latency_ms": self.qbo_latency_ms})
        body = {"route": "any", "latency_ms": self.google_latency_ms}
        requests.post(f"{self.google.url}/_emulator/faults", json=body, timeout=30)

    def queue_run(self, exporter_id: int) -> int:
        with db.session_scope() as session:
            run = Run(exporter_id=exporter_id, workspace_id=self.world.workspace_id)
            session.add(run)
            session.flush()
            run_id = run.id
        assert run_id is not None
        submit(run_id)
        return run_id

    def finished(self, run_id: int) -> Run:
        with db.session_scope() as session:
            run = session.get(Run, run_id)
            assert run is not None
            return run

    def ours(self, company_id: int, n: int) -> Measured:
        exporter_id = self.world.exporter([company_id], tab=f"Ours {n}", name=f"Invoices {n}")
        self.latency(True)
        self.counter.reset()
        run_id = self.queue_run(exporter_id)
        wall, peak, _out = timed_process(["-m", "web.cli", "worker", "--burst"], self.env)
        self.latency(False)
        run = self.finished(run_id)
        if run.status != RunStatus.SUCCEEDED:
            raise RuntimeError(f"our run failed: {run.error}")
        took = run.duration_seconds
        return Measured(run.qbo_calls, self.counter.calls, self.counter.bytes, wall, peak, run.rows, took)

    def naive(self, realm: str, n: int) -> Measured:
        from tests.qbo.intuit import connect

        tokens = connect(self.settings, realm)
        google = requests.post(
            f"{self.google.url}/_emulator/tokens", json={"email": self.world_email()}, timeout=30
        ).json()
        env = self.env | {
            "QBO_ACCESS_TOKEN": tokens.access_token,
            "GOOGLE_ACCESS_TOKEN": google["access_token"],
            "QBO_CLIENT_ID": self.settings.qbo_client_id,
            "QBO_CLIENT_SECRET": self.settings.qbo_client_secret,
        }
        self.latency(True)
        self.counter.reset()
        argv = ["-m", "bench.naive_export", self.qbo.url, self.google.url, realm]
        wall, peak, out = timed_process([*argv, self.world.spreadsheet.id, f"Naive {n}"], env)
        self.latency(False)
        result = json.loads(out.strip().splitlines()[-1])
        calls, rows = result["qbo_calls"], result["rows"]
        return Measured(calls, self.counter.calls, self.counter.bytes, wall, peak, rows)

    def world_email(self) -> str:
        """The Google identity the world's account writes as (the naive script writes as the same user)."""
        from store.models import GoogleAccount

        with db.session_scope() as session:
            account = session.get(GoogleAccount, self.world.account_id)
            assert account is not None
            return account.email

    def overhead(self, checkout: Path, runs: int = 3) -> list[tuple[float, float]]:
        """(due → running s, due → finished s) of one-invoice runs through a waiting worker of `checkout`."""
        company_id = self.world.company(f"One {uuid.uuid4().hex[:4]}", invoices=1)
        exporter_id = self.world.exporter([company_id], tab=f"One {checkout.name}", name="One invoice")
        env = self.env | {"PYTHONPATH": str(checkout)}
        worker = subprocess.Popen(
            [sys.executable, "-m", "web.cli", "worker"], env=env, cwd=checkout, stderr=subprocess.DEVNULL
        )
        out = []
        try:
            for _ in range(runs + 1):  # the first warms the worker's own connections
                run_id = self.queue_run(exporter_id)
                queued = self.finished(run_id).queued_at
                deadline = time.monotonic() + 120
                while (run := self.finished(run_id)).status not in (RunStatus.SUCCEEDED, RunStatus.FAILED):
                    if time.monotonic() > deadline:
                        raise RuntimeError("the one-invoice run did not finish in 2 minutes")
                    time.sleep(0.05)
                if run.status != RunStatus.SUCCEEDED:
                    raise RuntimeError(run.error)
                assert run.started_at and run.finished_at
                out.append(
                    ((run.started_at - queued).total_seconds(), (run.finished_at - queued).total_seconds())
                )
        finally:
            worker.terminate()
            worker.wait(timeout=30)
        return out[1:]


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}" if b else "–"


def main() -> None:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--invoices", default="10000")
    parser.add_argument("--qbo-latency-ms", type=int, default=100)
    parser.add_argument("--google-latency-ms", type=int, default=150)
    parser.add_argument("--overhead", action="store_true", help="one-invoice runs through a waiting worker")
    parser.add_argument("--before", type=Path, help="another checkout to measure the overhead of (e.g. main)")
    args = parser.parse_args()
    os.environ.setdefault("OAUTHLIB_INSECURE_TRANSPORT", "1")
    with tempfile.TemporaryDirectory() as workdir:
        bench = Bench(workdir, args.qbo_latency_ms, args.google_latency_ms)
        sizes = [int(x) for x in args.invoices.split(",") if x]
        if sizes:
            print(
                "| invoices | who | QBO calls | / ceil(N/1000) | Google calls | Google MB | bytes / naive "
                "| wall s | wall / naive | wall / (calls × latency) | run s | run / (calls × latency) "
                "| peak RSS MB |"
            )
            print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        for n in sizes:
            company_id = bench.world.company(f"Bench {n}", invoices=n)
            realm = bench.world.realms[company_id]
            ours, naive = bench.ours(company_id, n), bench.naive(realm, n)
            assert ours.rows == naive.rows == n, (ours.rows, naive.rows)
            bound = math.ceil(n / 1000)
            for who, m in (("Sheetbooks", ours), ("naive", naive)):
                run_s = f"{m.run_s:.1f}" if m.run_s is not None else "–"
                budget = (m.qbo_calls * args.qbo_latency_ms + m.google_calls * args.google_latency_ms) / 1000
                print(
                    f"| {n:,} | {who} | {m.qbo_calls} | {ratio(m.qbo_calls, bound)} | {m.google_calls} "
                    f"| {m.google_bytes / 1e6:.1f} | {ratio(m.google_bytes, naive.google_bytes)} "
                    f"| {m.wall_s:.1f} | {ratio(m.wall_s, naive.wall_s)} | {ratio(m.wall_s, budget)} "
                    f"| {run_s} | {ratio(m.run_s or 0, budget) if m.run_s else '–'} | {m.peak_rss_mb:.0f} |",
                    flush=True,
                )
        if args.overhead:
            bench.latency(False)
            print("\n| worker of | due → running s (each run) | due → finished s (each run) |")
            print("|---|---|---|")
            for checkout in [p for p in (args.before, ROOT) if p is not None]:
                got = bench.overhead(checkout)
                starts = ", ".join(f"{s:.2f}" for s, _f in got)
                ends = ", ".join(f"{f:.2f}" for _s, f in got)
                print(f"| {checkout} | {starts} | {ends} |", flush=True)


if __name__ == "__main__":
    main()
