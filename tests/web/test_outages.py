"""Redis or the database down: /healthz names which, pages that need Redis say so with a 503, login works."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlmodel import Session, select

from store.db import get_engine
from store.models import Company, ExporterCompany, Membership, OutboxEmail, Run
from store.settings import Settings
from tests import factories
from tests.conftest import installed
from tests.web.browser import Browser
from tests.web.conftest import with_mail
from tests.web.test_webhooks import VERIFIER, sign
from web import create_app


@pytest.fixture
def closed_port() -> int:
    """A local port nothing listens on (bound then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _app(settings: Settings) -> Flask:
    return create_app({"SETTINGS": settings, "TESTING": True})


@pytest.fixture
def redis_down(store_settings: Settings, closed_port: int) -> Iterator[Flask]:
    """The dashboard on the test's database, with Redis unreachable."""
    with installed(
        with_mail(store_settings).with_overrides(redis_url=f"redis://127.0.0.1:{closed_port}/0")
    ) as down:
        yield _app(down)


def _no_internals(html: str, port: int) -> None:
    """The page names no address, port, exception class or component."""
    assert "127.0.0.1" not in html and f":{port}" not in html
    assert "ConnectionError" not in html and "redis" not in html.lower()


def test_healthz_reports_each_dependency(client, store_settings, closed_port) -> None:
    assert client.get("/healthz").json == {"status": "ok", "database": "ok", "redis": "ok"}
    with installed(store_settings.with_overrides(redis_url=f"redis://127.0.0.1:{closed_port}/0")) as s:
        reply = _app(s).test_client().get("/healthz")
        assert reply.status_code == 503
        assert reply.json == {"status": "unavailable", "database": "ok", "redis": "unavailable"}
    with installed(store_settings.with_overrides(database_url="sqlite:////nonexistent-dir/x.db")) as s:
        reply = _app(s).test_client().get("/healthz")
        assert reply.status_code == 503
        assert reply.json == {"status": "unavailable", "database": "unavailable", "redis": "ok"}


def test_login_works_while_redis_is_down_and_says_so_in_the_log(
    redis_down: Flask, caplog, database_url
) -> None:
    person = Browser(redis_down.test_client())
    person.sign_up("Ada", "ada@example.com")
    person.log_out()
    assert person.log_in("ada@example.com", "wrong password!").has("don't match an account")
    with caplog.at_level(logging.WARNING):
        assert person.log_in("ada@example.com").has("You are logged in")
    assert "login limit not checked" in caplog.text


def _exporter_reading_a_company(workspace_id: int) -> int:
    with Session(get_engine()) as session:
        company = Company(workspace_id=workspace_id, realm_id="310687", name="Acme")
        session.add(company)
        session.flush()
        exporter = factories.exporter(session, workspace_id)
        session.add(ExporterCompany(exporter_id=exporter.id, company_id=company.id))
        session.commit()
        assert exporter.id is not None
        return exporter.id


def test_run_now_and_password_reset_answer_a_clear_503_while_redis_is_down(
    redis_down: Flask, closed_port, database_url
) -> None:
    person = Browser(redis_down.test_client())
    person.sign_up("Ada", "ada@example.com")
    with Session(get_engine()) as session:
        workspace_id = session.exec(select(Membership)).one().workspace_id
    exporter_id = _exporter_reading_a_company(workspace_id)
    person.get(f"/exporters/{exporter_id}")
    page = person.submit(person.form("Run now"))
    assert person.status == 503 and page.has("Nothing was changed; try again in a few minutes")
    _no_internals(page.html, closed_port)

    person.log_out()
    page = person.fill("/password/forgot", "Send the reset link", email="ada@example.com")
    assert person.status == 503 and page.has("Nothing was changed; try again in a few minutes")
    _no_internals(page.html, closed_port)
    with Session(get_engine()) as session:
        assert session.exec(select(OutboxEmail)).all() == []
        assert session.exec(select(Run)).all() == []


def test_a_webhook_while_redis_is_down_is_a_503_intuit_will_retry(store_settings, closed_port) -> None:
    down = store_settings.with_overrides(
        redis_url=f"redis://127.0.0.1:{closed_port}/0", qbo_webhook_verifier=VERIFIER
    )
    with installed(down) as settings:
        body = b'[{"id": "ev-1", "type": "qbo.invoice.updated.v1", "intuitaccountid": "1"}]'
        reply = (
            _app(settings)
            .test_client()
            .post("/webhooks/intuit", data=body, headers={"intuit-signature": sign(body)})
        )
    assert reply.status_code == 503 and reply.json["error"] == "Temporarily unavailable"
    _no_internals(reply.get_data(as_text=True), closed_port)
