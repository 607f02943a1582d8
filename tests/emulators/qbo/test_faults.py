"""Injected faults as documented (401, 403, 429, 500, 503, 200-with-Fault, 4000-4002, 6000), per realm,
per endpoint kind and path, for N calls or at a rate; and the admin API's realm naming."""

from __future__ import annotations

import json

import pytest
import requests

from tests.emulators.qbo.emulator_harness import Api, connect, refresh, running
from tests.reference import QBO_SAMPLES as SAMPLES

TWO_COMPANIES = {
    "SEED": [
        {"name": "Craig's Design and Landscaping", "invoices": 40, "seed": 1},
        {"name": "Amy's Bird Sanctuary", "invoices": 40, "seed": 2},
    ]
}


@pytest.fixture(scope="module")
def emulator():
    with running(TWO_COMPANIES) as emulator:
        yield emulator


@pytest.fixture(autouse=True)
def no_faults(emulator):
    emulator.admin("DELETE", "/faults")
    yield
    emulator.admin("DELETE", "/faults")


def connect_to(emulator, realm: str) -> dict:
    """The token response of a code flow in which the analyst picked `realm`."""
    token, picked = connect(emulator, realm=realm)
    assert picked == realm
    return token


@pytest.fixture(scope="module")
def apis(emulator) -> dict[str, Api]:
    return {
        realm: Api(emulator, connect_to(emulator, realm)["access_token"], realm)
        for realm in emulator.realms()
    }


@pytest.fixture
def first(emulator, apis) -> Api:
    return apis[emulator.realms()[0]]


def inject(emulator, **rule) -> list[dict]:
    return emulator.admin("POST", "/faults", json=rule)["faults"]


def upper_case_error(response: requests.Response) -> tuple[str, dict]:
    fault = response.json()["Fault"]
    assert set(response.json()) == {"Fault", "time"}
    return fault["type"], fault["Error"][0]


@pytest.mark.parametrize(
    ("rule", "status", "kind", "code", "message"),
    [
        (
            {"status": 429},
            429,
            "SERVICE",
            "3001",
            "message=ThrottleExceeded; errorCode=003001; statusCode=429",
        ),
        ({"status": 500}, 500, "SystemFault", "10000", "An application error has occurred"),
        ({"status": 503}, 503, "SystemFault", "10000", "Service Unavailable"),
        ({"status": 200}, 200, "SystemFault", "10000", "An application error has occurred"),
        ({"code": "4000"}, 400, "ValidationFault", "4000", "Error parsing query"),
        ({"code": "4001"}, 400, "ValidationFault", "4001", "Invalid query"),
        ({"code": "4002"}, 400, "ValidationFault", "4002", "Error processing query"),
        ({"code": "6000"}, 400, "ValidationFault", "6000", "A business validation error has occurred"),
        ({"status": 200, "code": "6000"}, 200, "ValidationFault", "6000", "A business validation error"),
        ({"status": 400, "code": "610"}, 400, "ValidationFault", "610", "Object Not Found"),
    ],
)
def test_upper_case_faults_for_the_next_n_calls(emulator, first, rule, status, kind, code, message):
    inject(emulator, kind="query", count=2, **rule)
    answers = [first.query("SELECT * FROM Term") for _ in range(3)]
    for response in answers[:2]:
        assert response.status_code == status, response.text
        fault_type, error = upper_case_error(response)
        assert (fault_type, error["code"]) == (kind, code) and error["Message"].startswith(message)
    assert answers[2].status_code == 200 and "QueryResponse" in answers[2].json()
    assert first.get("preferences").status_code == 200  # another endpoint kind is untouched
    if status == 429:
        assert answers[0].headers["Retry-After"] == "60"


def test_business_error_carries_the_admins_detail(emulator, first):
    inject(emulator, kind="read", code="6000", detail="You must select a customer for this transaction.")
    error = upper_case_error(first.get("preferences"))[1]
    assert error["Detail"] == "Business Validation Error: You must select a customer for this transaction."


def test_injected_401_is_the_lower_case_authentication_envelope(emulator, first):
    inject(emulator, kind="report", status=401)
    response = first.get("reports/ProfitAndLoss")
    assert response.status_code == 401 and "invalid_token" in response.headers["WWW-Authenticate"]
    sample = json.loads((SAMPLES / "fault_401_authentication.json").read_text())
    assert list(response.json()) == list(sample)
    error = response.json()["fault"]["error"][0]
    assert error["code"] == "3200" and error["message"].startswith("message=AuthenticationFailed")
    assert isinstance(response.json()["time"], int)
    assert first.get("reports/ProfitAndLoss").status_code == 200  # the token itself still works


def test_injected_403_is_application_authorization_failed(emulator, first):
    inject(emulator, kind="cdc", code="3100")
    response = first.get("cdc", entities="Invoice", changedSince=emulator.admin("GET", "/clock")["now"][:10])
    assert response.status_code == 403
    assert response.json() == {
        "fault": {
            "error": [
                {
                    "message": "message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403",
                    "detail": None,
                    "code": "3100",
                    "element": None,
                }
            ],
            "type": "SERVICE",
        }
    }


def test_faults_of_one_realm_leave_the_other_alone(emulator, apis):
    one, other = emulator.realms()
    inject(emulator, kind="any", status=503, count=3, realmId=one)
    assert [apis[other].get("preferences").status_code for _ in range(3)] == [200, 200, 200]
    assert [apis[one].get("preferences").status_code for _ in range(4)] == [503, 503, 503, 200]


def test_realm_may_be_spelled_realm_too(emulator, apis):
    one, other = emulator.realms()
    inject(emulator, kind="read", status=500, realm=other)
    assert apis[one].get("preferences").status_code == 200
    assert apis[other].get("preferences").status_code == 500


def test_path_narrows_a_fault_to_one_endpoint(emulator, first):
    inject(emulator, kind="report", status=500, rate=1.0, path="/reports/BalanceSheet")
    assert first.get("reports/ProfitAndLoss").status_code == 200
    assert [first.get("reports/BalanceSheet").status_code for _ in range(3)] == [500, 500, 500]


def test_rate_zero_never_fires_and_rate_one_always_does(emulator, first):
    inject(emulator, kind="read", status=500, rate=0.0)
    assert {first.get("preferences").status_code for _ in range(5)} == {200}
    inject(emulator, kind="read", status=500, rate=1.0)
    assert {first.get("preferences").status_code for _ in range(5)} == {500}


def test_latency_only_rules_slow_without_failing(emulator, first):
    inject(emulator, kind="read", latency_ms=400)
    response = first.get("preferences")
    assert response.status_code == 200 and response.elapsed.total_seconds() >= 0.4


def test_rules_are_listed_and_cleared_per_realm(emulator):
    one, other = emulator.realms()
    inject(emulator, kind="query", status=429, count=5, realmId=one)
    listed = inject(emulator, kind="query", status=500, count=5, realmId=other)
    assert [(rule["realm"], rule["status"], rule["count"]) for rule in listed] == [
        (one, 429, 5),
        (other, 500, 5),
    ]
    left = requests.delete(f"{emulator.url}/_emulator/faults", params={"realmId": one}, timeout=10).json()
    assert [rule["realm"] for rule in left["faults"]] == [other]
    assert [rule["realm"] for rule in emulator.admin("GET", "/faults")["faults"]] == [other]


@pytest.mark.parametrize(
    ("rule", "complaint"),
    [
        ({"status": 400}, "status 400 needs a code"),
        ({"status": 500, "code": "3200"}, "code 3200 is answered with status 401"),
        ({"status": 200, "code": "3100"}, "code 3100 is answered with status 403"),
        ({"code": "9999"}, "code must be one of"),
        ({"kind": "writes", "status": 500}, "kind must be one of"),
        ({"status": "five hundred"}, "must be numbers"),
        ({"kind": "token", "code": "6000"}, "token faults take a status"),
    ],
)
def test_impossible_faults_are_refused(emulator, rule, complaint):
    response = requests.post(f"{emulator.url}/_emulator/faults", json=rule, timeout=10)
    assert response.status_code == 400 and complaint in response.json()["error"]
    assert emulator.admin("GET", "/faults")["faults"] == []


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, "invalid_grant"),
        (401, "invalid_client"),
        (429, "rate_limit_exceeded"),
        (503, "temporarily_unavailable"),
    ],
)
def test_token_faults_hit_only_the_realm_whose_token_is_refreshed(emulator, status, error):
    one, other = emulator.realms()
    tokens = {realm: connect_to(emulator, realm) for realm in (one, other)}
    inject(emulator, kind="token", status=status, realmId=one)
    assert refresh(emulator, tokens[other]["refresh_token"]).status_code == 200
    failed = refresh(emulator, tokens[one]["refresh_token"])
    assert failed.status_code == status and failed.json()["error"] == error
    assert refresh(emulator, tokens[one]["refresh_token"]).status_code == 200  # count 1 by default


def test_requests_and_grants_filter_by_realm_id_or_realm(emulator, apis):
    one, other = emulator.realms()
    emulator.admin("POST", "/requests/reset")
    apis[one].get("preferences")
    apis[other].get("preferences")
    by_id = emulator.admin("GET", f"/requests?realmId={one}")
    assert by_id == emulator.admin("GET", f"/requests?realm={one}")
    assert list(by_id["counts"]) == [one] and by_id["counts"][one]["read"] == {"GET": 1}
    grants = emulator.admin("GET", f"/grants?realmId={other}")["grants"]
    assert grants and {grant["realm_id"] for grant in grants} == {other}
    assert len(emulator.admin("GET", "/grants")["grants"]) > len(grants)
