"""Every message a failed run shows says what happened and what to do, and never an internal address, a
class name or "the team has been notified" (nobody is). The exceptions are the real ones our parts raise
when what they talk to is unreachable, plus the unexpected kinds a bug would raise."""

from __future__ import annotations

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry
from rq.timeouts import JobTimeoutException
from sqlalchemy import create_engine
from sqlalchemy.exc import OperationalError

from exporters.columns import Column
from exporters.failures import describe
from exporters.run_record import record_failure
from exporters.sources.base import CompanyFailed
from qbo.client import QboClient
from qbo.errors import QboUnavailable, ReconnectRequired
from sheets import client as sheets_client
from sheets.errors import DestinationMissing, SheetsUnavailable
from sheets.retry import RetryPolicy
from sheets.writer import SheetWriter
from store import db, states
from store.models import Run
from store.settings import configure
from tests import factories, infra
from tests.messages import problems
from tests.qbo.intuit import Admin
from web.errors import MESSAGES

COLUMNS = [Column("id", "Number", "text")]
UNREACHABLE = f"http://127.0.0.1:{infra.free_port()}"


def redis_refused() -> redis.ConnectionError:
    client = redis.Redis.from_url(UNREACHABLE.replace("http", "redis"), retry=Retry(NoBackoff(), 0))
    with pytest.raises(redis.ConnectionError) as caught:
        client.ping()
    return caught.value


def database_refused() -> OperationalError:
    engine = create_engine(f"postgresql+psycopg://nobody@127.0.0.1:{infra.free_port()}/x")
    with pytest.raises(OperationalError) as caught:
        engine.connect()
    return caught.value


def quickbooks_unreachable(settings, make_qbo_client) -> CompanyFailed:
    made = make_qbo_client(Admin(settings.qbo_api_base).company("Acme Landscaping"))
    client = QboClient(made.realm_id, made.tokens, settings.with_overrides(qbo_api_base=UNREACHABLE), tries=1)
    with pytest.raises(QboUnavailable) as caught:
        client.company_info()
    return CompanyFailed("Acme Landscaping", caught.value)


def sheets_unreachable(settings, mode: str) -> SheetsUnavailable:
    unreachable = settings.with_overrides(google_api_base=UNREACHABLE)
    client = sheets_client.make_client(None, unreachable, policy=RetryPolicy(tries=1))
    writer = SheetWriter(client, "some-spreadsheet", "Invoices")
    with pytest.raises(SheetsUnavailable) as caught:
        if mode == "append":
            writer.append(COLUMNS, [("1",)])
        elif mode == "upsert":
            writer.upsert(COLUMNS, ["id"], [("1",)])
        else:
            writer.replace(COLUMNS, [("1",)])
    return caught.value


@pytest.fixture
def failures(settings, make_client) -> list[BaseException]:
    return [
        redis_refused(),
        redis.TimeoutError("Timeout reading from 10.0.0.7:6379"),
        database_refused(),
        quickbooks_unreachable(settings, make_client),
        *(sheets_unreachable(settings, mode) for mode in ("replace", "append", "upsert")),
        SheetsUnavailable("HTTP 503", may_have_applied=True, mode="append"),
        CompanyFailed("Acme Landscaping", ReconnectRequired("invalid_grant")),
        DestinationMissing("sheet-1", 404),
        JobTimeoutException("Task exceeded maximum timeout value (10800 seconds)"),
        RuntimeError("socket to 10.1.2.3:8080 closed"),
        KeyError("Line"),
        ZeroDivisionError("division by zero"),
    ]


def failed_run_error(exc: BaseException) -> str:
    """The error a run shows after failing on `exc`, recorded as the export run records it."""
    with db.session_scope() as session:
        workspace = factories.workspace(session)
        exporter = factories.exporter(session, workspace.id)
        run = Run(exporter_id=exporter.id, workspace_id=workspace.id)
        session.add(run)
        session.flush()
        assert states.claim_run(session, run.id)
    record_failure(run.id, describe(exc, "analyst@example.com"))
    with db.session_scope() as session:
        return session.get(Run, run.id).error


def test_no_run_failure_message_shows_an_address_a_class_name_or_a_false_promise(failures):
    for exc in failures:
        message = failed_run_error(exc)
        assert problems(message) == [], message
        assert type(exc).__name__ not in message, message


def test_lost_redis_and_database_are_retried_and_a_bug_is_not(failures):
    retried = {type(exc).__name__ for exc in failures if describe(exc).retry}
    assert retried == {"ConnectionError", "TimeoutError", "OperationalError"}


def test_a_run_out_of_time_names_its_time_limit_in_words(settings):
    # Outside a worker's job the limit is the setting's (in a job: its own, tests/workers/...processes.py).
    said = {}
    for seconds in (3 * 60 * 60, 90 * 60, 61):
        configure(settings.with_overrides(run_timeout_seconds=seconds))
        said[seconds] = describe(JobTimeoutException(f"Task exceeded ({seconds} seconds)")).message
    configure(settings)
    assert "the limit of 3 hours for one run" in said[3 * 60 * 60]
    assert "the limit of 90 minutes for one run" in said[90 * 60]
    assert "the limit of 61 seconds for one run" in said[61]


def test_google_failing_is_said_for_the_write_mode_that_was_running(settings):
    said = {
        mode: describe(sheets_unreachable(settings, mode)).message for mode in ("replace", "append", "upsert")
    }
    assert "while replacing the tab's rows" in said["replace"] and "previous run's rows" in said["replace"]
    assert "while appending this run's rows" in said["append"] and "upsert" not in said["append"]
    assert "while updating the tab's rows in place" in said["upsert"] and "append" not in said["upsert"]


def test_error_pages_show_no_internals():
    for _title, message in MESSAGES.values():
        assert [p for p in problems(message) if p != "nothing to do"] == [], message
