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


@contextmanager
def private_redis_server() -> Iterator[str]:
    """A redis-server of our own on a free port (nobody else's keys in it), stopped afterwards."""
    binary = shutil.which("redis-server")
    if not binary:
        raise RuntimeError("no Redis: set REDIS_URL, run one on 127.0.0.1:6379, or install redis-server")
    port = free_port()
    workdir = tempfile.mkdtemp(prefix="sheetbooks-redis-")
    proc = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            workdir,
        ],
        stdout=subprocess.DEVNULL,
    )
    try:
        client = redis.Redis(port=port)
        for _ in range(200):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                proc.poll()
                if proc.returncode is not None:
                    raise RuntimeError("redis-server exited at start") from None
                time.sleep(0.02)
        yield f"redis://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


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
