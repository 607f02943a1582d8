"""Read by id, CompanyInfo/Preferences, CDC, the 401 envelope, throttling, injected faults, refusals."""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import requests

from emulators.qbo import create_app
from emulators.qbo.reports import build_report
from tests.emulators.qbo.emulator_harness import DAY, Api, connect, running
from tests.reference import QBO_SAMPLES

SAMPLES = QBO_SAMPLES


@pytest.fixture(scope="module")
def emulator():
    with running() as emulator:
        yield emulator


def test_read_by_id_and_object_not_found(api):
    invoice = api.query("SELECT * FROM Invoice MAXRESULTS 1").json()["QueryResponse"]["Invoice"][0]
    response = api.get(f"invoice/{invoice['Id']}")
    assert response.status_code == 200 and response.json()["Invoice"] == invoice and "time" in response.json()
    assert response.headers["intuit_tid"].startswith("1-")
    missing = api.get("invoice/987654321")
    assert missing.status_code == 400
    assert missing.json()["Fault"]["Error"][0]["code"] == "610"
    assert missing.json()["Fault"]["Error"][0]["Message"] == "Object Not Found"


def test_company_info_and_preferences(api):
    realm = api.base.rsplit("/", 1)[1]
    info = api.get(f"companyinfo/{realm}").json()["CompanyInfo"]
    assert info["Id"] == "1" and info["CompanyAddr"]["Country"] == "USA" and "Lat" not in info["CompanyAddr"]
    prefs = api.get("preferences").json()["Preferences"]
    assert prefs["ReportPrefs"]["ReportBasis"] == "Accrual"
    assert prefs["CurrencyPrefs"]["HomeCurrency"] == {"value": "USD"}


def test_401_uses_the_lower_case_envelope(emulator, api):
    realm = api.base.rsplit("/", 1)[1]
    for headers in ({"Authorization": "Bearer expired-or-unknown"}, {}):
        response = requests.get(
            f"{api.base}/query", params={"query": "select * from Invoice"}, headers=headers, timeout=10
        )
        assert response.status_code == 401 and response.headers["intuit_tid"]
        sample = json.loads((SAMPLES / "fault_401_authentication.json").read_text())
        assert response.json().keys() == sample.keys()
        assert response.json()["fault"]["error"][0]["code"] == "3200"
        assert isinstance(response.json()["time"], int)
    other = emulator.admin("POST", "/companies", json={"name": "Other", "invoices": 10})["realmId"]
    assert Api(emulator, api.headers["Authorization"][7:], other).get("preferences").status_code == 403
    assert realm != other


def test_writes_and_unknown_paths_are_refused_and_counted(emulator, api):
    realm = api.base.rsplit("/", 1)[1]
    emulator.admin("POST", "/requests/reset")
    attempts = [
        requests.post(f"{api.base}/invoice", json={"Line": []}, headers=api.headers, timeout=10),
        requests.post(f"{api.base}/invoice/1", json={}, headers=api.headers, timeout=10),
        requests.delete(f"{api.base}/customer/1", headers=api.headers, timeout=10),
        requests.put(f"{api.base}/query", data="x", headers=api.headers, timeout=10),
        requests.post(f"{api.base}/upload", json={}, headers=api.headers, timeout=10),
    ]
    for response in attempts:
        assert response.status_code == 400
        assert response.json()["Fault"]["Error"][0] == {
            **response.json()["Fault"]["Error"][0],
            "code": "500",
            "Message": "Unsupported Operation",
        }
    seen = emulator.admin("GET", f"/requests?realm={realm}")
    assert seen["unsupported"] == 5
    assert seen["counts"][realm]["unsupported"] == {"POST": 3, "DELETE": 1, "PUT": 1}
    assert ["DELETE", f"/v3/company/{realm}/customer/1"] in seen["requests"]


def test_requests_are_counted_by_kind_and_method(emulator, api):
    realm = api.base.rsplit("/", 1)[1]
    emulator.admin("POST", "/requests/reset")
    api.query("SELECT * FROM Customer")
    api.post_query("SELECT * FROM Customer")
    api.get("preferences")
    api.get("cdc", entities="Invoice", changedSince="2026-01-01")
    counts = emulator.admin("GET", f"/requests?realm={realm}")["counts"][realm]
    assert (
        counts["query"] == {"GET": 1, "POST": 1}
        and counts["read"] == {"GET": 1}
        and counts["cdc"] == {"GET": 1}
    )


def test_cdc_returns_changes_grouped_ordered_and_deletions_last(emulator, api):
    realm = api.base.rsplit("/", 1)[1]
    start = emulator.admin("GET", "/clock")["now"]
    emulator.advance(60)
    customer = api.query("SELECT * FROM Customer MAXRESULTS 1").json()["QueryResponse"]["Customer"][0]
    invoices = api.query("SELECT * FROM Invoice MAXRESULTS 2").json()["QueryResponse"]["Invoice"]
    emulator.admin(
        "POST", f"/companies/{realm}/entities/Invoice/{invoices[1]['Id']}", json={"PrivateNote": "b"}
    )
    emulator.advance(5)
    emulator.admin("POST", f"/companies/{realm}/entities/Customer/{customer['Id']}", json={"Notes": "vip"})
    emulator.advance(5)
    emulator.admin("DELETE", f"/companies/{realm}/entities/Invoice/{invoices[0]['Id']}")
    emulator.advance(5)
    emulator.admin(
        "POST", f"/companies/{realm}/entities/Invoice/{invoices[1]['Id']}", json={"PrivateNote": "c"}
    )

    response = api.get("cdc", entities="Invoice,Customer", changedSince=start)
    assert response.status_code == 200
    groups = response.json()["CDCResponse"][0]["QueryResponse"]
    assert [next(iter(group)) for group in groups] == ["Invoice", "Customer"]
    invoice_group = groups[0]["Invoice"]
    assert [row["Id"] for row in invoice_group] == [invoices[1]["Id"], invoices[0]["Id"]]
    assert invoice_group[0]["SyncToken"] == str(int(invoices[1]["SyncToken"]) + 2)
    assert invoice_group[-1] == {
        "status": "Deleted",
        "domain": "QBO",
        "Id": invoices[0]["Id"],
        "MetaData": invoice_group[-1]["MetaData"],
    }
    assert groups[1]["Customer"][0]["Notes"] == "vip" and groups[1]["maxResults"] == 1
    assert api.get(f"invoice/{invoices[0]['Id']}").status_code == 400


def test_cdc_empty_window_and_old_window_and_bad_entity(emulator, api):
    emulator.advance(1)
    now = emulator.admin("GET", "/clock")["now"]
    empty = api.get("cdc", entities="Invoice", changedSince=now).json()
    assert empty["CDCResponse"] == [{"QueryResponse": [{}]}] and "time" in empty
    old = api.get("cdc", entities="Invoice", changedSince="2020-01-01")
    assert old.status_code == 400
    assert "older than fixed days is not supported" in old.json()["Fault"]["Error"][0]["Detail"]
    assert api.get("cdc", entities="TaxCode", changedSince=now).status_code == 400


def test_a_bulk_admin_call_changes_many_objects_as_single_calls_would(emulator, api):
    realm = api.base.rsplit("/", 1)[1]
    emulator.advance(60)
    start = emulator.admin("GET", "/clock")["now"]
    emulator.advance(1)  # MetaData times have whole seconds
    invoices = api.query("SELECT * FROM Invoice MAXRESULTS 5").json()["QueryResponse"]["Invoice"]
    ids = [invoice["Id"] for invoice in invoices]
    bulk = f"/companies/{realm}/entities/Invoice/bulk"

    refused = requests.post(
        f"{emulator.url}/_emulator{bulk}", json={"delete": [ids[4], "987654321"]}, timeout=10
    )
    assert refused.status_code == 404 and "987654321" in refused.json()["error"]
    assert api.get(f"invoice/{ids[4]}").status_code == 200  # an unknown id changes nothing

    done = emulator.admin(
        "POST", bulk, json={"update": ids[:3], "patch": {"PrivateNote": "bulk"}, "delete": ids[3:]}
    )
    assert done == {"updated": 3, "deleted": 2}
    for before in invoices[:3]:
        after = api.get(f"invoice/{before['Id']}").json()["Invoice"]
        assert after["PrivateNote"] == "bulk" and after["SyncToken"] == str(int(before["SyncToken"]) + 1)
    changed = api.get("cdc", entities="Invoice", changedSince=start).json()
    rows = changed["CDCResponse"][0]["QueryResponse"][0]["Invoice"]
    assert sorted(r["Id"] for r in rows if r.get("status") != "Deleted") == sorted(ids[:3])
    assert sorted(r["Id"] for r in rows if r.get("status") == "Deleted") == sorted(ids[3:])


def test_cdc_caps_the_whole_answer_at_1000_objects():
    with running({"SEED": [{"name": "Busy", "invoices": 1200, "seed": 2}]}) as emulator:
        token, realm = connect(emulator)
        api = Api(emulator, token["access_token"], realm)
        since = emulator.admin("GET", "/clock")["now"]
        emulator.advance(1)  # MetaData times have whole seconds
        for entity, count, field in (
            ("Invoice", 700, "PrivateNote"),
            ("Customer", 140, "Notes"),
            ("Vendor", 40, "Notes"),
            ("Payment", 400, "PrivateNote"),
        ):
            ids = [
                row["Id"] for row in emulator.admin("GET", f"/companies/{realm}/entities/{entity}")[entity]
            ]
            edit = {"update": ids[:count], "patch": {field: "x"}}
            assert (
                emulator.admin("POST", f"/companies/{realm}/entities/{entity}/bulk", json=edit)["updated"]
                == count
            )
        groups = api.get("cdc", entities="Invoice,Customer,Vendor,Payment", changedSince=since).json()
        sizes = {
            next(iter(group)): group["maxResults"] for group in groups["CDCResponse"][0]["QueryResponse"]
        }
        assert (
            sum(sizes.values()) == 1000 and sizes["Invoice"] == 700 and sizes["Payment"] == 1000 - 700 - 180
        )


def test_throttle_after_500_requests_a_minute():
    with running({"LIMITS": {"per_minute": 500, "concurrent": 10}}) as emulator:
        token, realm = connect(emulator)
        api = Api(emulator, token["access_token"], realm)
        with requests.Session() as session:
            statuses = [
                session.get(f"{api.base}/preferences", headers=api.headers, timeout=10).status_code
                for _ in range(500)
            ]
        assert set(statuses) == {200}
        throttled = api.get("preferences")
        assert throttled.status_code == 429 and throttled.headers["Retry-After"] == "60"
        error = throttled.json()["Fault"]["Error"][0]
        assert error["code"] == "3001"
        assert error["Message"] == "message=ThrottleExceeded; errorCode=003001; statusCode=429"
        emulator.advance(timedelta(minutes=1).total_seconds())
        assert api.get("preferences").status_code == 200


def test_more_than_ten_concurrent_requests_are_throttled():
    with running() as emulator:
        token, realm = connect(emulator)
        api = Api(emulator, token["access_token"], realm)
        emulator.admin("POST", "/faults", json={"kind": "read", "status": None, "latency_ms": 300})
        with ThreadPoolExecutor(max_workers=14) as pool:
            statuses = list(pool.map(lambda _: api.get("preferences").status_code, range(14)))
        assert statuses.count(429) >= 1 and statuses.count(200) >= 10


@pytest.mark.parametrize(
    ("name", "params"),
    [
        (
            "ProfitAndLoss",
            {"start_date": "2025-01-01", "end_date": "2025-06-30", "summarize_column_by": "Month"},
        ),
        ("BalanceSheet", {"date_macro": "Last Fiscal Year", "accounting_method": "Cash"}),
        ("agedreceivables", {}),
    ],
)
def test_reports_route_serves_the_computed_report_bare(emulator, api, name, params):
    realm = api.base.rsplit("/", 1)[1]
    response = api.get(f"reports/{name}", **params)
    assert response.status_code == 200, response.text
    served = response.json()
    expected = build_report(
        name, {"minorversion": "75", **params}, emulator.app.extensions["qbo"].companies[realm]
    )
    assert set(served) == {"Header", "Columns", "Rows"}  # bare: no envelope, no `time`
    for body in (served, expected):
        body["Header"].pop("Time")
    assert served == expected and served["Rows"]["Row"]


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("reports/ProfitAndLoss", {"start_date": "2025-02-01", "end_date": "2025-01-01"}),
        ("reports/NoSuchReport", {}),
    ],
)
def test_report_parameter_errors_are_fault_2030(api, path, params):
    response = api.get(path, **params)
    assert response.status_code == 400
    error = response.json()["Fault"]["Error"][0]
    assert error["code"] == "2030" and error["Message"] == "Invalid report parameter"


def test_day_old_tokens_still_read_after_refresh(emulator):
    token, realm = connect(emulator)
    emulator.advance(DAY)
    assert Api(emulator, token["access_token"], realm).get("preferences").status_code == 401


def test_opt_in_ten_per_second_per_realm():
    limiter = (
        create_app({"LIMITS": {"per_minute": 500, "concurrent": 10, "per_second": 10}})
        .extensions["qbo"]
        .limiter
    )
    admitted = [limiter.enter("1", 1000.0 + n / 100) for n in range(11)]  # 11 requests within 0.1 s
    for _ in range(sum(admitted)):
        limiter.leave("1")
    assert admitted == [True] * 10 + [False]
    assert limiter.enter("2", 1000.2)  # another realm has its own budget
    assert limiter.enter("1", 1001.05)  # a second later there is room again
    assert create_app().extensions["qbo"].limiter.per_second is None  # off unless asked for


def test_every_response_carries_an_intuit_tid(emulator, api):
    responses = [
        requests.get(f"{emulator.url}/.well-known/openid_configuration", timeout=10),
        requests.get(f"{emulator.url}/connect/oauth2", timeout=10),  # the error page
        requests.post(f"{emulator.url}/oauth2/v1/tokens/bearer", data={"grant_type": "x"}, timeout=10),
        requests.get(f"{emulator.url}/op/v1/jwks", timeout=10),
        requests.get(f"{emulator.url}/no/such/page", timeout=10),
        requests.get(f"{emulator.url}/_emulator/clock", timeout=10),
        api.get("preferences"),
        api.get("invoice/0"),
        api.query("SELECT * FROM Unicorn"),
        requests.post(f"{api.base}/invoice", json={}, headers=api.headers, timeout=10),
    ]
    tids = [response.headers.get("intuit_tid", "") for response in responses]
    assert all(re.fullmatch(r"1-[0-9a-f]{8}-[0-9a-f]{24}", tid) for tid in tids), tids
    assert len(set(tids)) == len(tids)
