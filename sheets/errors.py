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


# What each write mode was doing, and what a failure of Google's leaves behind (every mode writes the live
# tab in one batchUpdate at the end: replace swaps, append adds its block, upsert applies its changes).
DOING = {
    "replace": "replacing the tab's rows",
    "append": "appending this run's rows to the tab",
    "upsert": "updating the tab's rows in place",
}
LEFT = {
    "replace": "The tab shows the previous run's rows or this run's, never a mix.",
    "append": "The tab has this run's rows either all or not at all.",
    "upsert": "The next run reads the same QuickBooks changes again (the watermark moves only after a "
    "successful write).",
}
MAYBE_APPLIED = {
    "replace": "Run the exporter again: a replace rewrites the whole tab.",
    "append": "Look at the tab's last rows: if this run's rows are there, keep them; if not, run the "
    "exporter again.",
    "upsert": "The next run reads the same changes again and reconciles the tab by key: run it again, or "
    "wait for its next scheduled run.",
}
AGAIN = "Run the exporter again later, or wait for its next scheduled run."


class SheetsUnavailable(SheetsError):
    """Google kept failing (5xx or network errors) after the bounded retries, or failed on a batch that adds
    or removes rows, which it may have applied (`may_have_applied`: then it was not sent twice).

    The retrying client does not know the write mode; the writer names it (`during`), so the message says
    what the mode that was actually running left behind and what to do."""

    def __init__(self, failure: str, *, may_have_applied: bool = False, mode: str = "") -> None:
        self.failure, self.may_have_applied, self.mode = failure, may_have_applied, mode
        super().__init__(self.message())

    def during(self, mode: str) -> SheetsUnavailable:
        """The same failure, said for the write mode that was running."""
        return SheetsUnavailable(self.failure, may_have_applied=self.may_have_applied, mode=mode)

    def message(self) -> str:
        doing = DOING.get(self.mode, "writing to the tab")
        if self.may_have_applied:
            advice = MAYBE_APPLIED.get(self.mode, "Check the tab before running the exporter again.")
            return (
                f"Google Sheets failed ({self.failure}) while {doing} and may have applied the change "
                f"anyway, so it was not sent twice. {advice}"
            )
        left = LEFT.get(self.mode, "")
        return f"Google Sheets {self.failure} while {doing}. {left} {AGAIN}".replace("  ", " ")


class UpsertNotPossible(SheetsError):
    """An upsert can't update this tab row by row; raised before anything is written.

    The caller decides what to do instead (the pipeline rewrites the whole tab) and records `reason`.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
