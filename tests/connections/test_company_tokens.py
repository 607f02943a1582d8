"""A company's QBO tokens over time against the emulator: rotation, expiry, revocation, 8 processes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from redis import Redis
from sqlmodel import select

from connections.clients import qbo_client_for
from connections.companies import disconnect, save_connection
from connections.company_tokens import CompanyTokenStore
from connections.health import keep_alive, token_health
from qbo.errors import QboUnavailable, ReconnectRequired
from qbo.oauth import TRANSIENT_TRIES, IntuitOAuth
from store import redis_keys
from store.db import session_scope
from store.models import Company, CompanyStatus, Exporter, ExporterCompany
from tests import factories
from tests.qbo.fixtures import emulator_admin, own_qbo_emulator  # noqa: F401 - fixtures of this module
from tests.qbo.hammer import hammer_at_once
from tests.qbo.intuit import Admin, EmulatorClock, connect

DAY = 86400.0


@pytest.fixture
def redis(redis_url) -> Redis:
    return Redis.from_url(redis_url)


@pytest.fixture
def clock() -> EmulatorClock:
    """Our clock, moved together with the emulator's by tests that advance it."""
    return EmulatorClock()


@pytest.fixture
def company(database_url, settings, admin, clock) -> Company:
    """A company connected through the consent page, with one exporter reading it."""
    realm = admin.company("Tokens & Sons", invoices=5)
    tokens = connect(settings, realm, clock)
    with session_scope() as session:
        workspace = factories.workspace(session)
        row, _ = save_connection(session, workspace.id, None, realm, tokens, "Tokens & Sons", clock())
        exporter = factories.exporter(session, workspace.id)
        session.add(ExporterCompany(exporter_id=exporter.id, company_id=row.id))
    return row


def advance(admin: Admin, clock: EmulatorClock, seconds: float) -> None:
    """Move Intuit's clock and ours together."""
    admin.advance(seconds)
    clock.offset += seconds


def reload(company: Company) -> Company:
    with session_scope() as session:
        return session.get(Company, company.id)


def assert_needs_reconnect_with_exporters_paused(company: Company) -> None:
    row = reload(company)
    assert row.status == CompanyStatus.NEEDS_RECONNECT and "invalid_grant" in row.status_reason
    with session_scope() as session:
        exporters = session.exec(select(Exporter)).all()
        assert exporters and all(not e.enabled and "reconnected" in e.paused_reason for e in exporters)


def test_a_revoked_grant_marks_the_company_and_pauses_its_exporters(company, admin, redis):
    client = qbo_client_for(company, redis, max_wait_seconds=0)
    client.company_info()
    admin.revoke_grant(company.realm_id)

    with pytest.raises(ReconnectRequired):
        client.company_info()

    assert_needs_reconnect_with_exporters_paused(company)
    with pytest.raises(ReconnectRequired):
        qbo_client_for(reload(company), redis)


def test_disconnect_revokes_at_intuit_and_reconnecting_restores_the_company(company, admin, redis, settings):
    old = CompanyTokenStore(company.id).load().refresh_token
    with session_scope() as session:
        warning = disconnect(session, session.get(Company, company.id))

    assert warning is None
    assert all(grant["revoked"] for grant in admin.grants(company.realm_id))
    with pytest.raises(ReconnectRequired):
        IntuitOAuth(settings).refresh(old)
    with session_scope() as session:
        exporters = session.exec(select(Exporter)).all()
    assert all(not e.enabled and "disconnected" in e.paused_reason for e in exporters)

    tokens = connect(settings, company.realm_id)
    with session_scope() as session:
        again, created = save_connection(
            session, company.workspace_id, None, company.realm_id, tokens, "Tokens & Sons"
        )
    assert not created and again.id == company.id
    with session_scope() as session:
        assert all(e.enabled and not e.paused_reason for e in session.exec(select(Exporter)))
    assert qbo_client_for(reload(company), redis).company_info()["CompanyName"] == "Tokens & Sons"


def test_after_a_day_the_rotated_refresh_token_is_saved_and_the_old_one_dies_a_day_later(
    company, admin, redis, clock, settings
):
    old = CompanyTokenStore(company.id).load().refresh_token
    advance(admin, clock, 25 * 3600)

    client = qbo_client_for(company, redis, clock, max_wait_seconds=0)
    assert client.company_info()["CompanyName"] == "Tokens & Sons"

    row = reload(company)
    new = CompanyTokenStore(company.id).load().refresh_token
    assert new != old
    assert abs(row.refresh_token_issued_at - clock()) < timedelta(minutes=1)
    assert row.last_api_success_at is not None

    advance(admin, clock, 25 * 3600)
    with pytest.raises(ReconnectRequired):
        IntuitOAuth(settings).refresh(old)
    assert qbo_client_for(reload(company), redis, clock).company_info()["CompanyName"] == "Tokens & Sons"
    assert reload(company).status == CompanyStatus.CONNECTED


def test_a_company_idle_past_the_rolling_window_needs_reconnecting(company, admin, redis, clock):
    advance(admin, clock, 102 * DAY)

    with pytest.raises(ReconnectRequired):
        qbo_client_for(company, redis, clock, max_wait_seconds=0).company_info()

    row = reload(company)
    assert row.status == CompanyStatus.NEEDS_RECONNECT
    with session_scope() as session:
        assert all(not e.enabled for e in session.exec(select(Exporter)).all())


def test_keep_alive_refreshes_an_idle_company_once_its_token_is_a_month_old(company, admin, redis, clock):
    old = CompanyTokenStore(company.id).load().refresh_token
    advance(admin, clock, 10 * DAY)
    assert keep_alive(company.id, redis, clock=clock) is False

    advance(admin, clock, 25 * DAY)
    assert keep_alive(company.id, redis, clock=clock) is True
    assert keep_alive(company.id, redis, clock=clock) is False

    assert CompanyTokenStore(company.id).load().refresh_token != old
    advance(admin, clock, 80 * DAY)  # 115 days after connecting: alive thanks to keep-alive
    assert qbo_client_for(reload(company), redis, clock).company_info()["CompanyName"] == "Tokens & Sons"


PROCESSES = 8
ROUNDS = 25


def test_eight_processes_refreshing_at_once_never_use_a_superseded_refresh_token(
    company, admin, redis, clock, settings
):
    advance(admin, clock, 25 * 3600)  # access token expired, refresh token due for rotation
    refreshes = hammer_at_once(settings, company.id, clock.offset, PROCESSES, ROUNDS)
    assert 1 <= refreshes <= PROCESSES * ROUNDS // 2
    assert admin.bad_refresh_attempts(company.realm_id) == 0

    advance(admin, clock, 25 * 3600)  # every superseded refresh token is now dead
    assert qbo_client_for(reload(company), redis, clock).company_info()["CompanyName"] == "Tokens & Sons"
    assert admin.bad_refresh_attempts(company.realm_id) == 0
    assert reload(company).status == CompanyStatus.CONNECTED


def test_a_failing_token_endpoint_shows_refresh_failing_and_asks_intuit_once_a_minute(
    company, admin, redis, clock
):
    advance(admin, clock, 2 * 3600)  # the access token has expired: the next call must refresh
    admin.fault(503, count=1000, kind="token", realm=company.realm_id)
    asked = admin.token_requests()

    for _ in range(5):  # five runs, one after the other, while Intuit's token endpoint is down
        with pytest.raises(QboUnavailable):
            qbo_client_for(reload(company), redis, clock, max_wait_seconds=0).company_info()

    assert admin.token_requests() - asked == TRANSIENT_TRIES  # the first run's bounded tries, no more
    row = reload(company)
    assert row.status == CompanyStatus.REFRESH_FAILING and "503" in row.status_reason
    assert token_health(row)["level"] == "ok"  # the grant itself is fine
    with session_scope() as session:
        assert all(e.enabled and not e.paused_reason for e in session.exec(select(Exporter)))

    admin.clear_faults()
    assert keep_alive(company.id, redis, clock=clock) is False  # still within the minute: Intuit not asked
    assert admin.token_requests() - asked == TRANSIENT_TRIES
    redis.delete(
        redis_keys.qbo_refresh_backoff(redis_keys.qbo_token_lock(company.id))
    )  # the minute has passed
    assert keep_alive(company.id, redis, clock=clock) is True  # an idle company recovers by itself
    row = reload(company)
    assert (row.status, row.status_reason) == (CompanyStatus.CONNECTED, "")
    assert qbo_client_for(row, redis, clock).company_info()["CompanyName"] == "Tokens & Sons"


def test_while_refreshing_fails_a_still_valid_access_token_keeps_working(company, admin, redis, clock):
    advance(admin, clock, 3600 - 120)  # two minutes left: inside the proactive-refresh margin
    admin.fault(503, count=1000, kind="token", realm=company.realm_id)

    client = qbo_client_for(reload(company), redis, clock, max_wait_seconds=0)

    assert client.company_info()["CompanyName"] == "Tokens & Sons"
    assert reload(company).status == CompanyStatus.REFRESH_FAILING
