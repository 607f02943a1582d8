"""The chaos suite (issue 12): real forked workers, a real tick, the emulators injecting 429/5xx and latency,
SIGKILLs of work-horses and of a worker with its horse, a Redis restart and a flush, a revoked Google grant,
a deleted tab, QuickBooks edits, an analyst pressing Run now and a reader polling every tab.

It asserts what an analyst relies on: every valid exporter ends equal to QuickBooks; no read ever saw a
partial or mixed tab; no run is stuck after the faults stop; no definition is lost; every failure is on the
run it happened to and says what to do. It prints the figures the README's Reliability section quotes.
`make test` runs the short profile; `make chaos` the long one (tests/chaos/profiles.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from emulators.google import create_app as google_app
from emulators.qbo import create_app as qbo_app
from emulators.serving import RunningServer, serve_in_thread
from tests.chaos.harness import Chaos, cause_of
from tests.chaos.profiles import chosen
from tests.conftest import installed, make_settings
from tests.infra import RedisServer, running_redis
from tests.messages import problems

PROFILE = chosen()
pytestmark = [pytest.mark.chaos, pytest.mark.timeout(3600 if PROFILE.name == "long" else 300)]


def _serve(app) -> Iterator[RunningServer]:
    server = serve_in_thread(app)
    server.server.app.config["BASE_URL"] = server.url
    yield server
    server.stop()


@pytest.fixture
def qbo() -> Iterator[RunningServer]:
    yield from _serve(qbo_app({}))


@pytest.fixture
def google() -> Iterator[RunningServer]:
    yield from _serve(google_app({"QUOTA_READ_PER_MINUTE": 10**6, "QUOTA_WRITE_PER_MINUTE": 10**6}))


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    with running_redis() as server:
        yield server


@pytest.fixture
def store_url(request, postgres_base_url) -> str:
    """PostgreSQL when there is one (workers in several processes), else SQLite."""
    return request.getfixturevalue("postgres_url" if postgres_base_url else "sqlite_url")


@pytest.fixture
def chaos(store_url, redis_server, qbo, google, tmp_path) -> Iterator[Chaos]:
    p = PROFILE
    settings = make_settings(store_url, redis_server.url, qbo.url, google.url).with_overrides(
        run_heartbeat_timeout_seconds=p.heartbeat_timeout,
        run_grace_seconds=p.grace,
        run_retry_delay_seconds=p.retry_delay,
        qbo_max_wait_seconds=p.qbo_max_wait,
    )
    with installed(settings):
        chaos = Chaos(p, settings, qbo.url, google.url, redis_server, tmp_path)
        try:
            yield chaos
        finally:
            chaos.stop()


def test_exporters_survive_worker_deaths_redis_loss_and_faulty_apis(chaos: Chaos):
    chaos.build()
    definitions = chaos.definitions()
    chaos.start()

    chaos.shake()
    recovered_in = chaos.recover()
    differences = chaos.final_pass()
    chaos.stop()

    figures = chaos.figures(recovered_in)
    print("\nchaos figures:", json.dumps(figures, indent=2))
    assert figures["runs"] > len(chaos.targets)
    assert chaos.log.reads["complete"] > 0 and chaos.log.bad_reads == []
    assert differences == {t.spec.name: [] for t in chaos.targets if t.spec.role != "revoked"}
    assert chaos.definitions() == definitions

    revoked = chaos.exporter_of("revoked")
    assert revoked.state == "paused_google" and "needs reconnecting" in revoked.paused_reason
    for run in chaos.runs():
        assert run.status in ("succeeded", "failed", "skipped", "cancelled"), f"run #{run.id} {run.status}"
        if run.status != "failed":
            continue
        cause = cause_of(run.error)
        assert problems(run.error) == [], f"run #{run.id}: {run.error}"
        assert cause not in ("other", "unexpected", "database_lost"), f"run #{run.id}: {run.error}"
        if cause == "worker_died":
            assert run.id in chaos.log.killed_runs, f"run #{run.id} was running at no kill: {run.error}"
        if cause == "google_reconnect":
            assert run.exporter_id == revoked.id, f"run #{run.id}: {run.error}"
        if cause == "redis_lost":
            assert any(run.queued_at <= up and run.finished_at >= down for down, up in chaos.log.redis_down)
        if cause.startswith(("qbo_", "google_")) and cause != "google_reconnect":
            assert run.started_at <= chaos.log.last_fault, f"run #{run.id} failed after the faults stopped"
