"""Typed cells (string, number, bool, formula, error + format), immutable so grids copy cheaply.

A grid slot holds None (empty), a bare str/int/float/bool (a value with no format), or a `Cell`.
"""

from __future__ import annotations

from typing import Any

MAX_CELL_CHARS = 50000
TOO_LONG = f"Your input contains more than the maximum of {MAX_CELL_CHARS} characters in a single cell."


class CellError:
    """An error value such as #REF!."""

    __slots__ = ("type", "message")

    def __init__(self, type: str, message: str = "") -> None:
        self.type, self.message = type, message

    def text(self) -> str:
        return {
            "REF": "#REF!",
            "DIVIDE_BY_ZERO": "#DIV/0!",
            "VALUE": "#VALUE!",
            "N_A": "#N/A",
            "NUM": "#NUM!",
        }.get(self.type, "#ERROR!")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CellError) and (self.type, self.message) == (other.type, other.message)

    def __hash__(self) -> int:
        return hash((self.type, self.message))


Value = str | int | float | bool | CellError | None


class Cell:
    """A value (or formula) with a userEnteredFormat; never mutated once in a grid."""

    __slots__ = ("value", "formula", "fmt", "note")

    def __init__(
        self,
        value: Value = None,
        formula: str | None = None,
        fmt: dict | None = None,
        note: str | None = None,
    ) -> None:
        self.value, self.formula, self.fmt, self.note = value, formula, fmt or None, note or None


Slot = Cell | str | int | float | bool | None


def make(value: Value, formula: str | None, fmt: dict | None, note: str | None = None) -> Slot:
    """The most compact slot holding these parts (None when all are empty)."""
    if formula is None and not fmt and not note and not isinstance(value, CellError):
        return value
    return Cell(value, formula, fmt, note)


def parts(slot: Slot) -> tuple[Value, str | None, dict | None]:
    """(value, formula, fmt) of a slot."""
    if isinstance(slot, Cell):
        return slot.value, slot.formula, slot.fmt
    return slot, None, None


def value_of(slot: Slot) -> Value:
    return slot.value if isinstance(slot, Cell) else slot


def formula_of(slot: Slot) -> str | None:
    return slot.formula if isinstance(slot, Cell) else None


def fmt_of(slot: Slot) -> dict | None:
    return slot.fmt if isinstance(slot, Cell) else None


def note_of(slot: Slot) -> str | None:
    return slot.note if isinstance(slot, Cell) else None


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def check_length(text: str) -> None:
    if len(text) > MAX_CELL_CHARS:
        raise ValueError(TOO_LONG)


def slot_to_json(slot: Slot) -> Any:
    """A JSON-serialisable form (for persistence)."""
    if not isinstance(slot, Cell):
        return slot
    out: dict = {}
    if isinstance(slot.value, CellError):
        out["e"] = [slot.value.type, slot.value.message]
    elif slot.value is not None:
        out["v"] = slot.value
    if slot.formula is not None:
        out["f"] = slot.formula
    if slot.fmt:
        out["fmt"] = slot.fmt
    if slot.note:
        out["n"] = slot.note
    return out


def slot_from_json(data: Any) -> Slot:
    if not isinstance(data, dict):
        return data
    value: Value = CellError(*data["e"]) if "e" in data else data.get("v")
    return Cell(value, data.get("f"), data.get("fmt"), data.get("n"))


def extended_value(value: Value) -> dict | None:
    """The ExtendedValue JSON of a value (`userEnteredValue` / `effectiveValue`)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return {"boolValue": value}
    if is_number(value):
        return {"numberValue": value}
    if isinstance(value, CellError):
        return {"errorValue": {"type": value.type, "message": value.message}}
    return {"stringValue": value}
