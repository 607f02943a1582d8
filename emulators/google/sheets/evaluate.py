"""A small formula evaluator: arithmetic, comparisons, `&`, cell and range references, a few functions.

Enough for what a script typically writes (`=B2*C2`, `=SUM(B2:B9)`, `=IF(A1>0,"yes","no")`,
`='Invoices'!A2`). A formula it does not understand raises `Unsupported` and reads back as `""`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from emulators.google.sheets import cells
from emulators.google.sheets.a1 import Box, parse_cells
from emulators.google.sheets.cells import CellError

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<sheet>\x01\d+[\x02\x03])
    | (?P<number>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)
    | (?P<string>"(?:[^"]|"")*")
    | (?P<quoted>'(?:[^']|'')+')
    | (?P<ref>\$?[A-Za-z]{1,3}\$?\d+(?::\$?[A-Za-z]{1,3}\$?\d*)?
        |\$?[A-Za-z]{1,3}:\$?[A-Za-z]{1,3}|\$?\d+:\$?\d+)
    | (?P<name>[A-Za-z_][A-Za-z0-9_.]*)
    | (?P<op><>|<=|>=|[-+*/^&=<>(),%!])
    )""",
    re.X,
)
MAX_DEPTH = 50


class Unsupported(Exception):
    """A formula the evaluator does not model."""


@dataclass
class Area:
    """A range argument: the values of its cells, row by row (empty cells as None)."""

    values: list[list[cells.Value]]

    def flat(self) -> list[cells.Value]:
        return [v for row in self.values for v in row]


# (sheet_id or None, box) -> Area; the model supplies it, resolving other formulas recursively.
Lookup = Callable[[int | None, Box], Area]


def tokens(template: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    text = template[1:] if template.startswith("=") else template
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            if text[pos:].strip() == "":
                break
            raise Unsupported(text[pos:])
        kind = match.lastgroup or ""
        out.append((kind, match.group(kind)))
        pos = match.end()
    return out


class Parser:
    """Recursive descent over the tokens, evaluating as it goes (Sheets' operator precedence)."""

    def __init__(self, template: str, lookup: Lookup) -> None:
        self.items = tokens(template)
        self.pos = 0
        self.lookup = lookup

    def peek(self) -> tuple[str, str]:
        return self.items[self.pos] if self.pos < len(self.items) else ("end", "")

    def take(self) -> tuple[str, str]:
        item = self.peek()
        self.pos += 1
        return item

    def expect(self, op: str) -> None:
        if self.take() != ("op", op):
            raise Unsupported(f"expected {op}")

    def run(self) -> object:
        value = self.comparison()
        if self.pos != len(self.items):
            raise Unsupported("trailing tokens")
        return value

    def comparison(self) -> object:
        left = self.concat()
        kind, op = self.peek()
        if kind == "op" and op in ("=", "<>", "<", ">", "<=", ">="):
            self.take()
            return compare(scalar(left), scalar(self.concat()), op)
        return left

    def concat(self) -> object:
        left = self.additive()
        while self.peek() == ("op", "&"):
            self.take()
            left = join(scalar(left), scalar(self.additive()))
        return left

    def additive(self) -> object:
        left = self.term()
        while self.peek()[0] == "op" and self.peek()[1] in "+-":
            op = self.take()[1]
            right = self.term()
            left = arithmetic(left, right, lambda a, b, op=op: a + b if op == "+" else a - b)
        return left

    def term(self) -> object:
        left = self.power()
        while self.peek()[0] == "op" and self.peek()[1] in "*/":
            op = self.take()[1]
            left = arithmetic(left, self.power(), multiply if op == "*" else divide)
        return left

    def power(self) -> object:
        left = self.unary()
        while self.peek() == ("op", "^"):
            self.take()
            left = arithmetic(left, self.unary(), lambda a, b: a**b)
        return left

    def unary(self) -> object:
        if self.peek()[0] == "op" and self.peek()[1] in "+-":
            sign = self.take()[1]
            value = self.unary()
            return arithmetic(value, 0, lambda a, _: -a if sign == "-" else a)
        value = self.primary()
        while self.peek() == ("op", "%"):
            self.take()
            value = arithmetic(value, 0, lambda a, _: a / 100)
        return value

    def primary(self) -> object:
        kind, text = self.take()
        if kind == "number":
            return float(text)
        if kind == "string":
            return text[1:-1].replace('""', '"')
        if kind == "op" and text == "(":
            value = self.comparison()
            self.expect(")")
            return value
        if kind == "sheet":
            ref_kind, ref = self.take()
            if ref_kind != "ref":
                raise Unsupported("sheet prefix without a reference")
            return self.reference(int(text[1:-1]), ref)
        if kind == "ref":
            return self.reference(None, text)
        if kind in ("name", "quoted"):
            if self.peek() == ("op", "!"):  # a tab that did not exist when the formula was entered
                self.take()
                if self.take()[0] != "ref":
                    raise Unsupported("sheet prefix without a reference")
                return CellError("REF", f"Unresolved sheet name '{text}'.")
            if kind == "quoted":
                raise Unsupported(text)
            if text.upper() in ("TRUE", "FALSE") and self.peek() != ("op", "("):
                return text.upper() == "TRUE"
            if self.peek() == ("op", "("):
                return self.call(text.upper())
        raise Unsupported(text)

    def reference(self, sheet_id: int | None, ref: str) -> object:
        try:
            box = parse_cells(ref.replace("$", ""))
        except ValueError:
            raise Unsupported(ref) from None
        area = self.lookup(sheet_id, box)
        if ":" in ref:
            return area
        return area.values[0][0] if area.values and area.values[0] else None

    def call(self, name: str) -> object:
        self.expect("(")
        args: list[object] = []
        if self.peek() != ("op", ")"):
            args.append(self.comparison())
            while self.peek() == ("op", ","):
                self.take()
                args.append(self.comparison())
        self.expect(")")
        function = FUNCTIONS.get(name)
        if function is None:
            raise Unsupported(name)
        return function(args)


# -- values ---------------------------------------------------------------------------------------


def scalar(value: object) -> object:
    """A single value; a multi-cell range where one value is needed is #VALUE!."""
    if isinstance(value, Area):
        flat = value.flat()
        return flat[0] if len(flat) == 1 else CellError("VALUE", "An array value could not be found.")
    return value


def number(value: object) -> float | CellError:
    value = scalar(value)
    if isinstance(value, CellError):
        return value
    if value is None or value == "":
        return 0.0
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value).replace(",", ""))
    except ValueError:
        return CellError("VALUE", f"Function expects number values. But '{value}' is a text.")


def arithmetic(left: object, right: object, op: Callable[[float, float], float | CellError]) -> object:
    a, b = number(left), number(right)
    if isinstance(a, CellError):
        return a
    if isinstance(b, CellError):
        return b
    try:
        result = op(a, b)
    except (OverflowError, ValueError, ZeroDivisionError):
        return CellError("NUM", "Invalid numeric result.")
    if isinstance(result, float) and not math.isfinite(result):
        return CellError("NUM", "Invalid numeric result.")
    return result


def multiply(a: float, b: float) -> float:
    return a * b


def divide(a: float, b: float) -> float | CellError:
    if b == 0:
        return CellError("DIVIDE_BY_ZERO", "Function DIVIDE parameter 2 cannot be zero.")
    return a / b


def text(value: object) -> str | CellError:
    if isinstance(value, CellError):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def join(left: object, right: object) -> object:
    a, b = text(left), text(right)
    if isinstance(a, CellError):
        return a
    return b if isinstance(b, CellError) else a + b


def compare(left: object, right: object, op: str) -> object:
    for value in (left, right):
        if isinstance(value, CellError):
            return value
    a, b = _comparable(left), _comparable(right)
    if a[0] != b[0]:
        a, b = (a[0], 0), (b[0], 0)  # Sheets orders numbers < text < booleans
    return {
        "=": a == b,
        "<>": a != b,
        "<": a < b,
        ">": a > b,
        "<=": a <= b,
        ">=": a >= b,
    }[op]


def _comparable(value: object) -> tuple[int, object]:
    if value is None:
        return 0, 0.0
    if isinstance(value, bool):
        return 2, value
    if isinstance(value, int | float):
        return 0, float(value)
    return 1, str(value).lower()


# -- functions ------------------------------------------------------------------------------------


def _numbers(args: list[object]) -> list[float] | CellError:
    """Numbers among the arguments: ranges skip text and blanks, direct arguments must convert."""
    out: list[float] = []
    for arg in args:
        values = arg.flat() if isinstance(arg, Area) else [arg]
        for value in values:
            if isinstance(value, CellError):
                return value
            if isinstance(arg, Area) and (isinstance(value, str | bool) or value is None):
                continue
            converted = number(value)
            if isinstance(converted, CellError):
                return converted
            out.append(converted)
    return out


def _aggregate(reduce: Callable[[list[float]], object]) -> Callable[[list[object]], object]:
    def function(args: list[object]) -> object:
        values = _numbers(args)
        return values if isinstance(values, CellError) else reduce(values)

    return function


def _average(values: list[float]) -> object:
    if not values:
        return CellError("DIVIDE_BY_ZERO", "Evaluation of function AVERAGE caused a divide by zero error.")
    return sum(values) / len(values)


def _each(args: list[object]) -> list[object]:
    """Every value of the arguments, ranges flattened."""
    return [v for a in args for v in (a.flat() if isinstance(a, Area) else [a])]


def _count_values(args: list[object]) -> object:
    return float(sum(1 for v in _each(args) if v not in (None, "")))


def _count_numbers(args: list[object]) -> object:
    return float(sum(1 for v in _each(args) if isinstance(v, int | float) and not isinstance(v, bool)))


def _round(args: list[object]) -> object:
    value = number(args[0]) if args else CellError("N_A", "Wrong number of arguments to ROUND.")
    places = number(args[1]) if len(args) > 1 else 0.0
    for part in (value, places):
        if isinstance(part, CellError):
            return part
    factor = 10 ** int(places)  # type: ignore[arg-type]
    return math.floor(abs(value) * factor + 0.5) / factor * (1 if value >= 0 else -1)  # type: ignore[operator]


def _if(args: list[object]) -> object:
    if not 2 <= len(args) <= 3:
        return CellError("N_A", "Wrong number of arguments to IF.")
    condition = scalar(args[0])
    if isinstance(condition, CellError):
        return condition
    truthy = number(condition) if not isinstance(condition, str) else None
    if truthy is None or isinstance(truthy, CellError):
        return CellError("VALUE", "IF expects boolean values.")
    chosen = args[1] if truthy else (args[2] if len(args) == 3 else False)
    return scalar(chosen)


def _concatenate(args: list[object]) -> object:
    out = ""
    for value in _each(args):
        joined = join(out, value)
        if isinstance(joined, CellError):
            return joined
        out = joined  # type: ignore[assignment]
    return out


FUNCTIONS: dict[str, Callable[[list[object]], object]] = {
    "SUM": _aggregate(lambda values: float(sum(values))),
    "AVERAGE": _aggregate(_average),
    "MIN": _aggregate(lambda values: min(values, default=0.0)),
    "MAX": _aggregate(lambda values: max(values, default=0.0)),
    "COUNT": _count_numbers,
    "COUNTA": _count_values,
    "ROUND": _round,
    "ABS": lambda args: arithmetic(args[0] if args else None, 0, lambda a, _: abs(a)),
    "IF": _if,
    "CONCATENATE": _concatenate,
}


def evaluate(template: str, lookup: Lookup) -> cells.Value:
    """The value of a stored formula; `Unsupported` when the evaluator does not model it."""
    value = scalar(Parser(template, lookup).run())
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value  # type: ignore[return-value]
