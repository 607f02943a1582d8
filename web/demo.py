"""`make demo`: the web app, a worker, the tick and both emulators in one terminal, stopped by Ctrl-C."""

from __future__ import annotations

import argparse
import logging
import os
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import IO

import redis

from store.settings import INSTANCE_DIR, Settings

log = logging.getLogger("sheetbooks.demo")
DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "sheetbooks-demo"


def _secret(instance: Path) -> str:
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]  # (host, port) for an AF_INET socket
        return port


def _wait_for_redis(url: str, deadline_seconds: float = 10.0) -> None:
    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + deadline_seconds
    while True:
        try:
            client.ping()
            return
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


@contextmanager
def demo_redis(instance: Path) -> Iterator[str]:
    """REDIS_URL, else a private redis-server, else fakeredis's TCP server; the log says which."""
    if os.environ.get("REDIS_URL"):
        log.info("Redis: REDIS_URL (%s)", os.environ["REDIS_URL"])
        yield os.environ["REDIS_URL"]
        return
    port = _free_port()
    url = f"redis://127.0.0.1:{port}/0"
    binary = shutil.which("redis-server")
    if binary:
        log.info("Redis: private redis-server on port %s", port)
        args = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(instance)]
        # Its own session: Ctrl-C reaches the supervisor, which stops Redis last, after its clients.
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, start_new_session=True)
        try:
            _wait_for_redis(url)
            yield url
        finally:
            proc.terminate()
            proc.wait(timeout=10)
        return
    from fakeredis import TcpFakeServer

    log.info("Redis: no redis-server installed; embedded fakeredis TCP server on port %s", port)
    server = TcpFakeServer(("127.0.0.1", port), server_type="redis")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        _wait_for_redis(url)
        yield url
    finally:
        server.shutdown()


def demo_settings(args: argparse.Namespace, instance: Path, redis_url: str) -> Settings:
    """Settings of every demo process: SQLite under instance/, the emulators' endpoints."""
    base = Settings.from_env()
    return base.with_overrides(
        secret_key=_secret(instance),
        redis_url=redis_url,
        public_url=f"http://127.0.0.1:{args.port}",
        demo_mode=True,
        qbo_webhook_verifier=base.qbo_webhook_verifier or "sheetbooks-verifier",
    ).pointed_at_emulators(f"http://127.0.0.1:{args.qbo_port}", f"http://127.0.0.1:{args.google_port}")


def _pump(name: str, stream: IO[str]) -> None:
    for line in iter(stream.readline, ""):
        sys.stdout.write(f"{name:>7} | {line}")
        sys.stdout.flush()


def _start(name: str, argv: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
    )
    threading.Thread(target=_pump, args=(name, proc.stdout), daemon=True).start()
    return proc


def _stop_all(procs: dict[str, subprocess.Popen[str]]) -> None:
    for proc in procs.values():
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    for name, proc in procs.items():
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            log.warning("%s did not stop in time; killing it", name)
            os.killpg(proc.pid, signal.SIGKILL)


def _seed_demo_login(settings: Settings) -> None:
    from store.db import upgrade
    from store.settings import configure
    from web.demo_seed import ensure_demo_user

    configure(settings)
    upgrade()
    ensure_demo_user(DEMO_EMAIL, DEMO_PASSWORD)


ADDON_USERS = ("analyst@example.com", DEMO_EMAIL)  # whoever the demo's Google consent page signs in


def _wait_for_http(url: str, deadline_seconds: float = 30.0) -> None:
    import requests

    deadline = time.monotonic() + deadline_seconds
    while True:
        try:
            requests.get(url, timeout=2)
            return
        except requests.RequestException:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def register_demo_addon(settings: Settings, google_url: str) -> Settings:
    """Create and install the add-on's deployment in the Google emulator (as gcloud would), and configure the
    backend from its get-authorization answer: the viewer then shows Sheetbooks in its side panel."""
    import requests

    from web.addon.register import register_deployment

    _wait_for_http(f"{google_url}/oauth2/v1/certs")
    authorization = None
    for email in ADDON_USERS:
        token = requests.post(
            f"{google_url}/_emulator/tokens",
            json={"email": email, "scopes": ["https://www.googleapis.com/auth/cloud-platform"]},
            timeout=30,
        ).json()["access_token"]
        authorization = register_deployment(settings, "sheetbooks-emulator", "sheetbooks-demo", token)
    assert authorization is not None  # ADDON_USERS is not empty
    log.info("add-on deployment installed for %s", ", ".join(ADDON_USERS))
    return authorization.settings_of(settings)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def run_demo(args: argparse.Namespace) -> None:
    """Start all demo processes, print where to go, and stop everything cleanly on Ctrl-C."""
    # Ctrl-C and a plain `kill` both stop everything, even when started from a shell that ignores SIGINT.
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    instance = INSTANCE_DIR.resolve()
    instance.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        redis_url = stack.enter_context(demo_redis(instance))
        settings = demo_settings(args, instance, redis_url)
        _seed_demo_login(settings)
        env = {**os.environ, **settings.as_environment(), "PYTHONUNBUFFERED": "1"}
        cli = [sys.executable, "-m", "web.cli"]
        google_url = f"http://127.0.0.1:{args.google_port}"
        procs = {
            "google": _start(
                "google",
                [
                    *cli,
                    "emulate",
                    "google",
                    "--port",
                    str(args.google_port),
                    "--db",
                    str(instance / "google-emulator.db"),
                ],
                env,
            ),
        }
        try:
            settings = register_demo_addon(settings, google_url)
        except Exception:
            _stop_all(procs)
            raise
        env = {**os.environ, **settings.as_environment(), "PYTHONUNBUFFERED": "1"}
        procs |= {
            "qbo": _start(
                "qbo",
                [
                    *cli,
                    "emulate",
                    "qbo",
                    "--port",
                    str(args.qbo_port),
                    "--db",
                    str(instance / "qbo-emulator.db"),
                    "--seed-invoices",
                    str(args.invoices),
                    "--webhook-url",
                    f"{settings.public_url}/webhooks/intuit",
                ],
                env,
            ),
            "web": _start("web", [*cli, "web", "--port", str(args.port)], env),
            "worker": _start("worker", [*cli, "worker"], env),
            "tick": _start("tick", [*cli, "tick", "--loop"], env),
        }
        print(
            f"\n  Sheetbooks demo\n"
            f"    dashboard        {settings.public_url}   (log in as {DEMO_EMAIL} / {DEMO_PASSWORD})\n"
            f"    QuickBooks emu   http://127.0.0.1:{args.qbo_port}\n"
            f"    Google emu       {google_url}   (spreadsheet viewer; Sheetbooks add-on in its side panel)\n"
            f"    database         {settings.database_url}\n"
            f"  Ctrl-C stops everything.\n",
            flush=True,
        )
        try:
            while all(proc.poll() is None for proc in procs.values()):
                time.sleep(0.5)
            dead = [name for name, proc in procs.items() if proc.poll() is not None]
            log.error("%s stopped; stopping the demo", ", ".join(dead))
        except KeyboardInterrupt:
            print("\nstopping ...", flush=True)
        finally:
            _stop_all(procs)
