"""Each entity's JSON is made once (`Company.encoded`): answers keep the bytes of the plain dicts, and an
entity read once is answered changed, or gone, after a write through any path."""

from __future__ import annotations

import orjson
import pytest

from emulators.qbo.clock import Clock
from emulators.qbo.generate import generate
from tests.emulators.qbo.emulator_harness import Api, running

PAGE = "SELECT * FROM Customer WHERE Id > '0' ORDERBY Id MAXRESULTS 1000"


@pytest.fixture
def emulator():
    with running() as emulator:
        yield emulator


def _customers(api: Api) -> dict[str, dict]:
    return {row["Id"]: row for row in api.query(PAGE).json()["QueryResponse"]["Customer"]}


def test_answers_are_the_bytes_of_the_entities_as_they_are(emulator, api):
    company = emulator.app.extensions["qbo"].companies[api.base.rsplit("/", 1)[1]]
    for _ in range(2):  # the first answer makes the fragments, the second re-uses them
        response = api.query(PAGE)
        customers = [row for row in company.entities("Customer") if row["Active"]]
        body = {
            "QueryResponse": {"startPosition": 1, "Customer": customers, "maxResults": len(customers)},
            "time": response.json()["time"],
        }
        assert response.content == orjson.dumps(body, option=orjson.OPT_NON_STR_KEYS)
    first = customers[0]
    read = api.get(f"customer/{first['Id']}")
    assert read.content == orjson.dumps({"Customer": first, "time": read.json()["time"]})


def test_an_entity_read_once_is_answered_changed_after_each_admin_write(emulator, api):
    admin, realm = emulator.admin, api.base.rsplit("/", 1)[1]
    entities = f"/companies/{realm}/entities/Customer"
    before = _customers(api)
    ids = sorted(before, key=int)
    assert api.get(f"customer/{ids[0]}").json()["Customer"] == before[ids[0]]

    admin("POST", f"{entities}/{ids[0]}", json={"Notes": "edited"})
    admin(
        "POST", f"{entities}/bulk", json={"update": [ids[1]], "patch": {"Notes": "bulk"}, "delete": [ids[2]]}
    )
    admin("DELETE", f"{entities}/{ids[3]}")
    created = admin("POST", entities, json={"DisplayName": "New Co", "Active": True})["Customer"]

    after = _customers(api)
    assert after[ids[0]]["Notes"] == "edited" and after[ids[0]]["SyncToken"] == "1"
    assert api.get(f"customer/{ids[0]}").json()["Customer"] == after[ids[0]]
    assert after[ids[1]]["Notes"] == "bulk"
    assert ids[2] not in after and ids[3] not in after
    assert api.get(f"customer/{ids[3]}").status_code == 400
    assert after[created["Id"]]["DisplayName"] == "New Co"
    assert {i: after[i] for i in ids[4:]} == {i: before[i] for i in ids[4:]}
    changed = api.get("cdc", entities="Customer", changedSince=admin("GET", "/clock")["now"][:10])
    groups = changed.json()["CDCResponse"][0]["QueryResponse"][0]["Customer"]
    assert {row["Id"]: row.get("Notes") for row in groups if row["Id"] in ids[:2]} == {
        ids[0]: "edited",
        ids[1]: "bulk",
    }


def test_a_generated_or_loaded_entity_replaces_the_one_read_before():
    """`load` (generation, loading from disk) puts new dicts in place: they are what is answered."""
    company = generate("1001", {"name": "Loaded", "invoices": 20, "seed": 2}, Clock())
    first = company.entities("Invoice")[0]
    assert orjson.loads(orjson.dumps(company.encoded("Invoice", [first]))) == [first]

    company.load("Invoice", [{**first, "PrivateNote": "loaded again"}])
    again = company.entities("Invoice")[0]
    assert orjson.loads(orjson.dumps(company.encoded("Invoice", [again])))[0]["PrivateNote"] == "loaded again"
    company.load("Invoice", [{"Id": first["Id"], "status": "Deleted"}], deleted=True)
    stub = company.deleted("Invoice")[-1]
    assert company.encoded("Invoice", [stub]) == [stub]  # not a live entity: answered as it is
