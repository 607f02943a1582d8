"""Drive v3 files.copy and files.export: a spreadsheet's content leaving it as a new file or as text."""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, jsonify, request

from emulators.google.backend import SPREADSHEET_MIME
from emulators.google.drive import (
    DEFAULT_FILE_FIELDS,
    SA_NO_QUOTA,
    DriveError,
    backend,
    caller,
    file_for_caller,
    file_resource,
    parse_fields,
    project,
)

blueprint = Blueprint("drive_copy", __name__, url_prefix="/drive/v3/files")

EXPORT_DIALECTS = {"text/csv": "excel", "text/tab-separated-values": "excel-tab"}


@blueprint.post("/<file_id>/copy")
def copy_file(file_id: str) -> Response:
    """A copy owned by the caller (`Copy of <name>` unless `name` is given); sharing is not copied."""
    principal = caller()
    source = file_for_caller(file_id)
    if principal.is_service_account:
        raise DriveError(403, SA_NO_QUOTA, "storageQuotaExceeded", domain="usageLimits")
    body = request.get_json(silent=True) or {}
    name = body.get("name") or f"Copy of {source.name}"
    meta = backend().copy_file(source, principal.email, name, body.get("parents") or [])
    fields = parse_fields(request.args.get("fields") or DEFAULT_FILE_FIELDS)
    return jsonify(project(file_resource(meta, principal.email), fields))


@blueprint.get("/<file_id>/export")
def export_file(file_id: str) -> Response:
    """CSV/TSV of the first tab's formatted values (what Drive exports for a Google Sheet)."""
    meta = file_for_caller(file_id)
    mime = request.args.get("mimeType", "")
    if meta.mime_type != SPREADSHEET_MIME or mime not in EXPORT_DIALECTS:
        raise DriveError(
            400, f"Export to {mime or 'nothing'} is not supported by the emulator.", "badRequest"
        )
    spreadsheet = backend().spreadsheet(file_id)
    out = io.StringIO()
    writer = csv.writer(out, dialect=EXPORT_DIALECTS[mime], lineterminator="\r\n")
    writer.writerows(_rectangle(spreadsheet.formatted_grid(spreadsheet.sheets[0].sheet_id)))
    return Response(out.getvalue().encode(), 200, content_type=f"{mime}; charset=utf-8")


def _rectangle(grid: list[list[dict]]) -> list[list[str]]:
    """Cell texts up to the last non-empty row and column, every row padded to the same width."""
    rows = [[cell["text"] for cell in row] for row in grid]
    for row in rows:
        while row and row[-1] == "":
            row.pop()
    while rows and not rows[-1]:
        rows.pop()
    width = max((len(row) for row in rows), default=0)
    return [row + [""] * (width - len(row)) for row in rows]
