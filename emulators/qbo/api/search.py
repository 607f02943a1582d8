"""Run a parsed `Query` against a company: validate names, filter, order, page or count."""

from __future__ import annotations

import bisect
import operator
import threading
from collections.abc import Callable

from emulators.qbo.api.faults import QueryFault
from emulators.qbo.api.query import Condition, Query
from emulators.qbo.api.schema import entity_name, resolve_path
from emulators.qbo.api.values import coerce, like, sort_key, typed_any
from emulators.qbo.company import NAME_LISTS, Company

_CACHE_LOCK = threading.Lock()
_OPERATORS: dict[str, Callable[[object, object], bool]] = {
    "=": operator.eq,
    "<": operator.lt,
    ">": operator.gt,
    "<=": operator.le,
    ">=": operator.ge,
}


def rows_of(company: Company, entity: str) -> list[dict]:
    if entity == "CompanyInfo":
        return [company.company_info()]
    if entity == "Preferences":
        return [company.preferences()]
    return company.entities(entity)


def value_at(row: dict, path: tuple[str, ...]) -> object:
    """The value at a dotted path; a reference (`{"value","name"}`) compares by its value."""
    current: object = row
    for name in path:
        if not isinstance(current, dict):
            return None
        current = current.get(name)
    if isinstance(current, dict) and "value" in current:
        return current["value"]
    return current


def run(company: Company, query: Query) -> dict:
    """The QueryResponse object for a query (without the `time` wrapper)."""
    entity = entity_name(query.entity)
    for path in query.also:
        resolve_path(entity, path)  # `SELECT *, Sku`: every property is returned anyway; unknown ones fault
    conditions = [_resolved(entity, condition) for condition in query.conditions]
    order = [(resolve_path(entity, path), descending) for path, descending in query.order]
    if entity in NAME_LISTS and not any(condition.path == ("Active",) for condition in conditions):
        conditions.append(Condition(("Active",), "=", (True,)))
    rows = _after_id(company, entity, conditions, order)
    if rows is None:  # (an empty keyset page, past the last Id, is an answer too: no filtering every row)
        rows = _matching(company, entity, tuple(conditions), tuple(order))
    if query.count:
        return {"totalCount": len(rows)}
    page = rows[query.start_position - 1 : query.start_position - 1 + query.max_results]
    if not page:
        return {}
    return {
        "startPosition": query.start_position,
        entity: company.encoded(entity, page),
        "maxResults": len(page),
    }


def _matching(company: Company, entity: str, conditions: tuple, order: tuple) -> list[dict]:
    """Filtered and ordered rows (default order: Id, as `entities()` returns them); paging a large
    result re-uses the last few answers until the company changes."""
    today = company.today()
    key = (company.version, today, entity, conditions, order)
    cache = company.cache
    with _CACHE_LOCK:
        if key in cache:
            cache.move_to_end(key)
            return cache[key]  # type: ignore[return-value]
    rows = rows_of(company, entity)
    if conditions:
        rows = [row for row in rows if all(_matches(row, c, today) for c in conditions)]
    ids = None
    for path, descending in reversed(order):
        rows, ids = _sorted(rows, path, descending)
    with _CACHE_LOCK:
        cache[key] = rows
        if order == BY_ID and ids is not None:  # for `_numeric_ids`
            cache[(company.version, today, entity, conditions, "ids")] = ids
        while len(cache) > 16:
            cache.popitem(last=False)
    return rows


def _sorted(
    rows: list[dict], path: tuple[str, ...], descending: bool
) -> tuple[list[dict], list[float] | None]:
    """Rows ordered by the value at `path` (stable), and their Ids as numbers when that is the order and
    every Id is plain digits (sorted in loops of C then)."""
    ids = _plain_ids(rows) if path == ("Id",) else None
    if ids is None:
        return sorted(rows, key=lambda row: sort_key(value_at(row, path)), reverse=descending), None
    if not descending and all(map(operator.le, ids, ids[1:])):
        return rows, ids  # `entities()` gives them in Id order
    order = sorted(range(len(rows)), key=ids.__getitem__, reverse=descending)
    return [rows[i] for i in order], [ids[i] for i in order]


def _plain_ids(rows: list[dict]) -> list[float] | None:
    """Each row's Id as the number `sort_key` makes of it, when every Id is plain digits without a
    leading zero (QBO's are); None otherwise. A keyset pull's first page orders every row of the
    company by Id: 100,000 Ids classified one by one took ~0.4 s of that page's answer."""
    texts = [row.get("Id") for row in rows]
    if not texts:
        return []
    if set(map(type, texts)) != {str} or not all(texts):
        return None
    digits = "".join(texts)  # type: ignore[arg-type]
    if not (digits.isascii() and digits.isdigit()) or min(texts).startswith("0"):  # type: ignore[type-var]
        return None  # (the least text starts with "0" if any does)
    return list(map(float, texts))  # type: ignore[arg-type]


BY_ID = ((("Id",), False),)


def _after_id(company: Company, entity: str, conditions: list[Condition], order: list) -> list[dict] | None:
    """A keyset page's rows (`Id > 'n' ... ORDERBY Id`, qbo.paging.ById) without filtering every row of
    the company again for each page, as a database would seek its Id index: the rows matching the other
    conditions are cached in Id order and the page starts after n by bisection. None when the query is not
    one (or an Id is not a number), for the general path. The rows are the same either way."""
    keyset = [c for c in conditions if c.path == ("Id",) and c.op == ">" and len(c.values) == 1]
    if tuple(order) != BY_ID or len(keyset) != 1:
        return None
    kind, after = typed_any(keyset[0].values[0])
    if kind != "number":
        return None
    others = tuple(c for c in conditions if c is not keyset[0])
    rows = _matching(company, entity, others, BY_ID)
    ids = _numeric_ids(company, entity, others, rows)
    if ids is None:
        return None
    return rows[bisect.bisect_right(ids, after) :]


def _numeric_ids(company: Company, entity: str, others: tuple, rows: list[dict]) -> list[float] | None:
    """The Ids of `rows` (in Id order) as numbers, cached with them; None if one is not a number."""
    key = (company.version, company.today(), entity, others, "ids")
    with _CACHE_LOCK:
        if key in company.cache:
            return company.cache[key]  # type: ignore[return-value]
    found = _plain_ids(rows)
    if found is None:
        typed = [typed_any(row.get("Id")) for row in rows]
        ids = [float(value) for kind, value in typed if kind == "number"]  # type: ignore[arg-type]
        found = ids if len(ids) == len(rows) else None
    with _CACHE_LOCK:
        company.cache[key] = found
        while len(company.cache) > 16:
            company.cache.popitem(last=False)
    return found


def _resolved(entity: str, condition: Condition) -> Condition:
    return Condition(resolve_path(entity, condition.path), condition.op, condition.values)


def _matches(row: dict, condition: Condition, today: object) -> bool:
    field = value_at(row, condition.path)
    if field is None:
        return False
    if condition.op == "LIKE":
        return like(field, str(condition.values[0]))
    if condition.op == "IN":
        return any(_compare(field, "=", value, today) for value in condition.values)
    return _compare(field, condition.op, condition.values[0], today)


def _compare(field: object, op: str, literal: object, today: object) -> bool:
    pair = coerce(field, literal, today)  # type: ignore[arg-type]
    if pair is None:
        raise QueryFault.validation(f"Cannot compare {field!r} with {literal!r} using {op}")
    try:
        return _OPERATORS[op](*pair)
    except TypeError as error:
        raise QueryFault.processing(f"Operator {op} is not supported for this property") from error
