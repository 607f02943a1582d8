"""Paging by Id with each page decoded while the next is on its way (`qbo.ahead`): the rows, their order
and the calls are those of paging one page at a time, whatever a page's end claims."""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Callable, Iterator

import orjson
import pytest

from exporters.prefetch import Turns, read_ahead
from qbo.ahead import Claim, Handshake, claim, decoded, raw_pages
from qbo.client import QboClient
from qbo.errors import QboFault
from tests.qbo.intuit import Admin

PAGE = 10


def pull(client, entity: str = "Invoice", page_size: int = PAGE) -> list[dict]:
    """As `EntitySource.records` pulls: the pages thread, the caller decoding, taking turns."""
    turns, handshake = Turns(), Handshake()
    pages = raw_pages(client, entity, "", handshake, on_send=turns.waiting, page_size=page_size)
    ahead = read_ahead(pages, batch_rows=1, queued_batches=1, name="ahead-pages", turns=turns)
    return list(decoded(ahead, entity, handshake))


def answer(objects: list[dict], tail: str = "") -> bytes:
    """A query's answer as QuickBooks writes it (`tail`: anything between the array and maxResults)."""
    array = orjson.dumps(objects).decode()
    return (
        f'{{"QueryResponse":{{"Invoice":{array},"startPosition":1{tail},"maxResults":{len(objects)}}},'
        '"time":"2026-12-03T10:00:00.000-08:00"}'
    ).encode()


class FakeQuickBooks:
    """Answers `Id > n` pages of invoices 1..`count` (`tamper` may change a page's bytes), counting calls."""

    def __init__(self, count: int, tamper: Callable[[int, bytes], bytes] | None = None) -> None:
        self.ids = list(range(1, count + 1))
        self.tamper = tamper or (lambda page, body: body)
        self.calls = 0
        self.last_intuit_tid = None

    def query_bytes(self, statement: str, params=None, on_send=None) -> bytes:
        self.calls += 1
        if on_send is not None:
            on_send()
        after = re.search(r"Id > '(\d+)'", statement)
        size = int(re.search(r"MAXRESULTS (\d+)", statement).group(1))  # type: ignore[union-attr]
        start = int(after.group(1)) if after else 0
        rows = [{"Id": str(i), "DocNumber": f"INV-{i}", "Line": [{"Id": "1"}]} for i in self.ids if i > start]
        body = answer(rows[:size]) if rows[:size] else b'{"QueryResponse":{},"time":"x"}'
        return self.tamper(self.calls, body)


# -- against the emulator ---------------------------------------------------------------------------


@pytest.fixture
def client(make_client, admin: Admin) -> QboClient:
    return make_client(admin.company("Ahead Co", invoices=25))


def ids_of(admin: Admin, realm: str) -> list[str]:
    return [str(i["Id"]) for i in admin.call("GET", f"companies/{realm}/entities/Invoice")["Invoice"]]


def test_every_invoice_once_in_id_order_in_one_call_a_page(client, admin):
    rows = pull(client)
    assert [r["Id"] for r in rows] == sorted(ids_of(admin, client.realm_id), key=int)
    assert client.calls == math.ceil(25 / PAGE)


def test_a_deletion_and_an_addition_mid_pull_lose_nothing_and_repeat_nothing(client, admin):
    realm = client.realm_id
    before = sorted(ids_of(admin, realm), key=int)
    send, done = client.query_bytes, []

    def query_bytes(statement, params=None, on_send=None):
        reply = send(statement, params, on_send)
        if not done:  # the first page is in: an analyst deletes an unread invoice and adds one
            done.append(True)
            admin.call("DELETE", f"companies/{realm}/entities/Invoice/{before[15]}")
            admin.call("POST", f"companies/{realm}/entities/Invoice", json={"TotalAmt": 5})
        return reply

    client.query_bytes = query_bytes
    got = [r["Id"] for r in pull(client)]
    assert got == sorted(ids_of(admin, realm), key=int)  # the deleted one gone, the new one in
    assert len(set(got)) == len(got) == 25


# -- what a page's end claims, and when it is wrong ------------------------------------------------


def test_the_claim_is_the_last_objects_id_and_the_count_past_nested_objects():
    objects = [{"Id": str(i), "Line": [{"Id": "1", "Detail": {"ItemRef": {"value": "9"}}}]} for i in (4, 7)]
    objects[-1]["PrivateNote"] = '{"Id":"99999","x":"'  # text that looks like an object: escaped, no effect
    assert claim(answer(objects), 1000) == Claim(7, 2)
    assert claim(b'{"QueryResponse":{},"time":"x"}', 1000) is None  # an empty page: nothing to claim
    assert claim(b'{"Fault":{"Error":[{"code":"500"}]},"time":"x"}', 1000) is None


def test_a_wrong_claim_costs_one_call_and_no_row():
    def tamper(
        call: int, body: bytes
    ) -> bytes:  # the first page's end points at an object that isn't its last
        if call != 1:
            return body
        rows = orjson.loads(body)["QueryResponse"]["Invoice"]
        return answer(rows, tail=',"Odd":[{"Id":"3"}]')

    quickbooks = FakeQuickBooks(25, tamper)
    assert claim(quickbooks.tamper(1, answer([{"Id": "1"}])), PAGE) == Claim(3, 1)
    rows = pull(quickbooks)
    assert [int(r["Id"]) for r in rows] == list(range(1, 26))
    assert quickbooks.calls == 3 + 1  # page 2, asked after Id 3, was asked again after Id 10


def test_a_page_claiming_to_be_full_that_is_short_ends_the_pull():
    def tamper(call: int, body: bytes) -> bytes:  # page 2 holds 5 invoices but says 10
        return body.replace(b'"maxResults":5', b'"maxResults":10') if call == 2 else body

    quickbooks = FakeQuickBooks(15, tamper)
    assert [int(r["Id"]) for r in pull(quickbooks)] == list(range(1, 16))
    assert quickbooks.calls == 3  # the page asked after it was not handed over


def test_a_page_claiming_to_be_short_that_is_full_does_not_end_the_pull():
    def tamper(call: int, body: bytes) -> bytes:  # QuickBooks' rare off-by-one in maxResults
        return body.replace(b'"maxResults":10', b'"maxResults":9') if call == 1 else body

    quickbooks = FakeQuickBooks(25, tamper)
    assert [int(r["Id"]) for r in pull(quickbooks)] == list(range(1, 26))
    assert quickbooks.calls == 3


def test_a_fault_in_a_page_is_raised_in_the_caller_after_the_rows_before_it():
    def tamper(call: int, body: bytes) -> bytes:
        if call == 2:
            return b'{"Fault":{"Error":[{"Message":"Internal","code":"3100"}],"type":"ValidationFault"}}'
        return body

    got: list[str] = []
    with pytest.raises(QboFault, match="Internal"):
        for row in pull_lazily(FakeQuickBooks(25, tamper)):
            got.append(row["Id"])
    assert got == [str(i) for i in range(1, 11)]


def pull_lazily(client) -> Iterator[dict]:
    turns, handshake = Turns(), Handshake()
    pages = raw_pages(client, "Invoice", "", handshake, on_send=turns.waiting, page_size=PAGE)
    ahead = read_ahead(pages, batch_rows=1, queued_batches=1, name="ahead-lazy", turns=turns)
    return decoded(ahead, "Invoice", handshake)


def test_a_caller_that_stops_reading_stops_the_pages_thread():
    rows = pull_lazily(FakeQuickBooks(100))
    assert next(rows)["Id"] == "1"
    rows.close()  # the writer failed: the pages thread, waiting for a verdict, must not wait forever
    for _ in range(200):
        if "ahead-lazy" not in [t.name for t in threading.enumerate()]:
            break
        threading.Event().wait(0.05)
    assert "ahead-lazy" not in [t.name for t in threading.enumerate()]
