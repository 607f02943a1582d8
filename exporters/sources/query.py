"""Entity queries: `SELECT *` paged 1000 rows at a time, asking for every custom field when columns need them.

Changed objects are paged by time (`updated_since`), not by position: an object updated while a long pull
is running moves to the end of the order, and position paging would then skip the unseen object that
slid back into the page already read.

QBO returns enhanced custom fields only with `include=enhancedAllCustomFields` on the query request; the
qbo client's `query()` takes no request parameters, so with custom-field columns the pages are asked
through its `request()` (same paging: STARTPOSITION 1-based, stop at a short page).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from exporters.columns import CUSTOM_PREFIX
from exporters.filters import quote

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


def page(
    client: Any, entity: str, where: str, order_by: str, start: int, custom_fields: bool = False
) -> list[dict]:
    """One page of `SELECT * FROM entity WHERE .. ORDERBY ..` from 1-based position `start`."""
    statement = f"SELECT * FROM {entity}" + (f" WHERE {where}" if where else "") + f" ORDERBY {order_by}"
    body = f"{statement} STARTPOSITION {start} MAXRESULTS {PAGE}"
    reply = client.request("POST", "query", params=ALL_CUSTOM_FIELDS if custom_fields else None, body=body)
    return reply.get("QueryResponse", {}).get(entity) or []


def updated_since(
    client: Any, entity: str, filters: str, since: str, custom_fields: bool = False
) -> Iterator[dict]:
    """Objects matching `filters` with LastUpdatedTime at or after `since` (a QBO timestamp), oldest
    first. Each page starts at the newest timestamp read so far; objects of that second already read are
    stepped over by position, so even a second holding more than a page of objects ends. An object read
    twice (updated during the pull) comes twice: callers keep its latest version."""
    cursor, at_cursor = since, 0
    while True:
        condition = f"MetaData.LastUpdatedTime >= {quote(cursor)}"
        where = " AND ".join(c for c in (filters, condition) if c)
        rows = page(client, entity, where, "MetaData.LastUpdatedTime", at_cursor + 1, custom_fields)
        yield from rows
        if len(rows) < PAGE:
            return
        last = str(rows[-1].get("MetaData", {}).get("LastUpdatedTime", ""))
        if not last:  # no timestamp to go on from: fall back to positions
            at_cursor += len(rows)
            continue
        read_at_last = sum(1 for r in rows if r.get("MetaData", {}).get("LastUpdatedTime") == last)
        at_cursor = at_cursor + read_at_last if last == cursor else read_at_last
        cursor = last
