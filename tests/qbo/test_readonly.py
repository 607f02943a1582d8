"""Design Decision 4, proven from the emulator's own request log: the client only reads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from qbo.errors import WriteRefused
from tests.qbo.intuit import Admin


@pytest.fixture
def realm(admin: Admin) -> str:
    return admin.company("Read Only Books", invoices=25)


def test_every_client_method_sends_only_gets_and_query_posts(make_client, admin, realm):
    client = make_client(realm)
    invoices = list(client.query("Invoice"))
    client.count("Customer")
    client.read("Invoice", invoices[0]["Id"])
    client.company_info()
    client.preferences()
    client.report("ProfitAndLoss", {"date_macro": "This Fiscal Year"})
    changed_since = datetime.fromisoformat(client.request("GET", f"companyinfo/{realm}")["time"])
    client.cdc(["Invoice"], changed_since.astimezone(UTC) - timedelta(days=1))

    seen = admin.requests(realm)

    assert {method for method, _ in seen} == {"GET", "POST"}
    assert all(method == "GET" or kind == "query" for method, kind in seen), seen
    assert sum(seen.values()) == client.calls


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_a_write_is_refused_before_anything_is_sent(make_client, admin, realm, method):
    client = make_client(realm)
    client.company_info()
    before = admin.requests(realm)

    with pytest.raises(WriteRefused) as caught:
        client.session.request(method, f"{client.base}/invoice", json={"CustomerRef": {"value": "1"}})
    with pytest.raises(WriteRefused):
        client.request(method, "invoice?operation=delete", body='{"Id": "1"}')

    assert "only reads" in str(caught.value)
    assert admin.requests(realm) == before
