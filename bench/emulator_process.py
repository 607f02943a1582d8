"""An emulator in a process of its own, as Intuit and Google are other machines to a worker.

    .venv/bin/python -m bench.emulator_process qbo|google

The same app `sheetbooks emulate qbo|google` serves (in memory, nothing seeded), on a free loopback port:
the first line of stdout is its URL. Wrapped in `Usage`, which counts the API requests reaching it and their
bodies' bytes, and answers `GET /_bench/usage` (those counts and the process's CPU seconds) and
`POST /_bench/usage/reset` (the counts; CPU seconds only grow). `EmulatorProcess` starts one from a bench.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from werkzeug.serving import make_server

from emulators.serving import fewer_collections

ROOT = Path(__file__).resolve().parent.parent
API_PREFIXES = ("/v4/", "/drive/", "/v3/company/")  # Sheets, Drive; QBO's Accounting API
USAGE_PATH = "/_bench/usage"


def cpu_seconds() -> float:
    """User + system CPU seconds of this process (every thread) so far."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


class Usage:
    """WSGI middleware counting API requests, their body bytes and the seconds the app took to answer them
    (injected latency included), and answering the usage endpoint."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app, self.bytes, self.calls, self.service_s = app, 0, 0, 0.0
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path.startswith(USAGE_PATH):
            if environ["REQUEST_METHOD"] == "POST":
                with self._lock:
                    self.bytes = self.calls = 0
                    self.service_s = 0.0
            usage = {
                "cpu_s": cpu_seconds(),
                "calls": self.calls,
                "bytes": self.bytes,
                "service_s": self.service_s,
            }
            body = json.dumps(usage).encode()
            start_response("200 OK", [("Content-Type", "application/json")])
            return [body]
        if not path.startswith(API_PREFIXES):
            return self.app(environ, start_response)
        started = time.perf_counter()
        answer = self.app(environ, start_response)
        with self._lock:
            self.bytes += int(environ.get("CONTENT_LENGTH") or 0)
            self.calls += 1
            self.service_s += time.perf_counter() - started
        return answer


def serve(kind: str) -> None:
    """Serve the emulator of `kind` on a free port until killed; print its URL first."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    if kind == "qbo":
        from emulators.qbo import create_app as qbo_app
        from emulators.qbo.api.schema import learn

        app = qbo_app({})
        learn()  # a real service is warm: its schema is not learned inside a measured call
    else:
        from emulators.google import create_app as google_app

        app = google_app({})
    fewer_collections()  # as `sheetbooks emulate` does
    server = make_server("127.0.0.1", 0, Usage(app), threaded=True)
    url = f"http://127.0.0.1:{server.port}"
    app.config["BASE_URL"] = url  # QBO's OAuth pages and links name it
    print(url, flush=True)
    threading.Thread(target=_exit_with_parent, daemon=True).start()
    server.serve_forever()


def _exit_with_parent() -> None:
    """End the process when the bench that started it ends (its end of our stdin closes), however it ends."""
    sys.stdin.read()
    os._exit(0)


@dataclass
class Sample:
    """What an emulator process reported at one moment."""

    cpu_s: float
    calls: int
    bytes: int
    service_s: float  # the app's own time answering them (injected latency included)


class EmulatorProcess:
    """A `bench.emulator_process` child: its URL, its usage, and stopping it."""

    def __init__(self, kind: str, env: dict[str, str] | None = None) -> None:
        self.kind = kind
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.emulator_process", kind],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,  # closed when the bench ends: the emulator ends with it
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        self.url = self.process.stdout.readline().strip()
        if not self.url:
            raise RuntimeError(f"the {kind} emulator did not start (exit {self.process.poll()})")

    def usage(self, reset: bool = False) -> Sample:
        method = "POST" if reset else "GET"
        got = requests.request(method, f"{self.url}{USAGE_PATH}{'/reset' if reset else ''}", timeout=30)
        return Sample(**got.json())

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("kind", choices=["qbo", "google"])
    serve(parser.parse_args().kind)


if __name__ == "__main__":
    main()
