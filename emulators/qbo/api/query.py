"""Parse a QBO query statement (grammar in query.lark) into a `Query`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lark import Lark, Token, Transformer, UnexpectedInput

from emulators.qbo.api.faults import QueryFault

MAX_RESULTS = 1000
DEFAULT_RESULTS = 100
_PARSER = Lark(Path(__file__).with_name("query.lark").read_text(), parser="lalr")


class Today:
    """The CURRENT_DATE literal, resolved against the emulator clock when filtering."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Today)

    def __hash__(self) -> int:
        return 0


@dataclass(frozen=True)
class Condition:
    path: tuple[str, ...]
    op: str  # = < > <= >= IN LIKE
    values: tuple  # one value, or the IN list; str | float | bool | Today


@dataclass
class Query:
    entity: str
    count: bool = False
    conditions: list[Condition] = field(default_factory=list)
    order: list[tuple[tuple[str, ...], bool]] = field(default_factory=list)  # (path, descending)
    start_position: int = 1
    max_results: int = DEFAULT_RESULTS
    also: list[tuple[str, ...]] = field(default_factory=list)  # properties named after `*` (all are returned)


class _Build(Transformer):
    """Turn the parse tree into a Query."""

    def start(self, items: list) -> Query:
        projection, entity, *clauses = items
        count = projection == "count"
        query = Query(entity=str(entity), count=count, also=[] if count else projection)
        for kind, value in clauses:
            setattr(query, kind, value)
        return query

    def star(self, paths: list) -> list[tuple[str, ...]]:
        return list(paths)

    def count(self, _: list) -> str:
        return "count"

    def where(self, conditions: list) -> tuple:
        return "conditions", list(conditions)

    def compare(self, items: list) -> Condition:
        path, op, value = items
        return Condition(path, str(op), (value,))

    def member(self, items: list) -> Condition:
        return Condition(items[0], "IN", tuple(items[1:]))

    def like(self, items: list) -> Condition:
        return Condition(items[0], "LIKE", (_unquote(items[1]),))

    def orderby(self, items: list) -> tuple:
        return "order", [item for item in items if not isinstance(item, Token)]

    def order(self, items: list) -> tuple:
        descending = len(items) > 1 and str(items[1]).upper() == "DESC"
        return items[0], descending

    def startposition(self, items: list) -> tuple:
        return "start_position", int(items[0])

    def maxresults(self, items: list) -> tuple:
        return "max_results", int(items[0])

    def field(self, names: list) -> tuple[str, ...]:
        return tuple(str(name) for name in names)

    def string(self, items: list) -> str:
        return _unquote(items[0])

    def number(self, items: list) -> float:
        return float(items[0])

    def true(self, _: list) -> bool:
        return True

    def false(self, _: list) -> bool:
        return False

    def today(self, _: list) -> Today:
        return Today()


def _unquote(token: Token) -> str:
    return str(token)[1:-1].replace("\\'", "'")


def parse(statement: str) -> Query:
    """Parse or raise QueryFault 4000 (syntax) / 4001 (MAXRESULTS out of range)."""
    try:
        tree = _PARSER.parse(statement.strip().rstrip(";"))
    except UnexpectedInput as error:
        raise QueryFault.parse(_encountered(statement, error)) from error
    query = _Build().transform(tree)
    if query.max_results > MAX_RESULTS:
        raise QueryFault.validation(
            f"value {query.max_results} is too large. Max allowed value is {MAX_RESULTS}"
        )
    if query.max_results < 1 or query.start_position < 1:
        raise QueryFault.validation("STARTPOSITION and MAXRESULTS must be positive")
    return query


def _encountered(statement: str, error: UnexpectedInput) -> str:
    """`Encountered " <IDENTIFIER> "TxnDate "" at line 1, column 29.` like the sandbox."""
    token = getattr(error, "token", None)
    if token is not None and getattr(token, "type", "") == "$END":
        return f'Encountered "<EOF>" at line {error.line}, column {error.column}.'
    text = str(token) if token is not None else statement[error.pos_in_stream : error.pos_in_stream + 1]
    kind = "IDENTIFIER" if text[:1].isalpha() and text.upper() != "OR" else text.upper()
    return f'Encountered " <{kind}> "{text} "" at line {error.line}, column {error.column}.'
