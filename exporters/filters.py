"""Filters of entity sources: options to a WHERE clause; the WHERE box, checked before saving."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from exporters.dates import resolve_range
from qbo.statements import quote
from store.documents import ExporterOptions, Party, Status

OPERATORS = ("<=", ">=", "=", "<", ">", "IN", "LIKE")
# Fields every entity has, with the column type their values take.
ALWAYS_QUERYABLE = {"Id": "text", "MetaData.CreateTime": "datetime", "MetaData.LastUpdatedTime": "datetime"}
# What a value compared with a field of each column type looks like (said when one doesn't fit).
EXPECTED = {
    "date": "a date in quotes, like '2024-01-31'",
    "datetime": "a date or date and time in quotes, like '2024-01-31' or '2024-01-31T09:00:00-08:00'",
    "number": "a number, like 5 or '5'",
    "money": "an amount, like 100 or '100.50'",
    "bool": "true or false",
}
KINDS = {
    "date": "a date",
    "datetime": "a date and time",
    "number": "a number",
    "money": "an amount",
    "bool": "true or false",
}


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


def where_clause(
    spec: FilterSpec, options: ExporterOptions, today: date, fields: Mapping[str, str] | Iterable[str]
) -> str:
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


def _fits(kind: str, value: str, type_: str) -> bool:
    """Whether a value token fits a field of the column type (text fields take any value)."""
    text = value[1:-1] if kind == "string" else value
    if type_ in ("number", "money"):
        try:
            return kind in ("string", "number") and Decimal(text).is_finite()
        except InvalidOperation:
            return False
    if type_ == "bool":
        return text.lower() in ("true", "false")
    if type_ in ("date", "datetime"):
        if kind != "string":
            return False
        try:
            (date.fromisoformat if type_ == "date" else datetime.fromisoformat)(text)
        except ValueError:
            return False
        return True
    return True


class _Parser:
    """`field op value [AND field op value ...]`; IN takes a list; LIKE takes a quoted pattern."""

    def __init__(self, text: str, fields: Mapping[str, str] | Iterable[str]) -> None:
        self.tokens = _tokens(text)
        self.pos = 0
        types = dict(fields) if isinstance(fields, Mapping) else dict.fromkeys(fields, "text")
        self.types = {**ALWAYS_QUERYABLE, **types}
        self.fields = {f.lower(): f for f in self.types}

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
            known = ", ".join(sorted(self.types)[:25])
            raise WhereError(f"Unknown field '{name}'. Fields you can filter on: {known}")
        kind, op = self.take(f"an operator after {field}")
        op = op.upper()
        if op not in OPERATORS:
            raise WhereError(f"Expected an operator (=, <, >, <=, >=, IN, LIKE) after {field}, found '{op}'")
        if op == "IN":
            return f"{field} IN ({self.value_list(field)})"
        value_kind, value = self.take(f"a value after {field} {op}")
        if value_kind == "op":
            raise WhereError(
                f"'{op}{value}' is not an operator: put one of =, <, >, <=, >= between {field} and its value"
            )
        if op == "LIKE" and value_kind != "string":
            raise WhereError(f"LIKE needs a quoted pattern, e.g. {field} LIKE 'Acme%'")
        if op == "LIKE" and self.types[field] != "text":
            raise WhereError(
                f"LIKE compares text; {field} is {KINDS[self.types[field]]}: use =, <, >, <= or >="
            )
        return f"{field} {op} {self.value(field, value_kind, value)}"

    def value_list(self, field: str) -> str:
        if self.take("(")[1] != "(":
            raise WhereError("IN needs a list in parentheses, e.g. IN ('1','2')")
        values = []
        while True:
            values.append(self.value(field, *self.take("a value")))
            kind, value = self.take(") to close the list")
            if value == ")":
                return ",".join(values)
            if value != ",":
                raise WhereError(f"Expected , or ) in the IN list, found '{value}'")

    def value(self, field: str, kind: str, value: str) -> str:
        if kind == "word" and value.lower() in ("true", "false"):
            value, kind = value.lower(), "bool"
        elif kind not in ("string", "number"):
            raise WhereError(f"'{value}' is not a value: put text and dates in single quotes, e.g. '{value}'")
        type_ = self.types[field]
        if not _fits(kind, value, type_):
            raise WhereError(f"{field} is {KINDS[type_]}: compare it with {EXPECTED[type_]}, not {value}")
        return value


def validate_where(fields: Mapping[str, str] | Iterable[str], text: str) -> str:
    """The analyst's WHERE text, normalised; raises WhereError with a message to show before saving.

    `fields` maps the names the source lets the box use to their column types (a value must fit its
    field's type: a date for TxnDate, a number for Balance); bare names are treated as text."""
    return _Parser(text.strip().removeprefix("WHERE ").removeprefix("where "), fields).parse()
