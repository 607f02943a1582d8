"""A full export of N invoices through a real worker, side by side with the naive script, with latency.

Each emulator runs in a process of its own (`bench.emulator_process`: real Intuit and Google are other
machines), with injected latency on every API request (their admin fault APIs: 100 ms QBO, 150 ms Google).
For each N, in one run:

- ours: an invoices exporter (replace mode) run by `sheetbooks worker --burst` in a process of its own;
- before (with `--before CHECKOUT`): the same, by that checkout's worker (e.g. /work/main);
- naive: `bench.naive_export` (python-quickbooks at its defaults + gspread clear()/update()).

Reported: QBO calls vs ceil(N/1000), bytes of request bodies reaching the Google emulator vs the naive
script's, wall time, CPU seconds of the measured process tree and of each emulator process during it, and
the peak RSS of the measured tree. The machine has 2 cores: the emulators' CPU competes with the worker's.
`--overhead` adds a one-invoice run's cost through a waiting worker (this checkout, and `--before`'s).

    .venv/bin/python -m bench.export_run --invoices 10000,100000 --before /work/main
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
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import requests

from bench.emulator_process import EmulatorProcess, Sample
from store import db
from store.models import Run, RunStatus
from store.settings import Settings, configure
from tests.exporters.test_pipeline import World
from tests.qbo.intuit import Admin, EmulatorClock
from workers.enqueue import submit

ROOT = Path(__file__).resolve().parent.parent
TREE_USAGE = (  # runs argv, then prints the peak RSS (KiB) and CPU seconds of its process tree on stderr
    "import resource, subprocess, sys; code = subprocess.call(sys.argv[1:]); "
    "u = resource.getrusage(resource.RUSAGE_CHILDREN); "
    "print('TREE_USAGE', u.ru_maxrss, u.ru_utime + u.ru_stime, file=sys.stderr); "
    "sys.exit(code)"
)


@dataclass
class Measured:
    qbo_calls: int
    google_calls: int
    google_bytes: int
    wall_s: float
    peak_rss_mb: float
    rows: int
    cpu_s: float  # the measured process tree (a worker: its forked work-horse included)
    qbo_cpu_s: float  # the QBO emulator's process meanwhile
    google_cpu_s: float  # the Google emulator's
    service_s: float  # the emulators' own time answering its calls, latency included (calls one at a time
    # can't take less)
    run_s: float | None = None  # ours: the run's own duration (started → finished, in the store)


@dataclass
class Tree:
    """What a child process tree took: wall seconds, peak RSS MB, CPU seconds, its stdout."""

    wall_s: float
    peak_rss_mb: float
    cpu_s: float
    stdout: str


def timed_process(argv: list[str], env: dict[str, str], cwd: Path = ROOT) -> Tree:
    """Run a child process (a tree) to its end and say what it took."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", TREE_USAGE, sys.executable, *argv],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    if done.returncode:
        raise RuntimeError(f"{argv} failed:\n{done.stderr[-3000:]}")
    usage = next(ln for ln in reversed(done.stderr.splitlines()) if ln.startswith("TREE_USAGE"))
    _tag, rss_kb, cpu = usage.split()
    return Tree(wall, int(rss_kb) / 1024, float(cpu), done.stdout)


class Bench:
    def __init__(self, workdir: str, qbo_latency_ms: int, google_latency_ms: int) -> None:
        self.qbo, self.google = EmulatorProcess("qbo"), EmulatorProcess("google")
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
        self.admin = Admin(self.qbo.url, timeout=600)
        self.world = World(self.settings, self.admin, EmulatorClock())
        self.env = {**os.environ, **self.settings.as_environment(), "PYTHONPATH": str(ROOT)}

    def stop(self) -> None:
        self.qbo.stop()
        self.google.stop()

    def latency(self, on: bool) -> None:
        if not on:
            self.admin.clear_faults()
            requests.delete(f"{self.google.url}/_emulator/faults", timeout=30)
            return
        self.admin.call("POST", "faults", json={"kind": "any", "latency_ms": self.qbo_latency_ms})
        body = {"route": "any", "latency_ms": self.google_latency_ms}
        requests.post(f"{self.google.url}/_emulator/faults", json=body, timeout=30)

    def measure(self, argv: list[str], env: dict[str, str], cwd: Path = ROOT) -> tuple[Tree, Sample, Sample]:
        """Run a process tree with latency on: what it took, and what each emulator did meanwhile."""
        self.latency(True)
        qbo, google = self.qbo.usage(reset=True), self.google.usage(reset=True)
        tree = timed_process(argv, env, cwd)
        qbo_after, google_after = self.qbo.usage(), self.google.usage()
        self.latency(False)
        qbo_after.cpu_s -= qbo.cpu_s
        google_after.cpu_s -= google.cpu_s
        return tree, qbo_after, google_after

    def idle_worker_cpu(self, checkout: Path = ROOT) -> float:
        """CPU seconds of `sheetbooks worker --burst` of `checkout` with nothing queued: its start-up, which
        the tree CPU of a run includes."""
        env = self.env | {"PYTHONPATH": str(checkout)}
        return timed_process(["-m", "web.cli", "worker", "--burst"], env, checkout).cpu_s

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

    def ours(self, company_id: int, n: int, checkout: Path = ROOT) -> Measured:
        """A run of a new exporter by `sheetbooks worker --burst` of `checkout`'s code."""
        tab = f"Ours {n}" if checkout == ROOT else f"{checkout.name} {n}"
        exporter_id = self.world.exporter([company_id], tab=tab, name=f"Invoices {n} ({checkout.name})")
        run_id = self.queue_run(exporter_id)
        env = self.env | {"PYTHONPATH": str(checkout)}
        tree, qbo, google = self.measure(["-m", "web.cli", "worker", "--burst"], env, checkout)
        run = self.finished(run_id)
        if run.status != RunStatus.SUCCEEDED:
            raise RuntimeError(f"our run failed: {run.error}")
        return Measured(
            run.qbo_calls,
            google.calls,
            google.bytes,
            tree.wall_s,
            tree.peak_rss_mb,
            run.rows,
            tree.cpu_s,
            qbo.cpu_s,
            google.cpu_s,
            qbo.service_s + google.service_s,
            run.duration_seconds,
        )

    def naive(self, realm: str, n: int) -> Measured:
        from tests.qbo.intuit import connect

        tokens = connect(self.settings, realm)
        google_tokens = requests.post(
            f"{self.google.url}/_emulator/tokens", json={"email": self.world_email()}, timeout=30
        ).json()
        env = self.env | {
            "QBO_ACCESS_TOKEN": tokens.access_token,
            "GOOGLE_ACCESS_TOKEN": google_tokens["access_token"],
            "QBO_CLIENT_ID": self.settings.qbo_client_id,
            "QBO_CLIENT_SECRET": self.settings.qbo_client_secret,
        }
        argv = ["-m", "bench.naive_export", self.qbo.url, self.google.url, realm]
        tree, qbo, google = self.measure([*argv, self.world.spreadsheet.id, f"Naive {n}"], env)
        result = json.loads(tree.stdout.strip().splitlines()[-1])
        return Measured(
            result["qbo_calls"],
            google.calls,
            google.bytes,
            tree.wall_s,
            tree.peak_rss_mb,
            result["rows"],
            tree.cpu_s,
            qbo.cpu_s,
            google.cpu_s,
            qbo.service_s + google.service_s,
        )

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


HEADER = (
    "| invoices | who | QBO calls | / ceil(N/1000) | Google calls | Google MB | bytes / naive | wall s "
    "| wall / naive | wall / (calls × latency) | run s | run / (calls × latency) | service s | run / service "
    "| CPU s: tree / QBO emulator / Google emulator | peak RSS MB | load 1 min |"
)


def row(n: int, who: str, m: Measured, naive: Measured, budget_s: float) -> str:
    """One line of the results table (`budget_s`: the run's calls × their latency)."""
    run_s = f"{m.run_s:.1f}" if m.run_s is not None else "–"
    return (
        f"| {n:,} | {who} | {m.qbo_calls} | {ratio(m.qbo_calls, math.ceil(n / 1000))} | {m.google_calls} "
        f"| {m.google_bytes / 1e6:.1f} | {ratio(m.google_bytes, naive.google_bytes)} "
        f"| {m.wall_s:.1f} | {ratio(m.wall_s, naive.wall_s)} | {ratio(m.wall_s, budget_s)} "
        f"| {run_s} | {ratio(m.run_s, budget_s) if m.run_s else '–'} | {m.service_s:.1f} "
        f"| {ratio(m.run_s, m.service_s) if m.run_s else '–'} "
        f"| {m.cpu_s:.1f} / {m.qbo_cpu_s:.1f} / {m.google_cpu_s:.1f} | {m.peak_rss_mb:.0f} "
        f"| {os.getloadavg()[0]:.1f} |"
    )


def main() -> None:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--invoices", default="10000")
    parser.add_argument("--qbo-latency-ms", type=int, default=100)
    parser.add_argument("--google-latency-ms", type=int, default=150)
    parser.add_argument("--overhead", action="store_true", help="one-invoice runs through a waiting worker")
    parser.add_argument("--before", type=Path, help="another checkout's worker to measure too (e.g. main)")
    args = parser.parse_args()
    os.environ.setdefault("OAUTHLIB_INSECURE_TRANSPORT", "1")
    with tempfile.TemporaryDirectory() as workdir:
        bench = Bench(workdir, args.qbo_latency_ms, args.google_latency_ms)
        try:
            sizes = [int(x) for x in args.invoices.split(",") if x]
            if sizes:
                for checkout in [p for p in (args.before, ROOT) if p is not None]:
                    idle = bench.idle_worker_cpu(checkout)
                    print(f"A worker of {checkout} with nothing to do: {idle:.2f} CPU s")
                print(HEADER)
                print("|---" * HEADER.count("|", 1) + "|")
            for n in sizes:
                company_id = bench.world.company(f"Bench {n}", invoices=n)
                runs: list[tuple[str, Measured]] = []
                if args.before is not None:
                    runs.append((f"Sheetbooks ({args.before})", bench.ours(company_id, n, args.before)))
                runs.append(("Sheetbooks", bench.ours(company_id, n)))
                naive = bench.naive(bench.world.realms[company_id], n)
                runs.append(("naive", naive))
                for who, m in runs:
                    assert m.rows == n, (who, m.rows)
                    budget = m.qbo_calls * args.qbo_latency_ms + m.google_calls * args.google_latency_ms
                    print(row(n, who, m, naive, budget / 1000), flush=True)
            if args.overhead:
                print("\n| worker of | due → running s (each run) | due → finished s (each run) |")
                print("|---|---|---|")
                for checkout in [p for p in (args.before, ROOT) if p is not None]:
                    got = bench.overhead(checkout)
                    starts = ", ".join(f"{s:.2f}" for s, _f in got)
                    ends = ", ".join(f"{f:.2f}" for _s, f in got)
                    print(f"| {checkout} | {starts} | {ends} |", flush=True)
        finally:
            bench.stop()


if __name__ == "__main__":
    main()
