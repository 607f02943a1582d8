"""Batch (qbo-api.md §2.6, §4.3): query items in order with their bId, per-item faults, limits."""

from __future__ import annotations

import requests

from tests.emulators.qbo.emulator_harness import Api, connect, running


def post_batch(api: Api, items: list[dict]) -> requests.Response:
    return requests.post(
        f"{api.base}/batch",
        params={"minorversion": "75"},
        json={"BatchItemRequest": items},
        headers=api.headers,
        timeout=30,
    )


def test_items_are_answered_in_order_with_their_bid_and_one_bad_query_fails_alone():
    with running() as emulator:
        token, realm = connect(emulator)
        api = Api(emulator, token["access_token"], realm)
        statements = {
            "b": "SELECT * FROM Invoice STARTPOSITION 1 MAXRESULTS 5",
            "a": "SELECT COUNT(*) FROM Customer",
            "bad-syntax": "SELECT * FROM Invoice WHERE Id = '1' OR Id = '2'",
            "unknown": "SELECT * FROM Nothing",
            "empty": "SELECT * FROM Invoice WHERE Id = '999999'",
        }
        response = post_batch(api, [{"bId": bid, "Query": query} for bid, query in statements.items()])
        assert response.status_code == 200 and "time" in response.json()
        answers = response.json()["BatchItemResponse"]
        assert [answer["bId"] for answer in answers] == list(statements)
        for bid in ("b", "a", "empty"):  # each equals the same query sent alone
            alone = api.query(statements[bid]).json()["QueryResponse"]
            assert answers[[a["bId"] for a in answers].index(bid)]["QueryResponse"] == alone, bid
        assert len(answers[0]["QueryResponse"]["Invoice"]) == 5
        assert answers[4]["QueryResponse"] == {}
        assert answers[2]["Fault"]["Error"][0]["code"] == "4000" and "QueryResponse" not in answers[2]
        assert answers[3]["Fault"] == {
            "Error": [
                {
                    "Message": "Error processing query",
                    "Detail": "QueryProcessingError: Entity Nothing is not supported for query",
                    "code": "4002",
                }
            ],
            "type": "ValidationFault",
        }


def test_write_items_get_their_own_fault_and_change_nothing():
    with running() as emulator:
        token, realm = connect(emulator)
        api = Api(emulator, token["access_token"], realm)
        before = len(emulator.admin("GET", f"/companies/{realm}/entities/Customer")["Customer"])
        items = [
            {"bId": "1", "operation": "create", "Customer": {"DisplayName": "Batch Co"}},
            {"bId": "2", "Query": "SELECT COUNT(*) FROM Customer WHERE Active IN (true, false)"},
        ]
        answers = post_batch(api, items).json()["BatchItemResponse"]
        assert answers[0]["Fault"]["Error"][0]["code"] == "500"
        assert answers[1]["QueryResponse"] == {"totalCount": before}
        assert len(emulator.admin("GET", f"/companies/{realm}/entities/Customer")["Customer"]) == before


def test_more_than_thirty_payloads_or_no_items_refuse_the_whole_batch():
    with running() as emulator:
        token, realm = connect(emulator)
        api = Api(emulator, token["access_token"], realm)
        thirty = [{"bId": str(n), "Query": "SELECT COUNT(*) FROM Item"} for n in range(30)]
        assert len(post_batch(api, thirty).json()["BatchItemResponse"]) == 30
        for items in ([*thirty, {"bId": "30", "Query": "SELECT COUNT(*) FROM Item"}], []):
            refused = post_batch(api, items)
            assert refused.status_code == 400
            assert "BatchItemResponse" not in refused.json() and refused.json()["Fault"]["Error"]


def test_batch_calls_count_in_the_minute_budget_and_have_their_own_limit():
    with running({"LIMITS": {"per_minute": 5, "concurrent": 10, "batch_per_minute": 3}}) as emulator:
        token, realm = connect(emulator)
        api = Api(emulator, token["access_token"], realm)
        item = [{"bId": "1", "Query": "SELECT COUNT(*) FROM Item"}]
        statuses = [post_batch(api, item).status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]  # the per-realm batch limit
        refused = post_batch(api, item)
        assert refused.headers["Retry-After"] == "60"
        assert refused.json()["Fault"]["Error"][0]["code"] == "3001"
        assert api.get("preferences").status_code == 429  # the 5 batch calls used the 5/minute budget
        emulator.advance(61)
        assert api.get("preferences").status_code == 200
        assert post_batch(api, item).status_code == 200
        counts = emulator.admin("GET", f"/requests?realmId={realm}")["counts"][realm]
        assert counts["batch"] == {"POST": 6}
