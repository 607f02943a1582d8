"""Each paging strategy of `QboClient.query` against the QBO emulator, while the company changes mid-pull.

Small pages (`page_size`) make a pull of a few dozen invoices take several pages; what happens between
two pages is an analyst editing or deleting an invoice in QuickBooks, through the emulator's admin API.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable

import pytest

from qbo.client import QboClient
from qbo.errors import QboError
from qbo.paging import ById, ByPosition, ByUpdatedTime, updated_time
from tests.qbo.intuit import Admin

INVOICES = 25
PAGE = 10


@pytest.fixture
def client(make_client, admin: Admin) -> QboClient:
    """A client of a new company of 25 invoices (its realm: `client.realm_id`)."""
    return make_client(admin.company("Paging Co", invoices=INVOICES))


def invoice_ids(admin: Admin, realm: str) -> list[str]:
    return [str(i["Id"]) for i in admin.call("GET", f"companies/{realm}/entities/Invoice")["Invoice"]]


def after_first_page(client: QboClient, change: Callable[[list[dict]], None]) -> None:
    """Once the first page of a query comes back, `change` alters the company (as an analyst would in
    QuickBooks) before the next page is asked for. The client is the real one; only this hook is added."""
    send, done = client.request, []

    def request(method: str, path: str, params: dict | None = None, body: str | None = None) -> dict:
        reply = send(method, path, params=params, body=body)
        if path == "query" and not done:
            done.append(True)
            change(reply["QueryResponse"]["Invoice"])
        return reply

    client.request = request


def delete(admin: Admin, realm: str) -> Callable[[list[dict]], None]:
    """Delete the first invoice of the page just read."""
    return lambda page: admin.call("DELETE", f"companies/{realm}/entities/Invoice/{page[0]['Id']}")


def test_by_position_pages_along_the_callers_order_and_stops_at_a_short_page(client, admin):
    realm = client.realm_id
    rows = list(client.query("Invoice", order_by="TxnDate", paging=ByPosition(), page_size=PAGE))
    assert sorted(r["Id"] for r in rows) == sorted(invoice_ids(admin, realm))
    assert [r["TxnDate"] for r in rows] == sorted(r["TxnDate"] for r in rows)
    assert client.calls == math.ceil(INVOICES / PAGE)


def test_by_position_skips_an_object_when_one_read_before_it_is_deleted(client, admin):
    """Why full pulls page by Id: the deletion shifts the rest one place back, past the cursor."""
    realm = client.realm_id
    before = sorted(invoice_ids(admin, realm), key=int)
    after_first_page(client, delete(admin, realm))
    rows = [r["Id"] for r in client.query("Invoice", order_by="Id", paging=ByPosition(), page_size=PAGE)]
    assert before[PAGE] not in rows  # the first object of the second page was never returned
    assert len(rows) == INVOICES - 1


def test_by_id_returns_every_object_once_when_one_is_deleted_mid_pull(client, admin):
    realm = client.realm_id
    before = sorted(invoice_ids(admin, realm), key=int)
    after_first_page(client, delete(admin, realm))
    rows = [r["Id"] for r in client.query("Invoice", paging=ById(), page_size=PAGE)]
    assert rows == before  # the deleted one was read before it went; nothing skipped, nothing twice
    assert client.calls == math.ceil(INVOICES / PAGE)


def test_by_id_ends_on_a_page_boundary_with_one_empty_page_and_sees_objects_created_mid_pull(client, admin):
    def create(_page: list[dict]) -> None:
        customer = _page[0]["CustomerRef"]
        body = {"CustomerRef": customer, "Line": [], "TxnDate": "2026-01-05"}
        admin.call("POST", f"companies/{client.realm_id}/entities/Invoice", json=body)

    after_first_page(client, create)
    rows = [r["Id"] for r in client.query("Invoice", paging=ById(), page_size=13)]
    assert len(rows) == len(set(rows)) == INVOICES + 1 == 2 * 13  # the new one comes last
    assert rows == sorted(rows, key=int)
    assert client.calls == 2 + 1  # two full pages, then the empty page that says it is over


def test_by_id_refuses_an_order_it_cannot_keep(client):
    with pytest.raises(ValueError, match="orders by Id"):
        next(client.query("Invoice", order_by="TxnDate", paging=ById()))
    assert client.calls == 0


class DescendingIds(ById):
    """A keyset on Id whose pages come back in the wrong order, as if QBO ordered Ids otherwise."""

    def order_by(self, requested: str) -> str:
        return "Id DESC"


def test_by_id_stops_loudly_when_ids_do_not_rise(client):
    """If QuickBooks ever ordered Ids otherwise than the keyset assumes, the pull fails after the first
    page instead of skipping or repeating objects."""
    with pytest.raises(QboError, match="while paging by Id"):
        list(client.query("Invoice", paging=DescendingIds(), page_size=PAGE))
    assert client.calls == 1


def test_by_updated_time_returns_every_changed_object_when_one_is_edited_mid_pull(client, admin):
    realm = client.realm_id

    def edit(page: list[dict]) -> None:
        body = {"PrivateNote": "edited during the pull"}
        admin.call("POST", f"companies/{realm}/entities/Invoice/{page[0]['Id']}", json=body)

    after_first_page(client, edit)
    rows = list(client.query("Invoice", paging=ByUpdatedTime("2000-01-01T00:00:00Z"), page_size=PAGE))
    ids = Counter(r["Id"] for r in rows)
    edited = rows[0]["Id"]
    assert set(ids) == set(invoice_ids(admin, realm))  # nobody pushed out
    assert ids[edited] == 2 and sum(ids.values()) == INVOICES + 1  # only the edited one twice, its new
    assert rows[-1]["Id"] == edited and rows[-1]["PrivateNote"] == "edited during the pull"  # version last
    assert [updated_time(r) for r in rows] == sorted(updated_time(r) for r in rows)
    assert client.calls == math.ceil((INVOICES + 1) / PAGE)


def test_by_updated_time_ends_when_one_second_holds_more_than_a_page(client, admin):
    realm = client.realm_id
    now = str(admin.call("GET", "clock")["now"])  # emulator time in the company zone
    since = now[:19] + now[-6:]  # whole seconds, as QBO writes LastUpdatedTime
    for invoice_id in invoice_ids(admin, realm)[:13]:
        admin.call("POST", f"companies/{realm}/entities/Invoice/{invoice_id}", json={"PrivateNote": "x"})
    invoices = admin.call("GET", f"companies/{realm}/entities/Invoice")["Invoice"]
    changed = sorted(str(i["Id"]) for i in invoices if updated_time(i) >= since)  # the 13 (and any
    # generated invoice stamped in that same second)
    assert len(changed) >= 13
    assert max(Counter(updated_time(i) for i in invoices).values()) > 3  # a second holds more than a page

    rows = list(client.query("Invoice", paging=ByUpdatedTime(since), page_size=3))

    assert sorted(r["Id"] for r in rows) == changed  # each once, none missed, and the pull ended
    assert client.calls == len(changed) // 3 + 1  # full pages, then a short (or empty) one
