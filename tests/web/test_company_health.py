"""What the Companies page tells an analyst about each connection over months: age, expiry, warnings,
refresh failing, needs reconnect, keep-alive. This module moves Intuit's clock, so it has its own emulator."""

from __future__ import annotations

from datetime import timedelta

import pytest
from redis import Redis
from sqlmodel import Session, select

from connections.clients import qbo_client_for
from connections.company_tokens import CompanyTokenStore, token_manager_for
from qbo.errors import QboUnavailable, ReconnectRequired
from store.db import get_engine
from store.models import Company, CompanyStatus, Exporter, ExporterCompany
from tests.qbo.fixtures import emulator_admin, own_qbo_emulator  # noqa: F401 - fixtures of this module
from tests.qbo.intuit import Admin
from tests.web.browser import Browser
from tests.web.oauth import connect_quickbooks
from workers.maintenance import keep_companies_alive

DAY = 86400


@pytest.fixture
def connected(user: Browser, admin: Admin) -> Company:
    """A company connected through the dashboard, with one exporter reading it."""
    realm = admin.company("Health Co")
    connect_quickbooks(user, realm)
    with Session(get_engine(), expire_on_commit=False) as session:
        company = session.exec(select(Company).where(Company.realm_id == realm)).one()
        exporter = Exporter(workspace_id=company.workspace_id, name="Health invoices", source="invoices")
        session.add(exporter)
        session.flush()
        session.add(ExporterCompany(exporter_id=exporter.id, company_id=company.id))
        session.commit()
        return company


def reload(company: Company) -> Company:
    with Session(get_engine(), expire_on_commit=False) as session:
        return session.get(Company, company.id)


def exporter_state() -> tuple[bool, str]:
    with Session(get_engine()) as session:
        exporter = session.exec(select(Exporter)).one()
        return exporter.enabled, exporter.paused_reason


def refresh_now(company: Company, redis_url: str) -> None:
    """What any worker does when the access token is due: refresh under the company's lock."""
    manager = token_manager_for(CompanyTokenStore(company.id), Redis.from_url(redis_url))
    manager.refresh_when(lambda _tokens: True)


def test_the_page_shows_who_connected_when_and_a_healthy_grant(user: Browser, connected: Company) -> None:
    page = user.get("/companies/")
    assert page.has("Health Co") and page.has(f"Realm ID {connected.realm_id}") and page.has("sandbox")
    assert page.has(f"by {user.email}")
    assert page.has("The connection to Health Co is healthy")
    assert page.has("Refresh token age: 0.0 days")
    assert page.has("Hard expiry (reconnect by)") and not page.has("Hard expiry (reconnect by): —")


def test_an_idle_company_warns_before_the_rolling_window_and_keep_alive_clears_it(
    user: Browser, connected: Company, admin: Admin
) -> None:
    # 90 idle days: Intuit's clock moves; our stored dates are moved back by as much.
    admin.advance(90 * DAY)
    with Session(get_engine()) as session:
        row = session.get(Company, connected.id)
        for column in ("refresh_token_issued_at", "refresh_expires_at", "connected_at"):
            setattr(row, column, getattr(row, column) - timedelta(days=90))
        session.add(row)
        session.commit()

    page = user.get("/companies/")
    assert page.has("warning") and page.has("The connection to Health Co expires in 10 days")
    assert page.has("Refresh token age: 90.0 days")
    assert user.get("/").has("The connection to Health Co expires in 10 days")  # the overview says so too

    assert keep_companies_alive() == [connected.id]

    page = user.get("/companies/")
    assert page.has("The connection to Health Co is healthy") and page.has("Refresh token age: 0.0 days")
    assert not page.has("expires in") and not user.get("/").has("expires in")


def test_the_five_year_hard_cap_warns_then_needs_reconnect(
    user: Browser, connected: Company, admin: Admin, redis_url: str
) -> None:
    for _ in range(20):  # five years of keep-alive refreshes every 90 days
        admin.advance(90 * DAY)
        refresh_now(connected, redis_url)
    admin.advance(15 * DAY)  # 1815 days: the hard cap is 10 days away
    refresh_now(connected, redis_url)

    row = reload(connected)
    assert row.refresh_hard_expires_at - row.refresh_expires_at < timedelta(minutes=1)
    page = user.get("/companies/")
    assert page.has("The connection to Health Co expires in 9 days: reconnect it before then")

    admin.advance(11 * DAY)  # past the cap: Intuit refuses the grant
    with pytest.raises(ReconnectRequired):
        refresh_now(connected, redis_url)
    page = user.get("/companies/")
    assert page.has("needs reconnect") and page.has("invalid_grant")
    paused = "Paused: the QuickBooks company Health Co needs to be reconnected"
    enabled, reason = exporter_state()
    assert not enabled and reason.startswith(paused) and "Reconnect it under Companies" in reason
    assert user.get("/exporters/").has(paused)

    connect_quickbooks(user, connected.realm_id)
    assert exporter_state() == (True, "")
    assert reload(connected).status == CompanyStatus.CONNECTED


def test_a_token_endpoint_outage_shows_refresh_failing_and_keeps_the_exporters(
    user: Browser, connected: Company, admin: Admin, redis_url: str
) -> None:
    admin.advance(2 * 3600)  # Intuit expired the access token; the next call gets a 401 and refreshes
    admin.fault(503, count=100, kind="token", realm=connected.realm_id)

    with pytest.raises(QboUnavailable):
        qbo_client_for(reload(connected), Redis.from_url(redis_url), max_wait_seconds=0).company_info()

    page = user.get("/companies/")
    assert page.has("refresh failing") and page.has("Sheetbooks keeps trying")
    assert page.has("HTTP 503")
    assert exporter_state() == (True, "")
    assert user.get("/").has("Health Co")  # listed among what needs attention
