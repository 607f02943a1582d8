"""The spreadsheet model: tabs with sparse per-row grids of immutable cells, named ranges, properties."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields
from itertools import chain, compress, count
from operator import ge, itemgetter
from typing import TYPE_CHECKING, Any

from emulators.google.sheets import cells, evaluate, formulas, shift
from emulators.google.sheets.a1 import Box
from emulators.google.sheets.cells import Cell, Slot

MAX_CELLS = 10_000_000
DEFAULT_FORMAT = {
    "backgroundColor": {"red": 1, "green": 1, "blue": 1},
    "padding": {"top": 2, "right": 3, "bottom": 2, "left": 3},
    "verticalAlignment": "BOTTOM",
    "wrapStrategy": "OVERFLOW_CELL",
    "textFormat": {
        "foregroundColor": {},
        "fontFamily": "arial,sans,sans-serif",
        "fontSize": 10,
        "bold": False,
        "italic": False,
        "strikethrough": False,
        "underline": False,
    },
}


@dataclass(eq=False)
class Sheet:
    """One tab: properties plus `rows`, a list (one per row, trailing rows absent) of slot lists.

    Tabs are equal only to themselves: finding one in `Spreadsheet.sheets` (adding, deleting a tab)
    compared every field of the tabs before it, reading (so copying) a `copy_on_use` clone's rows."""

    sheet_id: int
    title: str
    row_count: int = 1000
    column_count: int = 26
    hidden: bool = False
    frozen_row_count: int = 0
    frozen_column_count: int = 0
    tab_color: dict | None = None  # an rgb Color; echoed as tabColor and tabColorStyle.rgbColor
    hide_gridlines: bool = False
    basic_filter: dict | None = None  # FilterView-like JSON of setBasicFilter (not applied to reads)
    protected_ranges: list[dict] = field(default_factory=list)  # ProtectedRange JSON (not enforced)
    merges: list[dict] = field(default_factory=list)  # GridRange JSON of merged areas
    row_groups: list[dict] = field(default_factory=list)  # DimensionGroup JSON (sheets[].rowGroups)
    column_groups: list[dict] = field(default_factory=list)
    rows: list[list[Slot]] = field(default_factory=list)

    def slot(self, r: int, c: int) -> Slot:
        rows = self._read_rows()
        if r < len(rows):
            row = rows[r]
            if c < len(row):
                return row[c]
        return None

    def put(self, r: int, c: int, slot: Slot) -> None:
        """Set one slot, growing the sparse row lists as needed."""
        if slot is None and self.slot(r, c) is None:
            return
        while len(self.rows) <= r:
            self.rows.append([])
        row = self.rows[r]
        if len(row) <= c:
            row.extend([None] * (c + 1 - len(row)))
        row[c] = slot

    def put_row(self, r: int, c: int, slots: list[Slot]) -> None:
        """Set consecutive slots of row `r` from column `c` in one slice (as `put` each; `trim` after)."""
        if r == len(self.rows):  # a new last row (a paste below the data): made in one go
            self.rows.append([None] * c + slots if c else list(slots))
            return
        while len(self.rows) <= r:
            self.rows.append([])
        row = self.rows[r]
        end = c + len(slots)
        if len(row) < end:
            row.extend([None] * (end - len(row)))
        row[c:end] = slots

    def put_rows(self, r0: int, c: int, rows: list[list[Slot]]) -> None:
        """`put_row` for each of `rows` from row `r0` (`trim` after). Rows from column 0 at least as
        long as the rows under them replace them whole, in one slice (a paste of 100,000 rows): they
        are stored as they are, so `rows` must be new lists, each given once."""
        grid, end = self.rows, r0 + len(rows)
        if c == 0 and all(map(ge, map(len, rows), map(len, grid[r0:end]))):
            grid.extend([] for _ in range(r0 - len(grid)))
            grid[r0:end] = rows
            return
        for r, slots in enumerate(rows, start=r0):
            self.put_row(r, c, slots)

    def pad(self, rows: int, cols: int) -> None:
        """Make slots [0, rows) x [0, cols) exist (None), to set them in place (`trim` after)."""
        while len(self.rows) < rows:
            self.rows.append([])
        if min(map(len, self.rows[:rows]), default=cols) >= cols:  # the usual case, checked in C
            return
        for row in self.rows[:rows]:
            if len(row) < cols:
                row.extend([None] * (cols - len(row)))

    def block(self, r0: int, r1: int, c0: int, c1: int) -> list[list[Slot]]:
        """Slots [r0, r1) x [c0, c1), empty ones None: a new list per row, read without copying a
        `copy_on_use` clone's rows."""
        width = c1 - c0
        rows = [row[c0:c1] for row in self._read_rows()[r0:r1]]
        if min(map(len, rows), default=width) < width:  # asked in C: a staged block has none short
            rows = [row + [None] * (width - len(row)) for row in rows]
        rows.extend([None] * width for _ in range(r1 - r0 - len(rows)))
        return rows

    def holds_cells(self, r0: int, r1: int, c0: int, c1: int) -> bool:
        """Whether a slot in [r0, r1) x [c0, c1) is a `Cell` (asked in C, row slice by row slice)."""
        sliced = (row[c0:c1] for row in self._read_rows()[r0:r1])
        return Cell in map(type, chain.from_iterable(sliced))

    def trim(self, known: range = range(0)) -> None:
        """Drop trailing empty slots and rows (keeps storage proportional to data).

        Whether any row ends in an empty slot is asked in C first (a 100,000-row tab after a write: none
        does), but for the rows `known` not to (the caller looked while it had them at hand: a pass over
        100,000 rows less), and a row left all empty is cleared at once rather than slot by slot."""
        rows = self.rows
        asked = chain(rows[: known.start], rows[known.stop :]) if known else rows
        if None in map(itemgetter(-1), filter(None, asked)):
            for row in self.rows:
                if row and row[-1] is None:
                    if row.count(None) == len(row):
                        row.clear()
                    while row and row[-1] is None:
                        row.pop()
        if rows and not rows[-1]:  # trailing empty rows counted in C (a cleared 100,000-row tab)
            del rows[len(rows) - next(compress(count(), map(bool, reversed(rows))), len(rows)) :]

    def clear_box(self, r0: int, r1: int, c0: int, c1: int) -> None:
        """Empty slots [r0, r1) x [c0, c1) (`trim` after). Rows it holds whole are emptied at once (and
        dropped when no row follows them), not copied first from a `copy_on_use` clone's saved rows (a
        replace clearing a 100,000-row tab)."""
        if c0 >= c1:
            return
        rows = self._read_rows()
        if c0 or max(map(len, rows[r0:r1]), default=0) > c1:
            for row in self.rows[r0:r1]:
                if c0 < len(row):
                    row[c0:c1] = [None] * (min(c1, len(row)) - c0)
            return
        emptied = [[] for _ in rows[r0:r1]] if r1 < len(rows) else []
        if "rows" in self.__dict__:
            rows[r0:r1] = emptied
        else:  # only the rows kept are copied
            self.rows = [*map(list, rows[:r0]), *emptied, *map(list, rows[r1:])]
            del self.__dict__["_saved_rows"]

    def cut_to_grid(self) -> None:
        """Forget data outside rowCount x columnCount (after a shrink)."""
        del self.rows[self.row_count :]
        for row in self.rows:
            del row[self.column_count :]
        self.trim()
        self.merges = [
            m
            for m in self.merges
            if m["endRowIndex"] <= self.row_count and m["endColumnIndex"] <= self.column_count
        ]

    def slots(self) -> Iterator[tuple[int, int, Slot]]:
        for r, row in enumerate(self.rows):
            for c, slot in enumerate(row):
                if slot is not None:
                    yield r, c, slot

    def copy(self) -> Sheet:
        clone = Sheet(**self._properties())
        clone.rows = [list(row) for row in self.rows]
        return clone

    def copy_on_use(self) -> Sheet:
        """A copy whose rows are copied when first used: a tab a write does not touch is never copied
        (a values write to a staging tab left the 100,000 rows of the tab beside it alone, yet copied
        them). Only for a saved spreadsheet's tabs, whose rows are never changed in place."""
        clone = Sheet(**self._properties())
        del clone.rows
        mine = self.__dict__
        clone.__dict__["_saved_rows"] = mine["rows"] if "rows" in mine else mine["_saved_rows"]
        return clone

    if not TYPE_CHECKING:  # for mypy, a tab has no attributes but its own

        def __getattr__(self, name: str) -> Any:
            """`rows` of a `copy_on_use` clone, copied from the saved rows now."""
            saved = self.__dict__.get("_saved_rows")
            if name != "rows" or saved is None:
                raise AttributeError(name)
            self.rows = [list(row) for row in saved]
            del self.__dict__["_saved_rows"]
            return self.rows

    def _read_rows(self) -> list[list[Slot]]:
        """`rows` to read only: a `copy_on_use` clone's saved rows are not copied for a read (a paste
        from a staging tab deleted in the same batchUpdate)."""
        mine = self.__dict__
        return mine["rows"] if "rows" in mine else mine["_saved_rows"]

    def _properties(self) -> dict[str, Any]:
        """Every field but `rows` (shallow)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "rows"}

    def clone_as(self, sheet_id: int, title: str) -> Sheet:
        """A visible copy under a new id and title (duplicateSheet, copyTo); protected ranges stay behind."""
        clone = self.copy()
        clone.sheet_id, clone.title, clone.hidden, clone.protected_ranges = sheet_id, title, False, []
        clone.merges = [{**merge, "sheetId": sheet_id} for merge in self.merges]
        for name in ("row_groups", "column_groups"):
            groups = [{**g, "range": {**g["range"], "sheetId": sheet_id}} for g in getattr(self, name)]
            setattr(clone, name, groups)
        if self.basic_filter:
            clone.basic_filter = {
                **self.basic_filter,
                "range": {**self.basic_filter["range"], "sheetId": sheet_id},
            }
        return clone

    def shift_areas(self, change: shift.Change) -> None:
        """Merges, protected ranges, the basic filter and groups follow inserted/deleted rows or columns."""
        merges = (shift.shift_grid_range(m, change) for m in self.merges)
        self.merges = [m for m in merges if m and _cells_in(m) > 1]
        protected = ((p, shift.shift_grid_range(p["range"], change)) for p in self.protected_ranges)
        self.protected_ranges = [{**p, "range": moved} for p, moved in protected if moved]
        if self.basic_filter:
            moved = shift.shift_grid_range(self.basic_filter["range"], change)
            self.basic_filter = {**self.basic_filter, "range": moved} if moved else None
        name = "row_groups" if change.dimension == "ROWS" else "column_groups"
        groups = ((g, shift.shift_dimension_range(g["range"], change)) for g in getattr(self, name))
        setattr(self, name, [{**g, "range": moved} for g, moved in groups if moved])

    def properties(self, index: int) -> dict:
        """SheetProperties JSON: `hidden` only when true, frozen counts only when set."""
        grid: dict[str, Any] = {"rowCount": self.row_count, "columnCount": self.column_count}
        if self.frozen_row_count:
            grid["frozenRowCount"] = self.frozen_row_count
        if self.frozen_column_count:
            grid["frozenColumnCount"] = self.frozen_column_count
        if self.hide_gridlines:
            grid["hideGridlines"] = True
        props: dict[str, Any] = {
            "sheetId": self.sheet_id,
            "title": self.title,
            "index": index,
            "sheetType": "GRID",
            "gridProperties": grid,
        }
        if self.hidden:
            props["hidden"] = True
        if self.tab_color:
            props["tabColor"] = self.tab_color
            props["tabColorStyle"] = {"rgbColor": self.tab_color}
        return props

    def to_dict(self) -> dict:
        data = self._properties()
        data["rows"] = [[cells.slot_to_json(s) for s in row] for row in self.rows]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Sheet:
        sheet = cls(**{k: v for k, v in data.items() if k != "rows"})
        sheet.rows = [[cells.slot_from_json(s) for s in row] for row in data.get("rows", [])]
        return sheet


class Spreadsheet:
    """A spreadsheet: ordered tabs, named ranges and properties. Mutate only a `copy()` of a saved one."""

    def __init__(self, spreadsheet_id: str, title: str, locale: str = "en_US", time_zone: str = "Etc/GMT"):
        self.spreadsheet_id = spreadsheet_id
        self._title = title
        self.locale = locale
        self.time_zone = time_zone
        self.auto_recalc = "ON_CHANGE"
        self.sheets: list[Sheet] = []
        self.named_ranges: dict[str, dict] = {}  # namedRangeId -> {"name", "range": GridRange JSON}
        self.id_seq = 0
        self.has_formulas = False  # set by bind_formula: lets row/column changes skip scanning big grids

    @classmethod
    def new(
        cls, spreadsheet_id: str, title: str, locale: str = "en_US", time_zone: str = "Etc/GMT"
    ) -> Spreadsheet:
        """A spreadsheet with one tab "Sheet1" (sheetId 0, 1000x26), like Google's."""
        spreadsheet = cls(spreadsheet_id, title, locale, time_zone)
        spreadsheet.sheets.append(Sheet(0, "Sheet1"))
        return spreadsheet

    @property
    def title(self) -> str:
        return self._title

    @title.setter
    def title(self, value: str) -> None:
        self._title = value

    # -- tabs --------------------------------------------------------------------------------------

    def sheet_by_id(self, sheet_id: int) -> Sheet | None:
        return next((s for s in self.sheets if s.sheet_id == sheet_id), None)

    def sheet_by_title(self, title: str) -> Sheet | None:
        """Exact title first, then case-insensitive (Sheets resolves range titles that way)."""
        exact = next((s for s in self.sheets if s.title == title), None)
        return exact or next((s for s in self.sheets if s.title.lower() == title.lower()), None)

    def index_of(self, sheet: Sheet) -> int:
        return next(i for i, s in enumerate(self.sheets) if s is sheet)

    def new_sheet_id(self) -> int:
        """A random-looking positive int32, deterministic per spreadsheet."""
        while True:
            self.id_seq += 1
            candidate = random.Random(f"{self.spreadsheet_id}:{self.id_seq}").randint(1, 2**31 - 1)
            if self.sheet_by_id(candidate) is None:
                return candidate

    def cell_count(self) -> int:
        return sum(s.row_count * s.column_count for s in self.sheets)

    # -- formulas ---------------------------------------------------------------------------------

    def bind_formula(self, text: str) -> str:
        """Store formula text with references to existing tabs bound to their sheetIds."""
        self.has_formulas = True
        return formulas.bind(text, lambda title: getattr(self.sheet_by_title(title), "sheet_id", None))

    def formula_text(self, template: str) -> str:
        return formulas.render(template, lambda sheet_id: self.sheet_by_id(sheet_id).title)

    def formula_cells(self) -> Iterator[tuple[Sheet, int, int, Cell]]:
        """Every cell holding a formula (nothing to scan when no formula was ever entered)."""
        if not self.has_formulas:
            return
        for sheet in self.sheets:
            for r, row in enumerate(sheet.rows):
                if Cell not in map(type, row):  # most rows hold only bare values: skip them in C
                    continue
                for c, slot in enumerate(row):
                    if type(slot) is Cell and slot.formula is not None:
                        yield sheet, r, c, slot

    def rewrite_formulas(self, rewrite: Callable[[Sheet, str], str]) -> None:
        """Replace each formula by `rewrite(its tab, formula)`; a formula now holding #REF! is that error."""
        for sheet, r, c, slot in list(self.formula_cells()):
            formula = rewrite(sheet, slot.formula)  # type: ignore[arg-type]
            if formula != slot.formula:
                value = _formula_value(formula, slot.value)
                sheet.rows[r][c] = cells.make(value, formula, slot.fmt, slot.note)

    def resolve_names(self) -> None:
        """Bind tab names unknown when their formulas were entered (call whenever a tab gets a title)."""
        self.rewrite_formulas(lambda _, formula: self.bind_formula(formula))

    def drop_references(self, sheet_id: int) -> None:
        """Turn every formula reference into a deleted tab into #REF!."""
        self.rewrite_formulas(lambda _, formula: formulas.drop_sheet(formula, sheet_id))

    def shift_references(self, change: shift.Change) -> None:
        """Formula references, named ranges and the tab's areas follow inserted/deleted rows or columns."""
        self.rewrite_formulas(lambda sheet, formula: shift.shift_formula(formula, sheet.sheet_id, change))
        changed = self.sheet_by_id(change.sheet_id)
        if changed is not None:
            changed.shift_areas(change)
        for rid, named in list(self.named_ranges.items()):
            moved_range = shift.shift_grid_range(named["range"], change)
            if moved_range is None:
                del self.named_ranges[rid]
            else:
                self.named_ranges[rid] = {**named, "range": moved_range}

    def formula_value(self, sheet: Sheet, slot: Slot, visiting: frozenset = frozenset()) -> cells.Value:
        """A cell's value; formulas are evaluated (evaluate.py), those it does not model read as ""."""
        value, formula, _ = cells.parts(slot)
        if formula is None:
            return value
        if "#REF!" in formula:
            return cells.CellError("REF", "Reference does not exist.")
        try:
            result = evaluate.evaluate(
                formula, lambda sheet_id, box: self._area(sheet, sheet_id, box, visiting)
            )
        except evaluate.Unsupported:
            return ""
        return "" if result is None else result

    def _area(self, sheet: Sheet, sheet_id: int | None, box: Box, visiting: frozenset) -> evaluate.Area:
        """The values a reference points at (data extent only), formulas among them evaluated."""
        target = sheet if sheet_id is None else self.sheet_by_id(sheet_id)
        if target is None:
            raise evaluate.Unsupported(f"sheet {sheet_id}")
        r0, r1, c0, c1 = box.bounded(target.row_count, target.column_count)
        if r0 >= target.row_count or c0 >= target.column_count:
            return evaluate.Area([[cells.CellError("REF", "Reference is out of the grid.")]])
        rows = []
        for r in range(r0, min(r1, len(target.rows))):
            row = []
            for c, slot in enumerate(target.rows[r][c0:c1], start=c0):
                if cells.formula_of(slot) is None:
                    row.append(cells.value_of(slot))
                elif (target.sheet_id, r, c) in visiting:
                    row.append(cells.CellError("REF", "Circular dependency detected."))
                else:
                    row.append(self.formula_value(target, slot, visiting | {(target.sheet_id, r, c)}))
            rows.append(row)
        return evaluate.Area(rows)

    # -- copies and persistence -------------------------------------------------------------------

    def copy(self) -> Spreadsheet:
        """A copy to change and save in this one's place; its tabs' rows are copied when first used."""
        clone = Spreadsheet(self.spreadsheet_id, self._title, self.locale, self.time_zone)
        clone.auto_recalc = self.auto_recalc
        clone.sheets = [s.copy_on_use() for s in self.sheets]
        clone.named_ranges = {k: _deep(v) for k, v in self.named_ranges.items()}
        clone.id_seq = self.id_seq
        clone.has_formulas = self.has_formulas
        return clone

    def to_dict(self) -> dict:
        return {
            "spreadsheetId": self.spreadsheet_id,
            "title": self._title,
            "locale": self.locale,
            "timeZone": self.time_zone,
            "autoRecalc": self.auto_recalc,
            "sheets": [s.to_dict() for s in self.sheets],
            "namedRanges": self.named_ranges,
            "idSeq": self.id_seq,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Spreadsheet:
        spreadsheet = cls(data["spreadsheetId"], data["title"], data["locale"], data["timeZone"])
        spreadsheet.auto_recalc = data.get("autoRecalc", "ON_CHANGE")
        spreadsheet.sheets = [Sheet.from_dict(s) for s in data["sheets"]]
        spreadsheet.named_ranges = data.get("namedRanges", {})
        spreadsheet.id_seq = data.get("idSeq", 0)
        spreadsheet.has_formulas = True  # let formula_cells() scan once to find out
        spreadsheet.has_formulas = next(spreadsheet.formula_cells(), None) is not None
        return spreadsheet

    # -- JSON of spreadsheets.get and the viewer --------------------------------------------------

    def properties(self) -> dict:
        return {
            "title": self._title,
            "locale": self.locale,
            "autoRecalc": self.auto_recalc,
            "timeZone": self.time_zone,
            "defaultFormat": _deep(DEFAULT_FORMAT),
            "spreadsheetTheme": {
                "primaryFontFamily": "Arial",
                "themeColors": [
                    {"colorType": "TEXT", "color": {"rgbColor": {}}},
                    {"colorType": "BACKGROUND", "color": {"rgbColor": {"red": 1, "green": 1, "blue": 1}}},
                ],
            },
        }

    def formatted_grid(self, sheet_id: int) -> list[list[dict]]:
        """Rows of {"text", "bold", "number_format", "h_align"} for the HTML viewer (data extent only)."""
        from emulators.google.sheets.render import display_cell

        sheet = self.sheet_by_id(sheet_id)
        if sheet is None:
            return []
        return [[display_cell(self, sheet, slot) for slot in row] for row in sheet.rows]


def _cells_in(grid_range: dict) -> int:
    rows = grid_range.get("endRowIndex", 1) - grid_range.get("startRowIndex", 0)
    return rows * (grid_range.get("endColumnIndex", 1) - grid_range.get("startColumnIndex", 0))


def _formula_value(formula: str, value: cells.Value) -> cells.Value:
    return cells.CellError("REF", "Reference does not exist.") if "#REF!" in formula else value


def _deep(value: Any) -> Any:
    """A deep copy of plain JSON data."""
    if isinstance(value, dict):
        return {k: _deep(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_deep(v) for v in value]
    return value
