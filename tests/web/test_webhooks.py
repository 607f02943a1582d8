"""Intuit webhooks: signature checked on the raw body first, both payload formats, dedupe, debounce."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest
from rq import Queue
from sqlmodel import Session, select

from qbo.webhooks import MAX_DEPTH, nesting_depth, parse, signature_ok
from store.db import get_engine
from store.models import Company, ExporterCompany, Run, WebhookEvent
from store.settings import get_settings
from tests import factories
from web import create_app
from workers.queue import get_redis

VERIFIER = "verify_me"


def sign(body: bytes, verifier: str = VERIFIER) -> str:
    return base64.b64encode(hmac.new(verifier.encode(), body, hashlib.sha256).digest()).decode()


@pytest.fixture
def hook(store_settings):
    app = create_app(
        {"SETTINGS": store_settings.with_overrides(qbo_webhook_verifier=VERIFIER), "TESTING": True}
    )
    return app.test_client()


@pytest.fixture
def exporters(store_settings) -> dict[str, int]:
    """Two workspaces sharing realm 310687 (invoices, vendors), one other realm."""
    ids = {}
    with Session(get_engine()) as session:
        for n, (realm, source, enabled) in enumerate(
            [
                ("310687", "invoices", True),
                ("310687", "vendors", True),
                ("310687", "invoices", False),
                ("9", "invoices", True),
            ]
        ):
            workspace = factories.workspace(session, f"w{n}")
            company = Company(workspace_id=workspace.id, realm_id=realm, name=f"c{n}")
            session.add(company)
            session.flush()
            exporter = factories.exporter(
                session, workspace.id, name=f"e{n}", enabled=enabled, options={"refresh_on_changes": True}
            )
            exporter.source = source
            session.add(ExporterCompany(exporter_id=exporter.id, company_id=company.id))
            ids[f"{realm}/{source}/{enabled}"] = exporter.id
        session.commit()
    return ids


def processed() -> list[dict[str, int]]:
    """Run the queued webhook jobs as a worker does (leaving the run jobs they queue); their results."""
    queue = Queue(get_settings().queue_name, connection=get_redis())
    results = []
    for job in queue.jobs:
        if job.func_name == "workers.jobs.process_webhook":
            queue.remove(job)
            results.append(job.perform())
    return results


def runs() -> list[Run]:
    with Session(get_engine()) as session:
        return list(session.exec(select(Run).order_by(Run.id)).all())


def test_intuit_test_vector() -> None:
    assert signature_ok(b'{"stuff":"5"}', "nfPLN16u3vMvv08ghDs+dOkLuirEVDy5wAeG/lmM2OA=", "verify_me")
    assert not signature_ok(b'{"stuff":"6"}', "nfPLN16u3vMvv08ghDs+dOkLuirEVDy5wAeG/lmM2OA=", "verify_me")


def test_signed_body_is_accepted(hook) -> None:
    response = hook.post(
        "/webhooks/intuit",
        data=b'{"stuff":"5"}',
        headers={
            "intuit-signature": "nfPLN16u3vMvv08ghDs+dOkLuirEVDy5wAeG/lmM2OA=",
            "Content-Type": "application/json",
        },
    )
    assert response.status_code == 200


LEGACY = {
    "eventNotifications": [
        {
            "realmId": "310687",
            "dataChangeEvent": {
                "entities": [
                    {
                        "name": "Invoice",
                        "id": "1",
                        "operation": "Update",
                        "lastUpdated": "2025-09-08T20:52:31Z",
                    }
                ]
            },
        }
    ]
}


@pytest.mark.parametrize("signature", [None, "", "bm9wZQ==", sign(b"something else")])
def test_bad_or_missing_signature_is_401_and_enqueues_nothing(hook, exporters, signature) -> None:
    body = json.dumps(LEGACY).encode()
    headers = {"Content-Type": "application/json"} | (
        {"intuit-signature": signature} if signature is not None else {}
    )
    assert hook.post("/webhooks/intuit", data=body, headers=headers).status_code == 401
    assert runs() == []
    with Session(get_engine()) as session:
        assert session.exec(select(WebhookEvent)).all() == []


def test_legacy_event_runs_the_exporters_reading_that_entity_once(hook, exporters, store_settings) -> None:
    body = json.dumps(LEGACY).encode()
    reply = hook.post("/webhooks/intuit", data=body, headers={"intuit-signature": sign(body)})
    assert reply.status_code == 200 and processed() == [{"received": 1, "queued": 1}]
    [run] = runs()
    assert run.exporter_id == exporters["310687/invoices/True"] and run.trigger == "webhook"
    assert [job.args for job in Queue(store_settings.queue_name, connection=get_redis()).jobs] == [(run.id,)]
    again = hook.post("/webhooks/intuit", data=body, headers={"intuit-signature": sign(body)})
    assert again.status_code == 200 and processed()[0]["received"] == 0
    assert len(runs()) == 1


def test_cloudevents_batch_across_realms_is_debounced(hook, exporters) -> None:
    events = [
        {
            "specversion": "1.0",
            "id": "ev-1",
            "type": "qbo.vendor.updated.v1",
            "intuitaccountid": "310687",
            "intuitentityid": "5",
            "data": {},
        },
        {
            "specversion": "1.0",
            "id": "ev-2",
            "type": "qbo.invoice.created.v1",
            "intuitaccountid": "9",
            "intuitentityid": "6",
            "data": {},
        },
        {
            "specversion": "1.0",
            "id": "ev-3",
            "type": "qbo.invoice.updated.v1",
            "intuitaccountid": "9",
            "intuitentityid": "7",
            "data": {},
        },
    ]
    body = json.dumps(events).encode()
    headers = {"intuit-signature": sign(body), "Content-Type": "application/cloudevents+json"}
    reply = hook.post("/webhooks/intuit", data=body, headers=headers)
    assert reply.status_code == 200 and processed() == [{"received": 3, "queued": 2}]
    assert {r.exporter_id for r in runs()} == {exporters["310687/vendors/True"], exporters["9/invoices/True"]}
    more = json.dumps([{**events[2], "id": "ev-4"}]).encode()
    reply = hook.post("/webhooks/intuit", data=more, headers={"intuit-signature": sign(more)})
    assert reply.status_code == 200
    assert processed() == [{"received": 1, "queued": 0}]  # a run is already queued: debounced


def test_junk_with_a_valid_signature_is_still_200(hook) -> None:
    for body in (b"not json", b"[1, 2, {}]", b'{"eventNotifications": "x"}', b"\xff\xfe"):
        assert (
            hook.post("/webhooks/intuit", data=body, headers={"intuit-signature": sign(body)}).status_code
            == 200
        )
    assert processed() == [{"received": 0, "queued": 0}] * 4


def _cloud_events(count: int) -> list[dict]:
    return [
        {"specversion": "1.0", "id": f"ev-{n}", "type": "qbo.invoice.updated.v1", "intuitaccountid": "310687"}
        for n in range(count)
    ]


def test_a_deeply_nested_signed_body_is_refused_with_400(hook) -> None:
    for depth in (MAX_DEPTH + 1, 100_000):
        body = b"[" * depth + b"]" * depth
        reply = hook.post("/webhooks/intuit", data=body, headers={"intuit-signature": sign(body)})
        assert reply.status_code == 400 and "deeper" in reply.json["error"]
        assert parse(body) == []  # the job bounds its parse too
    assert processed() == []


def test_brackets_inside_strings_do_not_count_as_nesting(hook) -> None:
    body = json.dumps([{**_cloud_events(1)[0], "data": {"memo": "[" * 1000 + '\\"{{'}}]).encode()
    assert nesting_depth(body) == 3
    assert (
        hook.post("/webhooks/intuit", data=body, headers={"intuit-signature": sign(body)}).status_code == 200
    )
    assert processed() == [{"received": 1, "queued": 0}]


def test_a_huge_delivery_is_acknowledged_before_it_is_processed(hook, exporters) -> None:
    body = json.dumps(_cloud_events(20_000)).encode()
    reply = hook.post("/webhooks/intuit", data=body, headers={"intuit-signature": sign(body)})
    assert reply.status_code == 200 and reply.json == {"status": "accepted"}
    with Session(get_engine()) as session:
        assert session.exec(select(WebhookEvent)).all() == []  # nothing done in the request
    assert runs() == []
    assert processed() == [{"received": 20_000, "queued": 1}]
    assert [run.exporter_id for run in runs()] == [exporters["310687/invoices/True"]]
