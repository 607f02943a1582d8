"""schemathesis against the live app (served over HTTP, both emulators behind it) with an API token: every
operation of /api/v1/openapi.json, positive and negative data, once with made-up ids and once with the
workspace's own; no answer may be a server error or break the document's schema."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from emulators.serving import RunningServer, serve_in_thread
from tests.web.api.conftest import Workspace, create_exporter

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 8  # per operation, per mode, per pass: ~600 requests in all


@pytest.fixture
def live(app: Flask) -> Iterator[RunningServer]:
    server = serve_in_thread(app)
    yield server
    server.stop()


def own_ids(api: FlaskClient, ws: Workspace) -> dict[str, object]:
    exporter = create_exporter(api, ws)
    run = api.post(f"/api/v1/exporters/{exporter['id']}/runs", headers=ws.headers).get_json()
    return {
        "company_id": ws.company_id,
        "account_id": ws.account_id,
        "exporter_id": exporter["id"],
        "run_id": run["id"],
        "source_key": "invoices",
        "spreadsheet_id": exporter["spreadsheet_id"],
    }


def test_every_operation_keeps_to_the_openapi_document(
    live: RunningServer, api: FlaskClient, ours: Workspace
) -> None:
    schema = schemathesis.openapi.from_url(f"{live.url}/api/v1/openapi.json")
    ids = own_ids(api, ours)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 19
    ran = 0
    # DELETE last: with the workspace's own ids it removes the exporter the other operations read
    for operation in sorted(operations, key=lambda op: op.method.upper() == "DELETE"):
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            for path_parameters in (None, {k: v for k, v in ids.items() if k in operation.path_parameters}):
                strategy = operation.as_strategy(
                    generation_mode=mode, path_parameters=path_parameters or None
                )

                @given(case=strategy)
                @hypothesis_settings(
                    max_examples=EXAMPLES,
                    deadline=None,
                    database=None,
                    suppress_health_check=list(HealthCheck),
                )
                def exercise(case: schemathesis.Case) -> None:
                    case.call_and_validate(base_url=live.url, headers=ours.headers, checks=CHECKS)

                exercise()
                ran += 1
    assert ran == 19 * 2 * 2
