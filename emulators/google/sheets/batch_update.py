"""spreadsheets.batchUpdate: requests applied in order to a copy, saved only if all succeed."""

from __future__ import annotations

from collections.abc import Callable

from emulators.google.errors import invalid_argument
from emulators.google.sheets import fieldmask, sheet_requests, sort
from emulators.google.sheets.cell_requests import CELL_REQUESTS
from emulators.google.sheets.endpoints import spreadsheet_json
from emulators.google.sheets.filters import FILTER_REQUESTS
from emulators.google.sheets.grid import GridError
from emulators.google.sheets.groups import GROUP_REQUESTS
from emulators.google.sheets.merges import MERGE_REQUESTS
from emulators.google.sheets.model import Spreadsheet
from emulators.google.sheets.paste import PASTE_REQUESTS
from emulators.google.sheets.protected import PROTECTED_REQUESTS
from emulators.google.sheets.routes import Call, backend, json_body

Handler = Callable[[Spreadsheet, dict], dict | None]
HANDLERS: dict[str, Handler] = {
    **sheet_requests.SHEET_REQUESTS,
    **CELL_REQUESTS,
    **FILTER_REQUESTS,
    **PROTECTED_REQUESTS,
    **MERGE_REQUESTS,
    **PASTE_REQUESTS,
    **GROUP_REQUESTS,
    "sortRange": sort.sort_range,
}


def apply_all(spreadsheet: Spreadsheet, requests: list) -> list[dict]:
    """Apply requests in order; the first failure raises Google's `Invalid requests[i].<kind>: ...`."""
    replies = []
    for i, request in enumerate(requests):
        if not isinstance(request, dict) or len(request) != 1:
            raise invalid_argument(f"Invalid requests[{i}]: exactly one request kind must be set.")
        kind, body = next(iter(request.items()))
        handler = HANDLERS.get(kind)
        if handler is None:
            raise invalid_argument(
                f'Invalid JSON payload received. Unknown name "{kind}" at '
                f"'requests[{i}]': Cannot find field."
            )
        try:
            reply = handler(spreadsheet, body or {})
        except (GridError, fieldmask.MaskError, ValueError, KeyError, TypeError) as exc:
            raise invalid_argument(f"Invalid requests[{i}].{kind}: {_text(exc)}") from None
        replies.append(reply or {})
    return replies


def _text(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return f"Missing field {exc.args[0]}"
    if isinstance(exc, fieldmask.MaskError):
        return f"Invalid field mask: {exc}"
    return str(exc)


def endpoint(call: Call) -> dict:
    """POST {id}:batchUpdate."""
    body = json_body()
    live = backend().open_spreadsheet(call.spreadsheet_id, write=True)
    spreadsheet = live.copy()
    requests = body.get("requests") or []
    replies = apply_all(spreadsheet, requests)
    if requests:
        backend().save_spreadsheet(spreadsheet)
    response: dict = {"spreadsheetId": spreadsheet.spreadsheet_id, "replies": replies}
    if body.get("includeSpreadsheetInResponse"):
        response["updatedSpreadsheet"] = spreadsheet_json(spreadsheet, False, [])
    return response


def apply_initial_sheets(spreadsheet: Spreadsheet, sheets: list[dict]) -> None:
    """spreadsheets.create with `sheets`: they replace the default Sheet1."""
    first = spreadsheet.sheets[0]
    for entry in sheets:
        sheet_requests.add_sheet(spreadsheet, {"properties": entry.get("properties") or {}})
    spreadsheet.sheets.remove(first)
