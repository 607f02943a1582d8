"""CellData JSON <-> grid slots, and applying a CellData through a field mask (updateCells, repeatCell)."""

from __future__ import annotations

from collections.abc import Callable
from itertools import repeat
from math import copysign

from emulators.google.sheets import cells, colors, fieldmask
from emulators.google.sheets.cells import CellError, Slot
from emulators.google.sheets.grid import GridError
from emulators.google.sheets.model import Spreadsheet

VALUE_ONLY: fieldmask.Mask = {"userEnteredValue": {}}


def from_extended(value: dict | None) -> tuple[cells.Value, str | None]:
    """ExtendedValue -> (value, formula text); stringValue is never a formula."""
    if not value:
        return None, None
    if "formulaValue" in value:
        formula = str(value["formulaValue"])
        cells.check_length(formula)
        return None, formula if formula.startswith("=") else None
    if "stringValue" in value:
        text = str(value["stringValue"])
        cells.check_length(text)
        return text, None
    if "numberValue" in value:
        number = value["numberValue"]
        if isinstance(number, str):
            number = float(number)
        return number, None
    if "boolValue" in value:
        return bool(value["boolValue"]), None
    if "errorValue" in value:
        error = value["errorValue"] or {}
        return CellError(error.get("type", "ERROR"), error.get("message", "")), None
    raise ValueError(f"Unknown value type: {sorted(value)}")


def to_celldata(spreadsheet: Spreadsheet, slot: Slot) -> dict:
    value, formula, fmt = cells.parts(slot)
    data: dict = {}
    if formula is not None:
        data["userEnteredValue"] = {"formulaValue": spreadsheet.formula_text(formula)}
    elif value is not None:
        data["userEnteredValue"] = cells.extended_value(value)
    if fmt:
        data["userEnteredFormat"] = fmt
    if cells.note_of(slot):
        data["note"] = cells.note_of(slot)
    return data


def from_celldata(spreadsheet: Spreadsheet, data: dict) -> Slot:
    value, formula = from_extended(data.get("userEnteredValue"))
    template = spreadsheet.bind_formula(formula) if formula is not None else None
    return cells.make(
        value, template, colors.canonical(data.get("userEnteredFormat") or None), data.get("note")
    )


class Applier:
    """Applies one CellData through a mask to many slots (results cached per distinct old slot shape)."""

    def __init__(self, spreadsheet: Spreadsheet, mask: fieldmask.Mask) -> None:
        self.spreadsheet, self.mask = spreadsheet, mask
        self.value_only = mask == VALUE_ONLY
        self.format_only = set(mask) == {"userEnteredFormat"}
        self._formats: dict[int, dict | None] = {}
        self._cleared: dict[int, tuple[dict | None, dict | None]] = {}  # id(old format) -> (it, cleared)
        self.clears_value = "userEnteredValue" in mask
        self.clears_note = "note" in mask
        self.clears_format = "userEnteredFormat" in mask
        # With no data, fieldmask.apply unsets each field the mask names at its top level whole (with
        # `userEnteredFormat.textFormat`, the whole format): such a mask naming values, formats and
        # notes leaves nothing of a cell it clears.
        self.clears_all = "*" in mask or self.clears_value and self.clears_note and self.clears_format
        unknown = set(mask) - {"userEnteredValue", "userEnteredFormat", "note", "*"}
        if unknown:
            raise GridError(f"Invalid field mask: {', '.join(sorted(unknown))}")

    def apply(self, slot: Slot, data: dict) -> Slot:
        """The new slot for `slot` after applying `data` (a CellData) through the mask."""
        if not data and "*" not in self.mask:
            return self._clear(slot)
        try:
            if self.value_only:
                value, formula = from_extended(data.get("userEnteredValue"))
                template = self.spreadsheet.bind_formula(formula) if formula is not None else None
                return cells.make(value, template, cells.fmt_of(slot), cells.note_of(slot))
            if self.format_only:
                value, formula, fmt = cells.parts(slot)
                return cells.make(value, formula, self._format(fmt, data), cells.note_of(slot))
            current = to_celldata(self.spreadsheet, slot)
            fieldmask.apply(current, data, self.mask)
            return from_celldata(self.spreadsheet, current)
        except ValueError as exc:
            raise GridError(str(exc)) from None

    def on_slots(self, data: dict) -> Callable[[list[Slot]], list[Slot]]:
        """`apply` for a list of slots (a column of a repeatCell): a format over a slot holding no
        `Cell` (no format, formula or note of its own) is one shared format on its value, the mask not
        applied again per slot, and the list is made in one comprehension or `map`, no call per slot."""
        if not (self.format_only and data):
            return lambda slots: [self.apply(slot, data) for slot in slots]
        try:
            plain = self._format(None, data)
        except ValueError as exc:
            raise GridError(str(exc)) from None
        cell = cells.Cell
        if not plain:
            return lambda slots: [
                slot if type(slot) is not cell else self.apply(slot, data) for slot in slots
            ]
        return lambda slots: self._formatted(slots, plain, data)

    def _formatted(self, slots: list[Slot], plain: dict, data: dict) -> list[Slot]:
        """`slots` under the format `plain` (a repeatCell's column). In a column of bare values of one
        type with many repeats (dates, statuses, currencies), equal values share one `Cell` (cells are
        never mutated): a few hundred objects for 100,000 cells, not 100,000 for the collector to walk
        again and again. Not across types (1, 1.0 and True are equal keys), and a float zero by its sign
        (0.0 and -0.0 are equal keys too)."""
        cell = cells.Cell
        kinds = set(map(type, slots))
        if cell in kinds:
            return [
                cell(slot, None, plain) if type(slot) is not cell else self.apply(slot, data)
                for slot in slots
            ]
        unshared = map(cell, slots, repeat(None), repeat(plain))  # a Cell each, made by map (no loop here)
        if len(kinds - {type(None)}) > 1 or _looks_unique(slots):
            return list(unshared)
        distinct = set(slots)
        if len(distinct) * 2 > len(slots):  # mostly unique: a lookup would cost more than it saves
            return list(unshared)
        made = {value: cell(value, None, plain) for value in distinct}
        if float in kinds and 0.0 in distinct:  # 0.0 and -0.0: one Cell for each sign
            zeros = {copysign(1.0, zero): cell(zero, None, plain) for zero in (0.0, -0.0)}
            return [made[slot] if slot or slot is None else zeros[copysign(1.0, slot)] for slot in slots]  # type: ignore[arg-type]
        return list(map(made.__getitem__, slots))

    def clear_slots(self) -> Callable[[list[Slot]], list[Slot]]:
        """`apply(slot, {})` for a list of slots (updateCells' uncovered cells; None stays None). When
        the mask clears values and notes, what is left of a `Cell` depends on its format alone: one
        result per format, shared by the cells that shared it (a cleared 100,000-row tab: no `Cell` made
        per cell), and a bare value is None."""
        if "*" in self.mask:
            return lambda slots: [slot if slot is None else self.apply(slot, {}) for slot in slots]
        if not (self.clears_value and self.clears_note):
            return lambda slots: [slot if slot is None else self._clear(slot) for slot in slots]
        by_format: dict[int, tuple[dict | None, Slot]] = {}  # id(old format) -> (it, what is left)

        def left(cell: cells.Cell) -> tuple[dict | None, Slot]:
            # the old format kept alive by the cache: ids stay unique
            seen = by_format[id(cell.fmt)] = (cell.fmt, self._clear(cell))
            return seen

        return lambda slots: [
            None if type(slot) is not cells.Cell else (by_format.get(id(slot.fmt)) or left(slot))[1]
            for slot in slots
        ]

    def _clear(self, slot: Slot) -> Slot:
        """`slot` with the masked fields cleared (updateCells' uncovered cells): straight on the slot's
        parts, the cleared format shared per old format, instead of a CellData round trip per cell."""
        value, formula, fmt = cells.parts(slot)
        if self.clears_value:
            value, formula = None, None
        note = None if self.clears_note else cells.note_of(slot)
        if self.clears_format and fmt:
            seen = self._cleared.get(id(fmt))
            if seen is None or seen[0] is not fmt:  # the old format kept alive by the cache: ids stay unique
                current: dict = {"userEnteredFormat": fmt}
                fieldmask.apply(current, {}, self.mask)
                cleared = colors.canonical(current.get("userEnteredFormat") or None)
                seen = self._cleared[id(fmt)] = (fmt, cleared)
            fmt = seen[1]
        return cells.make(value, formula, fmt, note)

    def _format(self, fmt: dict | None, data: dict) -> dict | None:
        """The masked format for an old format (shared between cells that shared the old one)."""
        key = id(fmt)
        if key not in self._formats:
            current = {"userEnteredFormat": fmt} if fmt else {}
            fieldmask.apply(current, data, self.mask)
            self._formats[key] = colors.canonical(current.get("userEnteredFormat") or None)
        return self._formats[key]


SAMPLE = 2000


def _looks_unique(slots: list[Slot]) -> bool:
    """Whether SAMPLE slots spread over a column are all different (ids, invoice numbers): hashing its
    100,000 values into a set to find out it has no repeats to share costs ~25 ms a column. A column
    with any repeats seen (or shorter than twice the sample) is counted in full; one taken for unique
    wrongly (a value per two rows, spaced as the sample is) gets a Cell per cell: more objects, the
    same slots."""
    if len(slots) < 2 * SAMPLE:
        return False
    sample = slots[:: len(slots) // SAMPLE]
    return len(set(sample)) == len(sample)
