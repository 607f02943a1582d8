"""Batch (qbo-api.md §2.6, limits §4.3): query items answered in order, each with its own Fault.

`{"BatchItemRequest":[{"bId":"1","Query":"SELECT ..."}, ...]}` →
`{"BatchItemResponse":[{"bId":"1","QueryResponse":{...}} | {"bId":"1","Fault":{...}}]}`.
One bad item does not fail the others. Write operations (`operation` create/update/delete with an
entity body) get their own "Unsupported Operation" Fault: the emulator is read-only.
"""

from __future__ import annotations

from emulators.qbo.api.faults import Fault, unsupported
from emulators.qbo.api.query import parse
from emulators.qbo.api.search import run
from emulators.qbo.company import Company

MAX_ITEMS = 30  # the batch page: "up to 30 payloads" (node-quickbooks#145, .NET SDK#363)


def _request_fault(detail: str) -> Fault:
    """The whole batch refused: not a list of items, or more than MAX_ITEMS [U: Intuit's code and wording]."""
    return Fault(400, "2030", "Invalid Batch Request", detail)


def items_of(body: object) -> list[dict]:
    """The BatchItemRequest list of a request body, or a 400 Fault for the whole batch."""
    items = body.get("BatchItemRequest") if isinstance(body, dict) else None
    if not isinstance(items, list) or not items or not all(isinstance(item, dict) for item in items):
        raise _request_fault("BatchItemRequest must be a non-empty list of batch items")
    if len(items) > MAX_ITEMS:
        raise _request_fault(
            f"The batch has {len(items)} items; a batch may carry at most {MAX_ITEMS} payloads"
        )
    return items


def answer(company: Company, body: object, path: str) -> dict:
    """The BatchItemResponse for a request body, items in request order."""
    return {"BatchItemResponse": [_item(company, item, path) for item in items_of(body)]}


def _item(company: Company, item: dict, path: str) -> dict:
    bid = item.get("bId")
    try:
        statement = item.get("Query")
        if not isinstance(statement, str):
            operation = str(item.get("operation") or "write").upper()
            raise unsupported(operation, path)
        return {"bId": bid, "QueryResponse": run(company, parse(statement))}
    except Fault as fault:
        return {"bId": bid, "Fault": fault.envelope()}
