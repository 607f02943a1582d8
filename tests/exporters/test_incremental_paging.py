"""Incremental pulls page by time: an object updated during a long pull pushes no other object out."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from exporters.catalog import get_source
from exporters.incremental import pull
from exporters.sources.base import RunContext
from store.documents import ExporterOptions
from store.models import utcnow
from tests.qbo.fixtures import own_qbo_emulator  # noqa: F401 - this module moves Intuit's clock


def edit_during_the_pull(client: Any, edit: Callable[[str], None]) -> dict:
    """Right after the first full page of a query comes back, someone edits its first object in
    QuickBooks (it moves to the end of the LastUpdatedTime order). The client itself is the real one."""
    send, state = client.request, {"edited": False}

    def request(method: str, path: str, params: dict | None = None, body: str | None = None) -> dict:
        reply = send(method, path, params=params, body=body)
        rows = reply.get("QueryResponse", {}).get("Invoice") or []
        if path == "query" and not state["edited"] and len(rows) == 1000:
            edit(rows[0]["Id"])
            state["edited"] = True
        return reply

    client.request = request
    return state


def test_an_object_updated_during_a_long_pull_pushes_no_other_out(company_client, admin):
    realm, client = company_client("Busy Co", invoices=1010)
    start = utcnow() - timedelta(seconds=2)
    ids = [str(i["Id"]) for i in admin.call("GET", f"companies/{realm}/entities/Invoice")["Invoice"]]

    def edit(invoice_id: str) -> None:
        admin.call("POST", f"companies/{realm}/entities/Invoice/{invoice_id}", json={"PrivateNote": "x"})

    # 1,010 objects changed since the watermark (two pages of changes), 300 a second as people work
    for second, first in enumerate(range(0, len(ids), 300)):
        admin.advance(second and 1)  # LastUpdatedTime has whole seconds
        admin.call(
            "POST",
            f"companies/{realm}/entities/Invoice/bulk",
            json={"update": ids[first : first + 300], "patch": {"PrivateNote": "x"}},
        )
    admin.advance(1)  # the edit during the pull lands later than all of them
    state = edit_during_the_pull(client, edit)

    changes = pull(client, get_source("invoices"), ExporterOptions(), RunContext(), start)

    assert state["edited"]
    assert sorted(str(r["Id"]) for r in changes.records) == sorted(ids)  # none skipped, none twice
