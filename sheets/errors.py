"""What can go wrong writing to Google Sheets; every message says what happened and what to do."""

from __future__ import annotations


class SheetsError(Exception):
    """Base of the sheet writer's errors; `str(error)` is meant for the analyst."""


class DestinationMissing(SheetsError):
    """The spreadsheet was deleted, is no longer shared with the exporter's Google account, or view-only."""

    def __init__(
        self, spreadsheet_id: str, status: int, account: str = "", *, read_only: bool = False
    ) -> None:
        self.spreadsheet_id, self.status, self.read_only = spreadsheet_id, status, read_only
        super().__init__(self.message(account))

    def message(self, account: str = "") -> str:
        """What happened and what to do, naming the Google account when it is known."""
        who = account or "the exporter's Google account"
        if self.read_only:
            return (
                f"The spreadsheet {self.spreadsheet_id} is shared with {who} for viewing only (Google "
                f"answered HTTP {self.status} to a write). Share it with {who} as an editor, or pick another "
                "spreadsheet for the exporter."
            )
        return (
            f"The spreadsheet {self.spreadsheet_id} was deleted or is no longer shared with {who} "
            f"(Google answered HTTP {self.status}). Restore it from the Drive trash or share it again "
            "with that account, or pick another spreadsheet for the exporter."
        )


class LimitExceeded(SheetsError):
    """Writing would break a Google Sheets limit (cells, columns, characters per cell)."""

    def __init__(self, message: str, *, limit: str, excess: int) -> None:
        super().__init__(message)
        self.limit = limit
        self.excess = excess


class ColumnContractBroken(SheetsError):
    """The header row the writer owns was edited in the sheet since the last run."""

    def __init__(self, message: str, change: str = "", header: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.change = change  # the first difference, in words
        self.header = header  # the header now in the sheet


class GoogleReconnectRequired(SheetsError):
    """The Google grant was revoked or expired: someone has to connect the Google account again."""


class QuotaExhausted(SheetsError):
    """Google kept answering 'too many requests' after the bounded retries."""


class SheetsUnavailable(SheetsError):
    """Google kept failing (5xx or network errors) after the bounded retries."""


class UpsertNotPossible(SheetsError):
    """An upsert can't update this tab row by row; raised before anything is written.

    The caller decides what to do instead (the pipeline rewrites the whole tab) and records `reason`.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
