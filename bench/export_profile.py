"""Where a full export's own CPU goes: one run of an invoices exporter profiled in this process.

The run is what a work-horse executes (`exporters.export_run.run_export`), against the emulators in their
own processes with the same injected latency as `bench.export_run`. Every thread of the run (the writer,
the QBO reader of `exporters.prefetch`, the heartbeat) gets a cProfile of its own timed by that thread's
CPU clock, so waiting on the network costs nothing and the GIL's turns are not counted twice; the
profiles are merged. Prints the CPU seconds per thread and the top functions by own time.

    .venv/bin/python -m bench.export_profile --invoices 10000,100000
    .venv/bin/python -m bench.export_profile --invoices 10000 --code /work/main   # another checkout's code
    .venv/bin/python -m bench.export_profile --invoices 100000 --timeline   # each request timed instead

`--code` puts that checkout first on sys.path before anything of the product is imported (the emulators
and the test helpers that set the company up stay this checkout's). `--dump DIR` also writes each run's
merged profile (pstats format).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import logging
import os
import pstats
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


class ThreadProfiles:
    """A cProfile, timed by its thread's CPU clock, for the calling thread and every thread started."""

    def __init__(self) -> None:
        self.profiles: list[tuple[str, cProfile.Profile]] = []
        self._original: Callable[[threading.Thread], None] | None = None

    def new(self, name: str) -> cProfile.Profile:
        profile = cProfile.Profile(time.thread_time)
        self.profiles.append((name, profile))
        return profile

    def __enter__(self) -> ThreadProfiles:
        self._original = original = threading.Thread.run

        def run(thread: threading.Thread) -> None:
            profile = self.new(thread.name.rstrip("0123456789").rstrip("-"))
            profile.enable()
            try:
                original(thread)
            finally:
                profile.disable()

        threading.Thread.run = run  # type: ignore[method-assign]
        self.main = self.new("main")
        self.main.enable()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.main.disable()
        assert self._original is not None
        threading.Thread.run = self._original  # type: ignore[method-assign]

    def cpu_by_thread(self) -> Counter[str]:
        out: Counter[str] = Counter()
        for name, profile in self.profiles:
            out[name] += pstats.Stats(profile).total_tt
        return out

    def merged(self) -> pstats.Stats:
        stats = pstats.Stats(self.profiles[0][1])
        for _name, profile in self.profiles[1:]:
            stats.add(profile)
        return stats


def top(stats: pstats.Stats, count: int) -> str:
    """The `count` functions with the most own time, as pstats prints them."""
    out = io.StringIO()
    stats.stream = out  # type: ignore[attr-defined]
    stats.sort_stats("tottime").print_stats(count)
    text = out.getvalue()
    return text[text.index("   ncalls") :]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--invoices", default="10000")
    parser.add_argument("--code", type=Path, help="another checkout's product code to profile (e.g. main)")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--dump", type=Path, help="write each run's merged profile here")
    parser.add_argument("--timeline", action="store_true", help="time each request instead of profiling")
    args = parser.parse_args()
    if args.code is not None:
        import tests  # noqa: F401  # the bench's own test helpers (World, Admin) stay this checkout's

        sys.path.insert(0, str(args.code.resolve()))
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    os.environ.setdefault("OAUTHLIB_INSECURE_TRANSPORT", "1")

    from bench.export_run import Bench
    from bench.request_timeline import RequestTimeline
    from exporters.export_run import run_export
    from store.models import RunStatus
    from workers.collector import fewer_collections

    # as workers.jobs runs a run; another checkout's job code runs as it is (the editable install would find
    # this checkout's module for it)
    code = args.code or ROOT
    collecting = fewer_collections if (code / "workers" / "collector.py").exists() else nullcontext

    with tempfile.TemporaryDirectory() as workdir:
        bench = Bench(workdir, qbo_latency_ms=100, google_latency_ms=150)
        try:
            for n in [int(x) for x in args.invoices.split(",") if x]:
                company_id = bench.world.company(f"Profile {n}", invoices=n)
                exporter_id = bench.world.exporter([company_id], tab=f"Profiled {n}")
                run_id = bench.queue_run(exporter_id)
                bench.latency(True)
                started = time.perf_counter()
                watching = RequestTimeline() if args.timeline else ThreadProfiles()
                with watching, collecting():
                    run_export(run_id)
                wall = time.perf_counter() - started
                bench.latency(False)
                run = bench.finished(run_id)
                assert run.status == RunStatus.SUCCEEDED and run.rows == n, run.error
                if isinstance(watching, RequestTimeline):
                    print(f"\n## {n:,} invoices ({args.code or 'this checkout'}): wall {wall:.1f} s")
                    print(watching.report(), flush=True)
                    continue
                profiles = watching
                cpu = profiles.cpu_by_thread()
                threads = ", ".join(f"{name} {s:.2f}" for name, s in cpu.most_common())
                print(f"\n## {n:,} invoices ({args.code or 'this checkout'}): wall {wall:.1f} s, ", end="")
                print(f"CPU {sum(cpu.values()):.2f} s in the run's threads ({threads})\n")
                stats = profiles.merged()
                print(top(stats, args.top), flush=True)
                if args.dump is not None:
                    args.dump.mkdir(parents=True, exist_ok=True)
                    stats.dump_stats(args.dump / f"export-{n}.prof")
        finally:
            bench.stop()


if __name__ == "__main__":
    main()
