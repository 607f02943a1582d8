"""The production web server (gunicorn with the repository's config) never logs an OAuth `code`."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_the_access_log_has_callback_paths_without_their_query_strings(store_settings, tmp_path) -> None:
    port = _free_port()
    env = {**os.environ, **store_settings.as_environment(), "PORT": str(port), "WEB_CONCURRENCY": "1"}
    log = tmp_path / "gunicorn.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "web:create_app()"],
            cwd=ROOT,
            env={**env, "PYTHONPATH": str(ROOT)},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(f"{base}/healthz", timeout=10)  # the first request imports the app
                break
            except requests.RequestException:
                assert time.monotonic() < deadline and server.poll() is None, log.read_text()
                time.sleep(0.1)
        for path in ("/google/callback", "/companies/callback"):
            requests.get(f"{base}{path}?code=SECRET-CODE-123&state=s&realmId=1", timeout=30)
        deadline = time.monotonic() + 10
        while log.read_text().count("/callback") < 2:  # gunicorn writes the line after the response
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
    finally:
        server.terminate()
        server.wait(timeout=30)
    text = log.read_text()
    assert '"GET /google/callback HTTP/1.1"' in text and '"GET /companies/callback HTTP/1.1"' in text
    assert "SECRET-CODE-123" not in text and "state=" not in text
