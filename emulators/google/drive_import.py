"""Drive v2 media upload with `convert=True`: CSV replaces a spreadsheet's content (gspread's import_csv)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from emulators.google.backend import SPREADSHEET_MIME
from emulators.google.drive import DriveError, backend, file_for_caller

blueprint = Blueprint("drive_import", __name__, url_prefix="/upload/drive/v2/files")


@blueprint.put("/<file_id>")
def upload(file_id: str) -> Response:
    """Only `uploadType=media` of text/csv onto an existing spreadsheet is modelled."""
    from emulators.google.sheets import csv_import

    meta = file_for_caller(file_id, "writer")
    content_type = request.headers.get("Content-Type", "").split(";")[0].strip()
    if meta.mime_type != SPREADSHEET_MIME or content_type != "text/csv":
        raise DriveError(400, f"Uploading {content_type or 'nothing'} here is not supported.", "badRequest")
    if request.args.get("uploadType", "media") != "media":
        raise DriveError(400, "Only uploadType=media is supported.", "badRequest")
    emulator = backend()
    spreadsheet = emulator.spreadsheet(file_id).copy()
    try:
        csv_import.import_rows(spreadsheet, csv_import.parse(request.get_data()))
    except ValueError as exc:  # GridError: a cell over 50,000 characters, the cell limit, bad UTF-8
        raise DriveError(400, str(exc), "badRequest") from None
    emulator.save_spreadsheet(spreadsheet)
    return jsonify({"kind": "drive#file", "id": meta.id, "title": meta.name, "mimeType": meta.mime_type})
