"""/api/v1 under test: a workspace with a QuickBooks company and a Google account connected the way a user
connects them, an API token of its owner, and a client that sends it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, select

from store import api_tokens
from store.db import get_engine
from store.models import Company, GoogleAccount, Membership, User
from tests.web.browser import Browser
from tests.web.oauth import connect_google, connect_quickbooks
from web import create_app

WRITER = "writer@example.com"


@pytest.fixture
def api_limit() -> int:
    """Requests a token may make a minute in these tests (a test of the limit lowers it)."""
    return 100_000


@pytest.fixture
def app(settings, api_limit) -> Iterator[Flask]:
    """The whole app (dashboard and API) against both emulators."""
    yield create_app(
        {"SETTINGS": settings.with_overrides(api_requests_per_minute=api_limit), "TESTING": True}
    )


@dataclass
class Workspace:
    """A signed-in user's workspace as the API sees it."""

    browser: Browser
    user_id: int
    workspace_id: int
    company_id: int
    account_id: int
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def token_for(user_id: int, workspace_id: int) -> str:
    with Session(get_engine()) as session:
        _row, token = api_tokens.issue(session, workspace_id, user_id, "tests")
        session.commit()
    return token


def connected(browser: Browser, qbo_url: str, name: str, writer: str) -> Workspace:
    """Sign up, connect a fresh QuickBooks company and a Google account, issue an API token."""
    browser.sign_up(name, f"{name.lower()}-{uuid.uuid4().hex[:6]}@example.com")
    realm = requests.post(f"{qbo_url}/_emulator/companies", json={"name": f"{name} Co"}, timeout=30).json()
    connect_quickbooks(browser, str(realm["realmId"]))
    connect_google(browser, writer, "Allow")
    with Session(get_engine()) as session:
        user = session.exec(select(User).where(User.email == browser.email)).one()
        ws = session.exec(select(Membership).where(Membership.user_id == user.id)).one().workspace_id
        company = session.exec(select(Company).where(Company.workspace_id == ws)).one()
        account = session.exec(select(GoogleAccount).where(GoogleAccount.workspace_id == ws)).one()
        ids = (user.id, ws, company.id, account.id)
    return Workspace(browser, *ids, token=token_for(ids[0], ids[1]))  # type: ignore[arg-type]


@pytest.fixture
def ours(app: Flask, qbo_emulator, google_emulator) -> Workspace:
    return connected(Browser(app.test_client()), qbo_emulator.url, "Ada", WRITER)


@pytest.fixture
def theirs(app: Flask, qbo_emulator, google_emulator) -> Workspace:
    return connected(Browser(app.test_client()), qbo_emulator.url, "Bob", "bob-writer@example.com")


@pytest.fixture
def api(app: Flask) -> FlaskClient:
    return app.test_client()


def new_exporter(ws: Workspace, **fields) -> dict:
    """The body of an invoices exporter into a new spreadsheet (fields override)."""
    return {
        "name": "Open invoices",
        "source": "invoices",
        "company_ids": [ws.company_id],
        "google_account_id": ws.account_id,
        "spreadsheet_title": "Board pack",
        "tab": "Invoices",
        "columns": ["number", "date", "customer", "total", "balance"],
        "schedule": {"cron": "0 7 * * 1-5", "timezone": "America/New_York"},
    } | fields


def create_exporter(api: FlaskClient, ws: Workspace, **fields) -> dict:
    response = api.post("/api/v1/exporters", json=new_exporter(ws, **fields), headers=ws.headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()
