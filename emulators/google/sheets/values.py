"""The spreadsheets.values endpoints: get, batchGet, update, batchUpdate, append, clear, batchClear."""

from __future__ import annotations

from flask import request

from emulators.google.errors import invalid_argument
from emulators.google.sheets import cells, grid
from emulators.google.sheets.a1 import Box, column_letter
from emulators.google.sheets.model import Sheet, Spreadsheet
from emulators.google.sheets.ranges import Target, a1_name, resolve
from emulators.google.sheets.render import DATE_OPTIONS, RENDER_OPTIONS, read_value
from emulators.google.sheets.routes import Call, backend, flag, json_body

INPUT_OPTIONS = ("RAW", "USER_ENTERED")


def _choice(value: str | None, allowed: tuple[str, ...], name: str, default: str) -> str:
    if value is None:
        return default
    if value not in allowed:
        raise invalid_argument(f"Invalid value at '{name}' (TYPE_ENUM), \"{value}\"")
    return value


def _exceeds(target: Target, sheet: Sheet) -> Exception:
    return invalid_argument(
        f"Range ({target.name_unclipped()}) exceeds grid limits. "
        f"Max rows: {sheet.row_count}, max columns: {sheet.column_count}"
    )


def _start_inside(target: Target) -> tuple[int, int]:
    sheet = target.sheet
    r0, _, c0, _ = target.box.bounded(sheet.row_count, sheet.column_count)
    if r0 >= sheet.row_count or c0 >= sheet.column_count:
        raise _exceeds(target, sheet)
    return r0, c0


# -- reading --------------------------------------------------------------------------------------


def read(spreadsheet: Spreadsheet, target: Target, major: str, render: str, date_render: str) -> dict:
    """A ValueRange: `range` is the request expanded to the grid; `values` trimmed, absent when empty."""
    _start_inside(target)
    sheet = target.sheet
    r0, r1, c0, c1 = target.bounds()
    out_rows = []
    for row in sheet.rows[r0:r1]:
        values = [
            slot if type(slot) is str else read_value(spreadsheet, sheet, slot, render, date_render)
            for slot in row[c0:c1]
        ]
        while values and values[-1] == "":
            values.pop()
        out_rows.append(values)
    while out_rows and not out_rows[-1]:
        out_rows.pop()
    if major == "COLUMNS":
        out_rows = _transpose(out_rows)
    body = {"range": target.name(), "majorDimension": major}
    if out_rows:
        body["values"] = out_rows
    return body


def _transpose(rows: list[list]) -> list[list]:
    width = max((len(r) for r in rows), default=0)
    columns = [[r[c] if c < len(r) else "" for r in rows] for c in range(width)]
    for column in columns:
        while column and column[-1] == "":
            column.pop()
    return columns


def _read_options() -> tuple[str, str, str]:
    args = request.args
    return (
        _choice(args.get("majorDimension"), ("ROWS", "COLUMNS"), "major_dimension", "ROWS"),
        _choice(args.get("valueRenderOption"), RENDER_OPTIONS, "value_render_option", "FORMATTED_VALUE"),
        _choice(args.get("dateTimeRenderOption"), DATE_OPTIONS, "date_time_render_option", "SERIAL_NUMBER"),
    )


def get(call: Call) -> dict:
    spreadsheet = backend().open_spreadsheet(call.spreadsheet_id, write=False)
    return read(spreadsheet, resolve(spreadsheet, call.range or ""), *_read_options())


def batch_get(call: Call) -> dict:
    spreadsheet = backend().open_spreadsheet(call.spreadsheet_id, write=False)
    options = _read_options()
    ranges = request.args.getlist("ranges")
    targets = [resolve(spreadsheet, text) for text in ranges]
    return {
        "spreadsheetId": spreadsheet.spreadsheet_id,
        "valueRanges": [read(spreadsheet, t, *options) for t in targets],
    }


# -- writing --------------------------------------------------------------------------------------


def _input_rows(value_range: dict, where: str) -> list[list]:
    rows = value_range.get("values") or []
    if not isinstance(rows, list):
        raise invalid_argument(f"Invalid {where}values: expected a list of lists")
    major = value_range.get("majorDimension") or "ROWS"
    if major == "COLUMNS":
        width = max((len(c) for c in rows), default=0)
        rows = [[c[r] if r < len(c) else None for c in rows] for r in range(width)]
    return rows


def write_range(
    spreadsheet: Spreadsheet, target: Target, rows: list[list], option: str, where: str = ""
) -> dict:
    """Write `rows` into `target` (growing the grid past its end); an UpdateValuesResponse."""
    sheet = target.sheet
    r0, c0 = _start_inside(target)
    height, width = len(rows), max((len(r) for r in rows), default=0)
    _check_fits(target, r0, c0, height, width)
    try:
        grid.grow_to(spreadsheet, sheet, r0 + height, c0 + width)
        counts = grid.write_rows(spreadsheet, sheet, r0, c0, rows, option)
    except grid.GridError as exc:
        raise invalid_argument(_message(exc, where)) from None
    response = {"spreadsheetId": spreadsheet.spreadsheet_id}
    if height and width:
        response["updatedRange"] = a1_name(sheet, r0, r0 + height, c0, c0 + width)
    if counts[2]:
        response.update(updatedRows=counts[0], updatedColumns=counts[1], updatedCells=counts[2])
    return response


def _message(exc: grid.GridError, where: str) -> str:
    """Google's wording: `Invalid data[i]: ...` in values.batchUpdate, `Invalid values[r][c]: ...` else."""
    if exc.cell is None:
        return str(exc)
    return f"Invalid {where}: {exc}" if where else f"Invalid values[{exc.cell[0]}][{exc.cell[1]}]: {exc}"


def _check_fits(target: Target, r0: int, c0: int, height: int, width: int) -> None:
    """Data must stay inside a bounded request range (Google's 'Requested writing within range')."""
    box = target.box
    if target.anchor:
        return
    if box.r1 is not None and r0 + height > box.r1:
        raise invalid_argument(
            f"Requested writing within range [{target.name_unclipped()}], "
            f"but tried writing to row [{r0 + height}]"
        )
    if box.c1 is not None and c0 + width > box.c1:
        raise invalid_argument(
            f"Requested writing within range [{target.name_unclipped()}], but tried writing to column "
            f"[{column_letter(c0 + width - 1)}]"
        )


def _input_option(value: str | None) -> str:
    if value is None:
        raise invalid_argument("'valueInputOption' is required but not specified")
    return _choice(value, INPUT_OPTIONS, "value_input_option", "RAW")


def _echo(
    spreadsheet: Spreadsheet, response: dict, include: bool, render: str | None, dt: str | None
) -> dict:
    """Add `updatedData` when includeValuesInResponse is set."""
    if include and "updatedRange" in response:
        target = resolve(spreadsheet, response["updatedRange"])
        render_option = _choice(render, RENDER_OPTIONS, "response_value_render_option", "FORMATTED_VALUE")
        date_option = _choice(dt, DATE_OPTIONS, "response_date_time_render_option", "SERIAL_NUMBER")
        response["updatedData"] = read(spreadsheet, target, "ROWS", render_option, date_option)
    return response


def update(call: Call) -> dict:
    """values.update (PUT)."""
    option = _input_option(request.args.get("valueInputOption"))
    body = json_body()
    spreadsheet = backend().open_spreadsheet(call.spreadsheet_id, write=True).copy()
    target = resolve(spreadsheet, call.range or "")
    response = write_range(spreadsheet, target, _input_rows(body, ""), option)
    backend().save_spreadsheet(spreadsheet)
    args = request.args
    return _echo(
        spreadsheet,
        response,
        flag("includeValuesInResponse"),
        args.get("responseValueRenderOption"),
        args.get("responseDateTimeRenderOption"),
    )


def batch_update(call: Call) -> dict:
    """values.batchUpdate: every range or none."""
    body = json_body()
    option = _input_option(body.get("valueInputOption"))
    spreadsheet = backend().open_spreadsheet(call.spreadsheet_id, write=True).copy()
    responses = []
    for i, value_range in enumerate(body.get("data") or []):
        target = resolve(spreadsheet, value_range.get("range") or "")
        rows = _input_rows(value_range, f"data[{i}].")
        responses.append(write_range(spreadsheet, target, rows, option, f"data[{i}]"))
    backend().save_spreadsheet(spreadsheet)
    include = bool(body.get("includeValuesInResponse"))
    for response in responses:
        _echo(
            spreadsheet,
            response,
            include,
            body.get("responseValueRenderOption"),
            body.get("responseDateTimeRenderOption"),
        )
    updated = [resolve(spreadsheet, r["updatedRange"]) for r in responses if "updatedRange" in r]
    totals = {
        "totalUpdatedRows": _distinct([(t.sheet.sheet_id, *t.bounds()[:2]) for t in updated]),
        "totalUpdatedColumns": _distinct([(t.sheet.sheet_id, *t.bounds()[2:]) for t in updated]),
        "totalUpdatedCells": sum(r.get("updatedCells", 0) for r in responses),
        "totalUpdatedSheets": len({t.sheet.sheet_id for t in updated}),
    }
    return {
        "spreadsheetId": spreadsheet.spreadsheet_id,
        **{k: v for k, v in totals.items() if v},
        "responses": responses,
    }


def _runs(sheet: Sheet, row: int, c0: int, c1: int) -> list[tuple[int, int]]:
    """Runs of adjacent non-empty cells of a row that start in [c0, c1), each as [left, right)."""
    slots = sheet.rows[row] if row < len(sheet.rows) else []
    filled = [c < len(slots) and slots[c] is not None and _has_value(slots[c]) for c in range(len(slots))]
    runs, c = [], c0
    while c < min(c1, len(filled)):
        if not filled[c]:
            c += 1
            continue
        left = c
        while c < len(filled) and filled[c]:
            c += 1
        runs.append((left, c))
    return runs


def _distinct(spans: list[tuple[int, int, int]]) -> int:
    """How many rows (or columns) the (sheetId, start, end) spans cover, each counted once: Google's
    totals (gspread's cassette WorksheetTest.test_batch_update: A1:D1 + A4:D4 → 2 rows, 4 columns)."""
    count, reach = 0, (None, 0)
    for sheet_id, start, end in sorted(spans):
        if reach[0] == sheet_id:
            start = max(start, reach[1])
        count += max(0, end - start)
        reach = (sheet_id, max(end, reach[1]) if reach[0] == sheet_id else end)
    return count


def _table(target: Target) -> tuple[int, int, int, int] | None:
    """The table values.append writes under, as bounds; None if the range holds no value.

    Like Google (gspread's cassettes `test_append_row_with_empty_value[_and_table_range]`): in the first
    row of the range holding a value, an empty cell splits the row into tables and the **last** one
    that starts inside the range is taken (`["a","","c"]` in A1:C1 → the table is C1, not A1:C1); it
    runs down, past the range's end, while a row has a value that touches its columns."""
    sheet = target.sheet
    r0, _, c0, c1 = target.bounds()
    first = next((r for r in range(r0, len(sheet.rows)) if _runs(sheet, r, c0, c1)), None)
    if first is None or first >= target.bounds()[1]:
        return None
    left, right = _runs(sheet, first, c0, c1)[-1]
    last = first
    for r in range(first + 1, len(sheet.rows)):
        touching = [run for run in _runs(sheet, r, 0, sheet.column_count) if run[0] < right and run[1] > left]
        if not touching:
            break
        last = r
        left, right = min(left, touching[0][0]), max(right, touching[-1][1])
    return first, last + 1, left, right


def _has_value(slot: cells.Slot) -> bool:
    value, formula, _ = cells.parts(slot)
    return value is not None or formula is not None


def append(call: Call) -> dict:
    """values.append: find the table in the range, write below it (OVERWRITE or INSERT_ROWS)."""
    option = _input_option(request.args.get("valueInputOption"))
    insert = _choice(
        request.args.get("insertDataOption"), ("OVERWRITE", "INSERT_ROWS"), "insert_data_option", "OVERWRITE"
    )
    body = json_body()
    spreadsheet = backend().open_spreadsheet(call.spreadsheet_id, write=True).copy()
    target = resolve(spreadsheet, call.range or "")
    sheet = target.sheet
    r0, c0 = _start_inside(target)
    rows = _input_rows(body, "")
    table = _table(target)
    response: dict = {"spreadsheetId": spreadsheet.spreadsheet_id}
    if table is not None:
        response["tableRange"] = a1_name(sheet, *table)
        r0, c0 = table[1], table[2]
    try:
        if insert == "INSERT_ROWS" and rows:
            grid.insert(spreadsheet, sheet, "ROWS", r0, r0 + len(rows))
        grid.grow_to(spreadsheet, sheet, r0 + len(rows), c0 + max((len(r) for r in rows), default=0))
    except grid.GridError as exc:
        raise invalid_argument(str(exc)) from None
    updates = write_range(spreadsheet, Target(sheet, Box(r0, None, c0, None)), rows, option)
    backend().save_spreadsheet(spreadsheet)
    response["updates"] = _echo(
        spreadsheet,
        updates,
        flag("includeValuesInResponse"),
        request.args.get("responseValueRenderOption"),
        request.args.get("responseDateTimeRenderOption"),
    )
    return response


def _clear(spreadsheet: Spreadsheet, target: Target) -> str:
    _start_inside(target)
    grid.clear_values(target.sheet, *target.bounds())
    return target.name()


def clear(call: Call) -> dict:
    """values.clear: values go, formatting stays; `clearedRange` is the request clipped to the grid."""
    spreadsheet = backend().open_spreadsheet(call.spreadsheet_id, write=True).copy()
    cleared = _clear(spreadsheet, resolve(spreadsheet, call.range or ""))
    backend().save_spreadsheet(spreadsheet)
    return {"spreadsheetId": spreadsheet.spreadsheet_id, "clearedRange": cleared}


def batch_clear(call: Call) -> dict:
    body = json_body()
    spreadsheet = backend().open_spreadsheet(call.spreadsheet_id, write=True).copy()
    targets = [resolve(spreadsheet, text) for text in body.get("ranges") or []]
    cleared = [_clear(spreadsheet, t) for t in targets]
    backend().save_spreadsheet(spreadsheet)
    return {"spreadsheetId": spreadsheet.spreadsheet_id, "clearedRanges": cleared}


ENDPOINTS = {
    "values.get": get,
    "values.batchGet": batch_get,
    "values.update": update,
    "values.batchUpdate": batch_update,
    "values.append": append,
    "values.clear": clear,
    "values.batchClear": batch_clear,
}
