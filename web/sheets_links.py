"""Browser links to an exporter's spreadsheet."""

from __future__ import annotations

from sheets.client import spreadsheet_url
from store.models import Exporter


def sheet_link(exporter: Exporter) -> str | None:
    """The spreadsheet opened on the exporter's tab when the writer knows its sheetId."""
    if not exporter.spreadsheet_id:
        return None
    return spreadsheet_url(exporter.spreadsheet_id, exporter.sheet_state.sheet_id)
