"""The QBO query language as far as the client writes it: string literals and SELECT statements."""

from __future__ import annotations


def quote(value: object) -> str:
    """A QBO query string literal: single quotes, `'` and `\\` escaped with a backslash."""
    return "'" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"


def select(entity: str, *conditions: str, order_by: str = "", count: bool = False) -> str:
    """`SELECT * | COUNT(*) FROM entity [WHERE c1 AND c2 ...] [ORDERBY order_by]` (empty conditions left out;
    QBO has no OR, so conditions only ever join with AND)."""
    statement = f"SELECT {'COUNT(*)' if count else '*'} FROM {entity}"
    where = " AND ".join(c for c in conditions if c)
    if where:
        statement += f" WHERE {where}"
    if order_by:
        statement += f" ORDERBY {order_by}"
    return statement
