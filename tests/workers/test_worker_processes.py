"""`sheetbooks worker` as production runs it: real forked processes, SIGKILLs, a Redis restart, in both
modes (jobs in the worker process, the default, and `--fork`, a work-horse per job) where a guarantee holds
for both.

On main a 20-second Redis restart made every worker exit ("unhandled exception, quitting") and a run
killed with its work-horse stayed "running" until the reaper noticed, then waited for its next schedule.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator

import pytest
from sqlmodel import select

from emulators.google import create_app as google_app
from emulators.qbo import create_app as qbo_app
from emulators.serving import RunningServer, serve_in_thread
from exporters.failures import what_to_do
from store import db
from store.models import Exporter, Run, RunStatus
from store.settings import configure
from tests.conftest import installed, make_settings
from tests.exporters.test_pipeline import World
from tests.infra import RedisServer, running_redis
from tests.qbo.intuit import Admin, EmulatorClock
from tests.workers.fleet import WorkerFleet, eventually
from workers.enqueue import submit
from workers.queue import get_queue
from workers.tick import tick

INVOICES = 30
REDIS_OUTAGE_SECONDS = 20  # the restart the issue reproduced
BOTH_MODES = pytest.mark.parametrize("fleet", ["fork", "no-fork"], indirect=True)


def _serve(app) -> Iterator[RunningServer]:
    server = serve_in_thread(app)
    server.server.app.config["BASE_URL"] = server.url
    yield server
    server.stop()


@pytest.fixture(scope="module")
def qbo() -> Iterator[RunningServer]:
    """The module's own emulators: the tests slow them down, which no other test may feel."""
    yield from _serve(qbo_app({}))


@pytest.fixture(scope="module")
def google() -> Iterator[RunningServer]:
    yield from _serve(google_app({"QUOTA_READ_PER_MINUTE": 10**6, "QUOTA_WRITE_PER_MINUTE": 10**6}))


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    with running_redis() as server:
        yield server


@pytest.fixture
def admin(qbo) -> Iterator[Admin]:
    admin = Admin(qbo.url)
    admin.clear_faults()
    yield admin
    admin.clear_faults()


@pytest.fixture
def world(sqlite_url, redis_server, qbo, google, admin) -> Iterator[World]:
    settings = make_settings(sqlite_url, redis_server.url, qbo.url, google.url).with_overrides(
        run_retry_delay_seconds=1.0
    )
    with installed(settings):
        yield World(settings, admin, EmulatorClock())


@pytest.fixture
def fleet(request, world, tmp_path) -> Iterator[WorkerFleet]:
    """One worker process, running jobs itself unless the test is parametrized with "fork" (a work-horse per
    job)."""
    fork = getattr(request, "param", "no-fork") == "fork"
    fleet = WorkerFleet(world.settings, tmp_path / "worker.log", fork=fork)
    yield fleet
    fleet.stop()


def queue_run(world: World, exporter_id: int) -> int:
    with db.session_scope() as session:
        run = Run(exporter_id=exporter_id, workspace_id=world.workspace_id)
        session.add(run)
    submit(run.id)
    return run.id


def load(run_id: int) -> Run:
    with db.session_scope() as session:
        return session.get(Run, run_id)


def ended(run_id: int) -> Run | None:
    run = load(run_id)
    return run if run.status in (RunStatus.SUCCEEDED, RunStatus.FAILED) else None


def running_in(fleet: WorkerFleet, run_id: int) -> list[int]:
    """The process running the run (its work-horse, or its --no-fork worker process) once it runs."""
    return fleet.running_jobs() if load(run_id).status == RunStatus.RUNNING else []


def failed_and_retried(run_id: int, cause: str) -> Run:
    """The run failed saying its worker stopped and why, with a queued retry: the retry."""
    first = eventually(lambda: ended(run_id), 60, "the run to be failed")
    with db.session_scope() as session:
        retry = session.exec(select(Run).where(Run.retry_of_id == run_id)).one()
    assert first.status == RunStatus.FAILED
    assert first.error == (
        f"The worker running this export stopped before it finished ({cause}). "
        f"Retried automatically as run #{retry.id}."
    )
    assert (retry.status, retry.trigger, retry.exporter_id) == (
        RunStatus.QUEUED,
        first.trigger,
        first.exporter_id,
    )
    return retry


@BOTH_MODES
def test_a_run_killed_with_its_process_fails_saying_so_and_its_retry_succeeds(world, fleet, admin):
    exporter_id = world.exporter([world.company("Acme Landscaping", INVOICES)])
    admin.slow(5000, kind="query")  # the first attempt reads slowly: it is killed mid-run
    fleet.start()
    workers = fleet.workers()
    run_id = queue_run(world, exporter_id)
    [process] = eventually(lambda: running_in(fleet, run_id), 60, "the run to be running")

    fleet.kill(process)

    # Failed at once, by the worker (a horse) or the supervisor (--no-fork): no tick, no reaper yet.
    retry = failed_and_retried(
        run_id, "its process was killed (SIGKILL: out of memory, a deploy, or an operator)"
    )
    admin.clear_faults()
    # The tick submits the retry once its wait is over; a worker runs it.
    retried = eventually(lambda: tick() and ended(retry.id), 60, "the retry to run", every=0.5)
    assert retried.status == RunStatus.SUCCEEDED, retried.error
    assert retried.rows == INVOICES and len(world.values("Invoices")) == 1 + INVOICES
    if not fleet.fork:  # the supervisor started a new worker process in its place
        assert len(fleet.workers()) == 1 and fleet.workers() != workers
    else:
        assert fleet.workers() == workers  # the worker outlived its work-horse


@BOTH_MODES
def test_a_cold_shutdown_mid_run_fails_the_run_saying_so_and_retries_it(world, fleet, admin):
    exporter_id = world.exporter([world.company("Acme Landscaping", INVOICES)])
    admin.slow(5000, kind="query")
    fleet.start()
    run_id = queue_run(world, exporter_id)
    eventually(lambda: running_in(fleet, run_id), 60, "the run to be running")

    fleet.proc.send_signal(signal.SIGTERM)  # warm: finish the run, then stop
    time.sleep(1.5)  # RQ takes a second signal within a second of the first for a duplicate
    fleet.proc.send_signal(signal.SIGTERM)  # cold: stop now

    failed_and_retried(run_id, "the worker was shut down before it finished")
    assert fleet.proc.wait(timeout=30) == 0


@BOTH_MODES
def test_a_redis_restart_mid_run_neither_stops_the_worker_nor_fails_the_run(
    world, fleet, admin, redis_server
):
    exporter_id = world.exporter([world.company("Acme Landscaping", INVOICES)])
    admin.slow(3000, kind="query")
    fleet.start()
    workers = fleet.workers()
    run_id = queue_run(world, exporter_id)
    eventually(lambda: running_in(fleet, run_id), 60, "the run to be running")

    redis_server.stop()
    time.sleep(REDIS_OUTAGE_SECONDS)  # the fault itself: Redis is away this long
    redis_server.start()  # empty: a restart without persistence loses every job and lock

    run = eventually(lambda: ended(run_id), 120, "the run to end")
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert len(world.values("Invoices")) == 1 + INVOICES
    assert fleet.proc.poll() is None and fleet.workers() == workers  # no worker process exited

    admin.clear_faults()
    again = queue_run(world, exporter_id)  # the same worker takes new work from the new Redis
    assert eventually(lambda: ended(again), 60, "a run after the restart").status == RunStatus.SUCCEEDED


def test_the_supervisor_restarts_a_killed_worker_process_and_stops_on_sigterm(world, tmp_path):
    fleet = WorkerFleet(world.settings, tmp_path / "worker.log", processes=2).start()
    try:
        first, second = fleet.workers()
        fleet.kill(first)

        def replaced() -> list[int]:
            now = fleet.workers()
            return now if len(now) == 2 and first not in now else []

        restarted = eventually(replaced, 30, "a new worker process")
        assert second in restarted
        assert "ended with signal SIGKILL; starting it again in" in fleet.log()
        exporter_id = world.exporter([world.company("Acme Landscaping", INVOICES)])
        run_id = queue_run(world, exporter_id)
        assert eventually(lambda: ended(run_id), 60, "a run").status == RunStatus.SUCCEEDED
    finally:
        code = fleet.stop()
    assert code == 0  # the first SIGTERM was enough: warm shutdown of both workers


@BOTH_MODES
def test_a_run_stopped_at_its_time_limit_says_so_and_what_to_do_and_the_worker_goes_on(world, fleet, admin):
    exporter_id = world.exporter([world.company("Acme Landscaping", INVOICES)])
    admin.slow(4000, kind="query")  # the read outlasts the run's 1-second limit
    fleet.start()
    workers = fleet.workers()
    configure(world.settings.with_overrides(run_timeout_seconds=1))  # queued with a 1-second limit
    try:
        run_id = queue_run(world, exporter_id)
    finally:
        configure(world.settings)

    timed_out = eventually(lambda: ended(run_id), 60, "the run to be stopped")

    assert (timed_out.status, timed_out.progress) == (RunStatus.FAILED, "Failed")
    # it ended at its limit, not when the QBO request under way came back 4 s after it was sent
    assert timed_out.duration_seconds is not None and timed_out.duration_seconds < 4
    assert timed_out.error == (  # as its page and the API show it
        "The run ran longer than the limit of 1 second for one run, so it was stopped before finishing. "
        "Make it read less per run: narrow the exporter's filters, columns or date range, or split it into "
        "several exporters; or ask whoever runs your Sheetbooks to raise the limit (RUN_TIMEOUT_SECONDS). "
        "It was not retried: it would most likely run out of time again."
    )
    with db.session_scope() as session:
        exporter = session.get(Exporter, exporter_id)
        assert what_to_do(timed_out, exporter) == (
            "Make the exporter read less per run (filters, columns, date range) in its editor, then trigger "
            "a run; or ask whoever runs your Sheetbooks to raise RUN_TIMEOUT_SECONDS."
        )
        assert exporter.failure_streak == 1  # the export's own failure: counted, not retried
        assert session.exec(select(Run).where(Run.retry_of_id == run_id)).first() is None
    assert "run stopped at its time limit: Task exceeded maximum timeout value (1 seconds)" in fleet.log()
    admin.clear_faults()
    again = queue_run(world, exporter_id)
    assert eventually(lambda: ended(again), 60, "the next run").status == RunStatus.SUCCEEDED
    assert fleet.workers() == workers  # the same worker process took the next run


def test_the_supervisor_kills_a_no_fork_worker_whose_job_ignores_its_time_limit(world, tmp_path):
    settings = world.settings.with_overrides(job_overrun_seconds=1.0)
    fleet = WorkerFleet(settings, tmp_path / "worker.log").start()
    try:
        [worker] = fleet.workers()
        get_queue().enqueue("tests.workers.fleet.deaf_to_the_alarm", 60, job_timeout=1)

        restarted = eventually(
            lambda: [p for p in fleet.workers() if p != worker], 60, "a new worker process"
        )

        assert len(restarted) == 1
        assert "past its job's time limit; killing it" in fleet.log()
        exporter_id = world.exporter([world.company("Acme Landscaping", INVOICES)])
        run_id = queue_run(world, exporter_id)
        assert eventually(lambda: ended(run_id), 60, "a run").status == RunStatus.SUCCEEDED
    finally:
        fleet.stop()


@pytest.mark.parametrize(
    "limit, why",
    [
        ({"worker_max_jobs": 1}, "it has run 1 jobs (WORKER_MAX_JOBS=1)"),
        ({"worker_max_jobs": 0, "worker_max_memory_mb": 1}, "its resident memory is"),  # any process's RSS
    ],
    ids=["job limit", "memory limit"],
)
def test_a_worker_process_past_its_limit_retires_and_a_fresh_one_takes_the_next_run(
    world, tmp_path, limit, why
):
    fleet = WorkerFleet(world.settings.with_overrides(**limit), tmp_path / "worker.log").start()
    try:
        [first] = fleet.workers()
        exporter_id = world.exporter([world.company("Acme Landscaping", INVOICES)])
        run_id = queue_run(world, exporter_id)
        assert eventually(lambda: ended(run_id), 60, "a run").status == RunStatus.SUCCEEDED
        [second] = eventually(lambda: [p for p in fleet.workers() if p != first], 30, "a fresh process")

        again = queue_run(world, exporter_id)
        assert eventually(lambda: ended(again), 60, "the next run").status == RunStatus.SUCCEEDED
        eventually(lambda: [p for p in fleet.workers() if p not in (first, second)], 30, "another one")
        log = fleet.log()
        assert log.count(f"retiring, {why}") == 2 and log.count("retired; starting a fresh one") == 2
        assert "starting it again in" not in log  # neither a crash nor a backoff
    finally:
        code = fleet.stop()
    assert code == 0


@BOTH_MODES
def test_a_warm_stop_while_redis_is_away_ends_at_once(world, fleet, redis_server):
    fleet.start()
    redis_server.stop()
    time.sleep(1)  # the idle worker has met the outage: its wait for the next job waits for Redis

    fleet.proc.send_signal(signal.SIGTERM)

    # Its patient Redis client used to hold the stop for a minute (unregistering the worker from Redis).
    assert fleet.proc.wait(timeout=20) == 0


def _running_when_redis_stops(world, fleet, admin, redis_server, query_ms: int) -> int:
    """A run under way (its QBO queries slowed by `query_ms`) when Redis stops: its id."""
    exporter_id = world.exporter([world.company("Acme Landscaping", INVOICES)])
    admin.slow(query_ms, kind="query")
    fleet.start()
    run_id = queue_run(world, exporter_id)
    eventually(lambda: running_in(fleet, run_id), 60, "the run to be running")
    redis_server.stop()
    return run_id


@BOTH_MODES
def test_a_cold_stop_mid_run_while_redis_is_away_fails_and_retries_the_run(world, fleet, admin, redis_server):
    run_id = _running_when_redis_stops(world, fleet, admin, redis_server, 5000)

    fleet.proc.send_signal(signal.SIGTERM)  # warm: the run goes on (waiting for Redis)
    time.sleep(1.5)  # RQ takes a second signal within a second of the first for a duplicate
    assert fleet.proc.poll() is None
    fleet.proc.send_signal(signal.SIGTERM)  # cold: stop now

    failed_and_retried(run_id, "the worker was shut down before it finished")
    assert fleet.proc.wait(timeout=20) == 0


@BOTH_MODES
def test_a_warm_stop_mid_run_while_redis_restarts_still_finishes_the_run(world, fleet, admin, redis_server):
    run_id = _running_when_redis_stops(world, fleet, admin, redis_server, 3000)

    fleet.proc.send_signal(signal.SIGTERM)  # warm: the worker stops waiting for Redis, the run does not
    time.sleep(5)
    redis_server.start()

    run = eventually(lambda: ended(run_id), 120, "the run to end")
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert len(world.values("Invoices")) == 1 + INVOICES
    assert fleet.proc.wait(timeout=30) == 0
