"""Workspace isolation: A can't read, change, run or detect B's rows through any route (404, not 403)."""

from __future__ import annotations

import re

import pytest
from flask import Flask, url_for
from sqlmodel import Session, select

from store.db import get_engine
from store.models import Company, Exporter, ExporterCompany, GoogleAccount, Membership, Run
from tests.web.browser import Browser

PARAMS = {"company_id": "company", "account_id": "account", "exporter_id": "exporter", "run_id": "run"}


@pytest.fixture
def b_rows(other: Browser) -> dict[str, int]:
    """B's company, Google account, exporter and run, with names A must never see."""
    with Session(get_engine()) as session:
        membership = session.exec(select(Membership)).all()[-1]
        ws = membership.workspace_id
        company = Company(workspace_id=ws, realm_id="4620816365", name="Secret B Co", refresh_token_enc="x")
        account = GoogleAccount(workspace_id=ws, email="secret-b@example.com")
        session.add_all([company, account])
        session.flush()
        exporter = Exporter(
            workspace_id=ws, name="Secret B exporter", source="invoices", google_account_id=account.id
        )
        session.add(exporter)
        session.flush()
        session.add(ExporterCompany(exporter_id=exporter.id, company_id=company.id))
        run = Run(exporter_id=exporter.id, workspace_id=ws, error="Secret B error")
        session.add(run)
        session.commit()
        return {
            "company": company.id,
            "account": account.id,
            "exporter": exporter.id,
            "run": run.id,
            "workspace": ws,
        }


def _snapshot() -> list:
    with Session(get_engine()) as session:
        return [
            [row.model_dump() for row in session.exec(select(model)).all()]
            for model in (Company, GoogleAccount, Exporter, ExporterCompany, Run)
        ]


def test_every_route_hides_b_rows_from_a(app: Flask, user: Browser, b_rows: dict[str, int]) -> None:
    before = _snapshot()
    token = user.csrf_token()
    checked = 0
    for rule in app.url_map.iter_rules():
        ids = set(rule.arguments) & set(PARAMS)
        if not ids or rule.rule.startswith("/api/"):  # /api/v1 takes tokens, not cookies: tests/web/api
            continue
        with app.test_request_context():
            url = url_for(rule.endpoint, **{name: b_rows[PARAMS[name]] for name in rule.arguments})
        for method in sorted(rule.methods & {"GET", "POST"}):
            data = {"csrf_token": token, "confirm_name": "Secret B Co", "name": "pwned", "source": "invoices"}
            response = user.client.open(url, method=method, data=data if method == "POST" else None)
            body = response.get_data(as_text=True)
            assert response.status_code == 404, (method, url, response.status_code, body[-1500:])
            assert not re.search("Secret B|secret-b", body), (method, url)
            checked += 1
    assert checked >= 12
    assert _snapshot() == before


def test_a_cannot_switch_into_b_workspace(user: Browser, b_rows: dict[str, int]) -> None:
    response = user.client.post(
        "/workspace/switch", data={"csrf_token": user.csrf_token(), "workspace_id": b_rows["workspace"]}
    )
    assert response.status_code == 404
    page = user.get("/")
    assert not page.has("Secret B") and not page.has("Bob's workspace")


def test_lists_show_only_the_own_workspace(user: Browser, b_rows: dict[str, int]) -> None:
    for url in ("/", "/companies/", "/google/", "/exporters/", "/runs/", "/workspace/members"):
        page = user.get(url)
        assert user.status == 200, url
        assert not re.search("Secret B|secret-b", page.html), url


def test_editor_refuses_b_company_and_account(user: Browser, b_rows: dict[str, int]) -> None:
    user.get("/exporters/new")
    form = user.form("Save exporter")
    page = user.submit(
        form,
        "Save exporter",
        name="Sneaky",
        source="invoices",
        companies=[str(b_rows["company"])],
        google_account_id=str(b_rows["account"]),
    )
    assert page.has("The exporter was not saved")
    with Session(get_engine()) as session:
        assert session.exec(select(Exporter).where(Exporter.name == "Sneaky")).first() is None
