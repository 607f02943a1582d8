"""Every Redis key the product writes lives under its deployment's namespace (store/redis_keys.py).

An analyst's story (a mistyped password, a reset email, connecting QuickBooks and Google, a run, the
keep-alive) on a Redis of this module's own, with keyspace notifications on: every key any command
touched is seen, locks released a moment later included. Deployments sharing a Redis never share one.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
import redis
import requests
from sqlmodel import Session, select

from connections.health import keep_alive
from store import redis_keys
from store.db import get_engine
from store.models import Company, GoogleAccount, RunStatus
from tests import infra
from tests.web.browser import Browser
from tests.web.oauth import connect_google, connect_quickbooks
from tests.web.test_end_to_end import create, runs, the_exporter, work

WRITER = "keys@example.com"


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    """A redis-server of this module's own, so every key in it was written by the story below."""
    yield from infra.own_redis_url()


@pytest.fixture
def touched_keys(redis_url: str) -> Iterator[Callable[[], set[str]]]:
    """Call it to get the names of every key the commands sent since the test started touched."""
    client = redis.Redis.from_url(redis_url)
    client.config_set("notify-keyspace-events", "KA")  # K: a channel per key; A: every kind of command
    pubsub = client.pubsub()
    pubsub.psubscribe("__keyspace@*__:*")
    keys: set[str] = set()

    def touched() -> set[str]:
        while (message := pubsub.get_message(timeout=1.0)) is not None:
            if message["type"] == "pmessage":
                keys.add(message["channel"].decode().split(":", 1)[1])  # "__keyspace@0__:<key>"
        return keys

    yield touched
    pubsub.close()


def test_every_key_the_product_writes_is_in_its_namespace(
    browser: Browser, app, settings, qbo_emulator, google_emulator, touched_keys
):
    email = f"keys-{uuid.uuid4().hex[:6]}@example.com"
    browser.sign_up("Kay", email)
    stranger = Browser(app.test_client())
    assert stranger.log_in(email, "not the password").has("don't match an account")
    stranger.fill("/password/forgot", "Send the reset link", email=email)

    reply = requests.post(
        f"{qbo_emulator.url}/_emulator/companies", json={"name": "Key Holders", "invoices": 3}, timeout=60
    )
    reply.raise_for_status()
    realm = str(reply.json()["realmId"])
    assert connect_quickbooks(browser, realm).has("Key Holders")
    assert connect_google(browser, WRITER, "Allow").has(WRITER)
    assert create(browser, name="Invoices", spreadsheet_title="Keys").has("Created the exporter Invoices")
    exporter = the_exporter()
    browser.get(f"/exporters/{exporter.id}")
    browser.submit(browser.form("Run now"))
    work(settings)
    [run] = runs()
    assert run.status == RunStatus.SUCCEEDED, run.error
    with Session(get_engine()) as session:
        company = session.exec(select(Company)).one()
        account = session.exec(select(GoogleAccount)).one()
    assert keep_alive(company.id, older_than=timedelta(0))  # a refresh, under the company's token lock

    keys = touched_keys()
    namespace = redis_keys.namespace()
    ours = {key for key in keys if not key.startswith("rq:")}  # RQ's own keys are RQ's to name
    assert sorted(key for key in ours if not key.startswith(f"{namespace}:")) == []
    every_kind = {
        redis_keys.login_failures(email, "127.0.0.1"),
        redis_keys.reset_emails(email),
        redis_keys.qbo_budget(realm, "minute"),
        redis_keys.qbo_token_lock(company.id),
        redis_keys.sheets_write_pace(f"google-account-{account.id}"),
        redis_keys.exporter_enqueue_lock(exporter.id),
    }
    assert every_kind <= ours, sorted(ours)
    # RQ keeps the run's job under its id, which names the deployment's queue.
    assert f"rq:job:{redis_keys.run_job_id(run.id)}" in keys
    assert redis_keys.run_job_id(run.id).startswith(settings.queue_name)
