"""Real Redis and PostgreSQL for the suite: find them, or start/skip them as `make test` allows."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
import redis

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"


def _port_open(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def redis_server() -> Iterator[str]:
    """REDIS_URL, else 127.0.0.1:6379 if it answers, else a private redis-server on a free port."""
    url = os.environ.get("REDIS_URL")
    if url:
        yield url
        return
    if _port_open("127.0.0.1", 6379) and redis.Redis.from_url("redis://127.0.0.1:6379").ping():
        yield "redis://127.0.0.1:6379"
        return
    with private_redis_server() as private:
        yield private


class RedisServer:
    """A redis-server of our own on a fixed free port that a test can stop and start again (a restart loses
    every key: no persistence, like a Redis whose memory was lost)."""

    def __init__(self, port: int | None = None) -> None:
        binary = shutil.which("redis-server")
        if not binary:
            raise RuntimeError("no Redis: set REDIS_URL, run one on 127.0.0.1:6379, or install redis-server")
        self.binary, self.port = binary, port or free_port()
        self.workdir = tempfile.mkdtemp(prefix="sheetbooks-redis-")
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def start(self) -> None:
        args = ["--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.proc = subprocess.Popen([self.binary, *args, "--dir", self.workdir], stdout=subprocess.DEVNULL)
        client = redis.Redis(port=self.port)
        for _ in range(500):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if self.proc.poll() is not None:
                    raise RuntimeError("redis-server exited at start") from None
                time.sleep(0.02)
        raise RuntimeError("redis-server did not answer")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
            self.proc = None


@contextmanager
def private_redis_server() -> Iterator[str]:
    """A redis-server of our own on a free port (nobody else's keys in it), stopped afterwards."""
    with running_redis() as server:
        yield server.url


def own_redis_url() -> Iterator[str]:
    """For a test module's `redis_url` fixture: a redis-server of its own (no other test's keys, and no other
    test's FLUSHDB); the module is skipped without the binary, and fails on CI, which has one."""
    import pytest

    if shutil.which("redis-server") is None:
        if os.environ.get("CI"):
            pytest.fail("no redis-server binary: CI must have one (scripts/services.sh)")
        pytest.skip("no redis-server binary to start a Redis of this test's own")
    with private_redis_server() as url:
        yield url


@contextmanager
def running_redis() -> Iterator[RedisServer]:
    """A RedisServer started, stopped afterwards (a test may stop and start it in between)."""
    server = RedisServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def process_children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (Linux /proc)."""
    children = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            children.append(int(entry))
    return children


def postgres_url() -> str | None:
    """TEST_DATABASE_URL, else the local test database when it answers; None when there is none."""
    url = os.environ.get("TEST_DATABASE_URL", DEFAULT_PG)
    try:
        with psycopg.connect(url, connect_timeout=2) as conn:
            conn.execute("select 1")
    except psycopg.Error:
        if os.environ.get("TEST_DATABASE_URL") or os.environ.get("CI"):
            raise
        return None
    return url


Statement = tuple[str, Any, bool]  # SQL, its parameters, executemany


@contextmanager
def postgres_schema(base_url: str, setup: Sequence[Statement] = ()) -> Iterator[str]:
    """A private schema in the test database (concurrent runs don't collide), dropped afterwards.

    `setup` statements run in it first, in one transaction (see tests/templates.py)."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base_url) as conn, conn.cursor() as cursor:
        cursor.execute(f'create schema "{schema}"')
        cursor.execute(f'set local search_path to "{schema}"')
        for statement, parameters, many in setup:
            if many:
                cursor.executemany(statement, parameters)
            else:
                cursor.execute(statement, parameters)
    sa_url = base_url.replace("postgresql://", "postgresql+psycopg://", 1)
    sep = "&" if "?" in sa_url else "?"
    try:
        yield f"{sa_url}{sep}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(base_url, autocommit=True) as conn:
            conn.execute(f'drop schema "{schema}" cascade')
