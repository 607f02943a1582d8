"""Signed webhook notifications on admin changes, in the legacy and CloudEvents formats."""

from __future__ import annotations

import json
import queue
import time

import pytest
from flask import Flask, request
from quickbooks import QuickBooks

from emulators.qbo import webhooks
from emulators.qbo.webhooks import signature
from emulators.serving import serve_in_thread
from tests.emulators.qbo.emulator_harness import connect, running
from tests.emulators.qbo.report_checks import shape
from tests.reference import QBO_SAMPLES

VERIFIER = "sheetbooks-verifier"


def test_signature_matches_the_published_vector():
    assert signature(b'{"stuff":"5"}', "verify_me") == "nfPLN16u3vMvv08ghDs+dOkLuirEVDy5wAeG/lmM2OA="


@pytest.fixture
def receiver():
    """A webhook endpoint that queues (headers, raw body) and answers 200."""
    received: queue.Queue = queue.Queue()
    app = Flask("receiver")

    @app.post("/hook")
    def hook() -> str:
        received.put((dict(request.headers), request.get_data()))
        return ""

    server = serve_in_thread(app)
    yield f"{server.url}/hook", received
    server.stop()


def _next(received: queue.Queue) -> tuple[dict, bytes]:
    return received.get(timeout=10)  # waits on the delivery itself, with a deadline


def test_cloudevents_notification_on_update_and_delete(receiver):
    url, received = receiver
    with running({"WEBHOOK_URL": url}) as emulator:
        _, realm = connect(emulator)
        customer = emulator.admin("GET", f"/companies/{realm}/entities/Customer")["Customer"][0]
        emulator.admin("POST", f"/companies/{realm}/entities/Customer/{customer['Id']}", json={"Notes": "x"})
        headers, body = _next(received)
        assert headers["Intuit-Signature"] == signature(body, VERIFIER)
        assert headers["Content-Type"] == "application/cloudevents+json"
        sdk = QuickBooks(minorversion=75, verifier_token=VERIFIER)  # python-quickbooks' own check
        assert sdk.validate_webhook_signature(body.decode(), headers["Intuit-Signature"])
        assert not sdk.validate_webhook_signature(body.decode() + " ", headers["Intuit-Signature"])
        [event] = json.loads(body)
        [sample] = json.loads((QBO_SAMPLES / "webhook_cloudevents.intuit-blog.json").read_text())
        assert list(event) == list(sample) and {k: type(v) for k, v in event.items()} == {
            k: type(v) for k, v in sample.items()
        }
        assert event["type"] == "qbo.customer.updated.v1" and event["specversion"] == "1.0"
        assert event["intuitentityid"] == customer["Id"] and event["intuitaccountid"] == realm

        emulator.admin("DELETE", f"/companies/{realm}/entities/Customer/{customer['Id']}")
        _, body = _next(received)
        assert json.loads(body)[0]["type"] == "qbo.customer.deleted.v1"


def test_legacy_notification_on_create(receiver):
    url, received = receiver
    with running(
        {"WEBHOOK_URL": url, "WEBHOOK_FORMAT": "legacy", "WEBHOOK_VERIFIER": "verify_me"}
    ) as emulator:
        _, realm = connect(emulator)
        created = emulator.admin(
            "POST", f"/companies/{realm}/entities/Vendor", json={"DisplayName": "New Co"}
        )
        headers, body = _next(received)
        assert headers["Intuit-Signature"] == signature(body, "verify_me")
        sample = json.loads((QBO_SAMPLES / "webhook_legacy.intuit-blog.json").read_text())
        assert shape(json.loads(body)) == shape(sample)
        notification = json.loads(body)["eventNotifications"][0]
        assert notification["realmId"] == realm
        entity = notification["dataChangeEvent"]["entities"][0]
        assert entity == {**entity, "name": "Vendor", "id": created["Vendor"]["Id"], "operation": "Create"}
        assert entity["lastUpdated"].endswith("Z")


def test_failed_deliveries_are_retried_a_bounded_number_of_times(monkeypatch):
    monkeypatch.setattr(webhooks, "RETRY_DELAYS", (0.01, 0.01))
    with running({"WEBHOOK_URL": "http://127.0.0.1:9/nothing-listens"}) as emulator:
        _, realm = connect(emulator)
        emulator.admin("POST", f"/companies/{realm}/entities/Term", json={"Name": "Net 90", "DueDays": 90})
        deadline = time.monotonic() + 10
        deliveries: list = []
        while time.monotonic() < deadline and not (deliveries and deliveries[0]["attempts"] == 3):
            deliveries = emulator.admin("GET", "/webhooks")["deliveries"]
            time.sleep(0.01)  # polling a condition with a deadline, not waiting for time to pass
        assert deliveries[0]["attempts"] == 3 and deliveries[0]["status"] == "ConnectionError"


def test_only_connected_realms_send_events(receiver):
    """Events come for a realm while an app holds a live grant for it (qbo-api.md §5.4)."""
    url, received = receiver
    with running({"WEBHOOK_URL": url}) as emulator:
        realm = emulator.realms()[0]
        terms = f"/companies/{realm}/entities/Term"
        emulator.admin("POST", terms, json={"Name": "Before connecting", "DueDays": 5})
        connect(emulator)
        connected = emulator.admin("POST", terms, json={"Name": "While connected", "DueDays": 6})["Term"]
        emulator.admin("POST", f"/grants/{realm}/revoke")
        emulator.admin("POST", terms, json={"Name": "After the disconnect", "DueDays": 7})
        _, body = _next(received)
        assert json.loads(body)[0]["intuitentityid"] == connected["Id"]
        connect(emulator)
        last = emulator.admin("POST", terms, json={"Name": "Reconnected", "DueDays": 8})["Term"]
        _, body = _next(received)  # deliveries are in order: nothing was queued in between
        assert json.loads(body)[0]["intuitentityid"] == last["Id"]
        assert len(emulator.admin("GET", "/webhooks")["deliveries"]) == 2
