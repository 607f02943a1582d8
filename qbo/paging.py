"""Paging strategies for `QboClient.query`: where each page starts, kept apart from the request loop.

As the Singer SDK separates its paginators (`singer_sdk/pagination.py`) from its request loop,
`QboClient.query` is the one loop (send a page, unwrap `QueryResponse`, stop at a short page) and a
strategy object decides what the next page asks for: its ORDERBY, a WHERE condition that starts after
the cursor, and its STARTPOSITION. A strategy object serves one query: it holds that query's cursor.

- `ByPosition`: STARTPOSITION/MAXRESULTS along any ORDERBY, the contract's documented paging.
- `ByUpdatedTime`: keyset on `MetaData.LastUpdatedTime`, for changed objects (incremental pulls).
- `ById`: keyset on `Id`, for full pulls.

Why keysets: QBO queries are not snapshots. Each page is a fresh query, so whatever changes the
ordered result before the cursor shifts every later object by one place. With position paging an
object edited during a pull ordered by LastUpdatedTime moves to the end, and one deleted during a pull
ordered by Id leaves a hole: either way the first unread object slides back into the page already read
and is never returned. A keyset page starts *after the last object read* (`Id > '1000'`), so neither a
deletion nor an edit before the cursor moves where it starts.

Keyset by Id, the decision: the contract (reference/qbo-api.md §2.3) lists `> < = >= <= IN` for Id
properties and any property in ORDERBY; the grammar allows WHERE and ORDERBY together with
STARTPOSITION/MAXRESULTS. The operators-by-type table is tagged [P] (seen in third-party use, not in
Intuit's docs), and the contract does not say whether Ids compare as numbers. So full pulls use `ById`,
and `ById` checks every page against that assumption: the Ids of a page must be numbers, rising, above the
cursor. If QuickBooks ever answers otherwise the pull stops with a `QboError` that says so, instead of
silently skipping or repeating objects; switching the full pulls back to `ByPosition` is one argument.
Objects created during a pull get higher Ids and come at the end, as with position paging.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from qbo.errors import QboError
from qbo.statements import quote

Row = dict[str, Any]

UPDATED = "MetaData.LastUpdatedTime"


class Paging(Protocol):
    """What the next page of one query asks for; `advance` moves past a full page just read."""

    def order_by(self, requested: str) -> str:
        """The ORDERBY the pages follow, given the caller's (a keyset refuses any other order)."""
        ...

    def condition(self) -> str:
        """A WHERE condition ANDed to the caller's, starting the next page ("" for none)."""
        ...

    def start_position(self) -> int:
        """The next page's 1-based STARTPOSITION."""
        ...

    def advance(self, rows: Sequence[Row]) -> None: ...


def _only(order: str, requested: str) -> str:
    if requested and requested != order:
        raise ValueError(f"this paging orders by {order}; it cannot page ORDERBY {requested}")
    return order


class ByPosition:
    """STARTPOSITION/MAXRESULTS along the caller's ORDERBY (or QBO's default order). Skips one object for
    each object that leaves the order before the cursor during the pull (see the module docstring)."""

    def __init__(self) -> None:
        self.position = 1

    def order_by(self, requested: str) -> str:
        return requested

    def condition(self) -> str:
        return ""

    def start_position(self) -> int:
        return self.position

    def advance(self, rows: Sequence[Row]) -> None:
        self.position += len(rows)


def updated_time(row: Row) -> str:
    """The object's `MetaData.LastUpdatedTime` as QBO wrote it ("" when absent)."""
    return str((row.get("MetaData") or {}).get("LastUpdatedTime") or "")


class ByUpdatedTime:
    """Objects with LastUpdatedTime at or after `since` (a QBO timestamp), oldest first.

    Each page starts at the newest timestamp read so far (`>=`, because QBO timestamps have whole
    seconds and more objects of that second may follow); the objects of that second already read are
    stepped over by position, so even a second holding more than a page of objects ends. An object
    updated during the pull moves past the cursor and comes again later, never pushing an unread one
    out: callers keep the latest version of each Id.
    """

    def __init__(self, since: str) -> None:
        self.cursor = since
        self.at_cursor = 0  # objects of the cursor's second already read

    def order_by(self, requested: str) -> str:
        return _only(UPDATED, requested)

    def condition(self) -> str:
        return f"{UPDATED} >= {quote(self.cursor)}"

    def start_position(self) -> int:
        return self.at_cursor + 1

    def advance(self, rows: Sequence[Row]) -> None:
        last = updated_time(rows[-1])
        if not last:  # no timestamp to go on from: fall back to positions
            self.at_cursor += len(rows)
            return
        read_at_last = sum(1 for row in rows if updated_time(row) == last)
        self.at_cursor = self.at_cursor + read_at_last if last == self.cursor else read_at_last
        self.cursor = last


class ById:
    """Every object in Id order, each page starting after the last Id read (`Id > 'n'`): an object deleted
    or edited during the pull moves nobody. Refuses (QboError) pages whose Ids are not numbers rising past
    the cursor, the assumption this rests on (module docstring)."""

    def __init__(self, after: int | None = None) -> None:
        self.last = after  # the cursor: the last Id read (None: from the first object)

    def order_by(self, requested: str) -> str:
        return _only("Id", requested)

    def condition(self) -> str:
        return "" if self.last is None else f"Id > {quote(self.last)}"

    def start_position(self) -> int:
        return 1

    def advance(self, rows: Sequence[Row]) -> None:
        previous = self.last
        for row in rows:
            text = str(row.get("Id", ""))
            if not text.isdigit() or (previous is not None and int(text) <= previous):
                raise QboError(
                    f"QuickBooks returned Id {text!r} after {previous} while paging by Id; "
                    "paging cannot go on without skipping or repeating objects"
                )
            previous = int(text)
        self.last = previous
