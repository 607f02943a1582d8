"""What one write did, in typed fields the caller maps to its own run statistics."""

from __future__ import annotations

from dataclasses import dataclass

from sheets.contract import HeaderState


@dataclass(frozen=True)
class WriteResult:
    rows_written: int
    calls: int  # Sheets API requests this write sent (retries included)
    sheet_id: int
    spreadsheet_url: str
    header_state: HeaderState  # what the caller keeps for the next run's column contract
    truncated_cells: int = 0  # cells cut to 50,000 characters (oversize="truncate")
    rows_updated: int = 0  # upsert: rows changed in place
    rows_appended: int = 0  # append and upsert: rows added under the others
    rows_removed: int = 0  # upsert: rows removed (or newly marked) because their objects are gone
    removed_keys: tuple[tuple[str, ...], ...] = ()  # upsert: the keys of those rows (as text)
    runs_left: int | None = None  # append: how many more runs of this size fit in the spreadsheet
