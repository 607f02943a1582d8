"""Filters of entity sources: options to a WHERE clause; the WHERE box, checked before saving."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from exporters.dates import resolve_range
from qbo.statements import quote
from store.documents import ExporterOptions, Party, Status

OPERATORS = ("<=", ">=", "=", "<", ">", "IN", "LIKE")
ALWAYS_QUERYABLE = ("Id", "MetaData.CreateTime", "MetaData.LastUpdatedTime")


class WhereError(ValueError):
    """The WHERE box holds something QuickBooks would refuse; the message says what and where."""


def ref_condition(field: str, ids: Sequence[str]) -> str | None:
    """`CustomerRef = '1'` or `CustomerRef IN ('1','2')` for one or more ids."""
    if not ids:
        return None
    if len(ids) == 1:
        return f"{field} = {quote(ids[0])}"
    return f"{field} IN ({','.join(quote(i) for i in ids)})"


def status_conditions(status: Status | None, today: date) -> list[str]:
    """Open/overdue/paid as conditions on Balance and DueDate."""
    if not status:
        return []
    if status == "paid":
        return ["Balance = '0'"]
    conditions = ["Balance > '0'"]
    if status == "overdue":
        conditions.append(f"DueDate < {quote(today.isoformat())}")
    return conditions


@dataclass(frozen=True)
class FilterSpec:
    """Which option filters an entity source supports."""

    date_field: str | None = "TxnDate"
    party: tuple[tuple[Party, str], ...] = ()  # (id filter, QBO ref field), e.g. ("customer", "CustomerRef")
    has_status: bool = False
    name_list: bool = False


def where_clause(spec: FilterSpec, options: ExporterOptions, today: date, fields: Iterable[str]) -> str:
    """The WHERE clause (without the keyword) an exporter's options ask for."""
    conditions: list[str] = []
    if spec.name_list:
        conditions.append("Active IN (true,false)" if options.include_inactive else "Active = true")
    if spec.date_field and options.date_range:
        start, end = resolve_range(options.date_range, today)
        conditions += [f"{spec.date_field} >= {quote(start)}", f"{spec.date_field} <= {quote(end)}"]
    for party, field in spec.party:
        if (condition := ref_condition(field, options.ids(party))) is not None:
            conditions.append(condition)
    if spec.has_status:
        conditions += status_conditions(options.status, today)
    if options.where:
        conditions.append(validate_where(fields, options.where))
    return " AND ".join(conditions)


# -- the WHERE box ---------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<string>'(?:[^'\\]|\\.)*')
      | (?P<number>-?\d+(?:\.\d+)?)
      | (?P<op><=|>=|=|<|>)
      | (?P<punct>[(),])
      | (?P<word>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
      | (?P<bad>\S)
    )""",
    re.VERBOSE,
)


def _tokens(text: str) -> list[tuple[str, str]]:
    out = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "bad"
        value = match.group(kind)
        if kind == "bad":
            if value == "'":
                raise WhereError("A quoted value is not closed: add the missing '")
            raise WhereError(f"Unexpected character '{value}' in the filter")
        out.append((kind, value))
    return out


class _Parser:
    """`field op value [AND field op value ...]`; IN takes a list; LIKE takes a quoted pattern."""

    def __init__(self, text: str, fields: Iterable[str]) -> None:
        self.tokens = _tokens(text)
        self.pos = 0
        self.fields = {f.lower(): f for f in [*fields, *ALWAYS_QUERYABLE]}

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, what: str) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise WhereError(f"The filter ends too early: expected {what}")
        self.pos += 1
        return token

    def parse(self) -> str:
        if not self.tokens:
            raise WhereError("The filter is empty")
        parts = [self.condition()]
        while self.peek() is not None:
            kind, value = self.take("AND")
            if kind == "word" and value.upper() == "OR":
                raise WhereError("QuickBooks queries don't support OR: use IN (...) for several values")
            if not (kind == "word" and value.upper() == "AND"):
                raise WhereError(f"Expected AND between conditions, found '{value}'")
            parts.append(self.condition())
        return " AND ".join(parts)

    def condition(self) -> str:
        kind, name = self.take("a field name")
        if kind != "word":
            raise WhereError(f"Expected a field name, found '{name}'")
        field = self.fields.get(name.lower())
        if field is None:
            known = ", ".join(sorted(set(self.fields.values()))[:25])
            raise WhereError(f"Unknown field '{name}'. Fields you can filter on: {known}")
        kind, op = self.take(f"an operator after {field}")
        op = op.upper()
        if op not in OPERATORS:
            raise WhereError(f"Expected an operator (=, <, >, <=, >=, IN, LIKE) after {field}, found '{op}'")
        if op == "IN":
            return f"{field} IN ({self.value_list()})"
        value_kind, value = self.take(f"a value after {field} {op}")
        if op == "LIKE" and value_kind != "string":
            raise WhereError(f"LIKE needs a quoted pattern, e.g. {field} LIKE 'Acme%'")
        return f"{field} {op} {self.value(value_kind, value)}"

    def value_list(self) -> str:
        if self.take("(")[1] != "(":
            raise WhereError("IN needs a list in parentheses, e.g. IN ('1','2')")
        values = []
        while True:
            values.append(self.value(*self.take("a value")))
            kind, value = self.take(") to close the list")
            if value == ")":
                return ",".join(values)
            if value != ",":
                raise WhereError(f"Expected , or ) in the IN list, found '{value}'")

    @staticmethod
    def value(kind: str, value: str) -> str:
        if kind in ("string", "number"):
            return value
        if kind == "word" and value.lower() in ("true", "false"):
            return value.lower()
        raise WhereError(f"'{value}' is not a value: put text and dates in single quotes, e.g. '{value}'")


def validate_where(fields: Iterable[str], text: str) -> str:
    """The analyst's WHERE text, normalised; raises WhereError with a message to show before saving."""
    return _Parser(text.strip().removeprefix("WHERE ").removeprefix("where "), fields).parse()
