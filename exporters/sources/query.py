"""Entity queries: `SELECT *` paged 1000 rows at a time, asking for every custom field when columns need them.

QBO returns enhanced custom fields only with `include=enhancedAllCustomFields` on the query request; the
qbo client's `query()` takes no request parameters, so with custom-field columns the pages are asked
through its `request()` (same paging: STARTPOSITION 1-based, stop at a short page).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from exporters.columns import CUSTOM_PREFIX

PAGE = 1000
ALL_CUSTOM_FIELDS = {"include": "enhancedAllCustomFields"}


def wants_custom_fields(keys: Sequence[str] | None) -> bool:
    return keys is not None and any(k.startswith(CUSTOM_PREFIX) for k in keys)


def select(
    client: Any, entity: str, where: str = "", order_by: str = "", custom_fields: bool = False
) -> Iterator[dict]:
    """Every object of `SELECT * FROM entity [WHERE ..] [ORDERBY ..]`, page by page."""
    if not custom_fields:
        yield from client.query(entity, where=where, order_by=order_by, page_size=PAGE)
        return
    statement = f"SELECT * FROM {entity}" + (f" WHERE {where}" if where else "")
    statement += f" ORDERBY {order_by}" if order_by else ""
    position = 1
    while True:
        body = f"{statement} STARTPOSITION {position} MAXRESULTS {PAGE}"
        page = client.request("POST", "query", params=ALL_CUSTOM_FIELDS, body=body)
        rows = page.get("QueryResponse", {}).get(entity) or []
        yield from rows
        if len(rows) < PAGE:
            return
        position += len(rows)
