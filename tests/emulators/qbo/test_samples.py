"""The emulator's OAuth and CDC answers have the structure of the real samples in qbo-samples/."""

from __future__ import annotations

import json

import pytest
import requests

from tests.emulators.qbo.emulator_harness import Api, connect, refresh, running
from tests.emulators.qbo.report_checks import shape
from tests.reference import QBO_SAMPLES


def sample(name: str) -> object:
    return json.loads((QBO_SAMPLES / name).read_text())


@pytest.fixture(scope="module")
def emulator():
    with running() as emulator:
        yield emulator


def test_discovery_has_the_sandbox_documents_keys_and_types(emulator):
    published = sample("openid_sandbox_configuration.json")
    ours = requests.get(f"{emulator.url}/.well-known/openid_sandbox_configuration/", timeout=10).json()
    assert {key: type(value) for key, value in ours.items()} == {k: type(v) for k, v in published.items()}
    assert ours["issuer"] == published["issuer"]
    for key in ("response_types_supported", "id_token_signing_alg_values_supported"):
        assert ours[key] == published[key]
    assert set(ours["token_endpoint_auth_methods_supported"]) == set(
        published["token_endpoint_auth_methods_supported"]
    )
    assert "realmid" in ours["claims_supported"] and "realmid" in published["claims_supported"]


def test_token_response_has_the_keys_and_types_of_the_2026_fixture(emulator):
    opt_in = {"x-include-refresh-token-hard-expires-in": "true"}
    token, _ = connect(emulator, scope="com.intuit.quickbooks.accounting", headers=opt_in)
    assert shape(token) == shape(sample("oauth_token_response.json"))
    assert list(token) == list(sample("oauth_token_response.json"))
    assert token["token_type"] == "bearer" and token["expires_in"] == 3600
    assert token["refresh_token"].startswith("RT1-")


def test_invalid_grant_is_the_documented_body(emulator):
    response = refresh(emulator, "RT1-never-issued")
    assert response.status_code == 400
    assert list(response.json().items()) == list(sample("oauth_error_invalid_grant.json").items())


def test_cdc_has_the_structure_of_the_docs_sample(emulator):
    token, realm = connect(emulator)
    api = Api(emulator, token["access_token"], realm)
    since = emulator.admin("GET", "/clock")["now"]
    emulator.advance(60)
    customer = emulator.admin("GET", f"/companies/{realm}/entities/Customer")["Customer"][0]
    estimate = emulator.admin("GET", f"/companies/{realm}/entities/Estimate")["Estimate"][0]
    emulator.admin("POST", f"/companies/{realm}/entities/Customer/{customer['Id']}", json={"Notes": "n"})
    emulator.admin("DELETE", f"/companies/{realm}/entities/Estimate/{estimate['Id']}")
    ours = api.get("cdc", entities="Customer,Estimate", changedSince=since).json()
    published = sample("cdc_response.intuit-docs.json")
    assert list(ours) == list(published) == ["CDCResponse", "time"]
    ours_groups = ours["CDCResponse"][0]["QueryResponse"]
    published_groups = published["CDCResponse"][0]["QueryResponse"]
    assert [next(iter(set(g) & {"Customer", "Estimate"})) for g in ours_groups] == ["Customer", "Estimate"]
    for group, model in zip(ours_groups, published_groups, strict=True):
        counters = {key: type(value).__name__ for key, value in group.items() if not isinstance(value, list)}
        assert counters.items() <= {"startPosition": "int", "maxResults": "int", "totalCount": "int"}.items()
        assert {"startPosition", "maxResults"} <= set(counters) and set(model) - set(group) <= {"totalCount"}
    stub = ours_groups[1]["Estimate"][-1]
    published_stub = published_groups[1]["Estimate"][-1]
    assert shape(stub) == shape(published_stub) and stub["status"] == "Deleted" == published_stub["status"]
    assert stub["Id"] == estimate["Id"]
