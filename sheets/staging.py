"""The hidden staging tab a replace fills before its one-batchUpdate swap into the live tab."""

from __future__ import annotations

from sheets import batch
from sheets.tabs import SpreadsheetLayout, Tab

PREFIX = "_sheetbooks_staging_"


def staging_title(tab: str) -> str:
    return f"{PREFIX}{tab}"[:100]


def leftovers(layout: SpreadsheetLayout, tab: str) -> list[Tab]:
    """Staging tabs of `tab` left by a crashed run (hidden, with our name)."""
    title = staging_title(tab)
    return [t for t in layout.tabs if t.title == title and t.hidden]


def cleanup_requests(layout: SpreadsheetLayout, tab: str) -> list[dict]:
    return [batch.delete_sheet(t.sheet_id) for t in leftovers(layout, tab)]
