"""Incremental or full: how an upsert run gets its rows, decided once per run and recorded on the run.

An upsert pulls only what changed since each company's watermark, unless it cannot: the source has no
changes to pull, a company has no watermark yet, its watermark is older than QuickBooks' change-data-capture
window, the rows depend on today's date and the last full pull was on another day, or CDC answered at its
cap. Then the run pulls everything and replaces the tab. Pulled changes the sheet writer cannot apply in place
(a new tab, changed columns, too many changes for one request) are written by replacing the tab: the run
"fell back to replace", and says why.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from exporters import incremental
from exporters.sources.base import RunContext
from store.models import Watermark


class FullPull(StrEnum):
    """Why an upsert run read everything instead of the changes since its watermarks."""

    NOT_INCREMENTAL = "not_incremental"
    NO_WATERMARK = "no_watermark"
    WATERMARK_TOO_OLD = "watermark_too_old"
    NEW_DAY = "new_day"
    CDC_CAPPED = "cdc_capped"


@dataclass(frozen=True)
class Refresh:
    """The run's decision: the changes only, or everything (`full_pull` says why, `reason` in words)."""

    incremental: bool
    full_pull: FullPull | None = None
    reason: str = ""
    fallback_reason: str = ""  # set when the pulled changes were written by replacing the whole tab

    @property
    def fell_back_to_replace(self) -> bool:
        return bool(self.fallback_reason)

    def fell_back(self, reason: str) -> Refresh:
        """The same decision, noting that the writer replaced the tab instead of updating it in place."""
        return replace(self, fallback_reason=reason)

    def stats(self) -> dict[str, Any]:
        """What the run records: `incremental`, and why not or why the tab was replaced anyway."""
        out: dict[str, Any] = {"incremental": self.incremental}
        if self.full_pull is not None:
            out |= {"full_pull": str(self.full_pull), "full_pull_reason": self.reason}
        if self.incremental:
            out["fell_back_to_replace"] = self.fell_back_to_replace
        if self.fallback_reason:
            out["fallback_reason"] = self.fallback_reason
        return out


INCREMENTAL = Refresh(incremental=True)


def not_incremental(label: str) -> Refresh:
    return Refresh(
        False, FullPull.NOT_INCREMENTAL, f"{label} has no changes to pull: every run reads it whole"
    )


def cdc_capped(company: str) -> Refresh:
    return Refresh(
        False,
        FullPull.CDC_CAPPED,
        f"{company} has {incremental.CDC_CAP:,} or more changes since the last run, more than QuickBooks' "
        "change data capture answers at once",
    )


def start_or_full(mark: Watermark | None, company: str, run: RunContext, daily: bool) -> datetime | Refresh:
    """Where the company's incremental pull starts, or why the run has to pull everything."""
    start = incremental.since(mark, run.now, daily, run.zone)
    if start is not None:
        return start
    if mark is None or mark.last_updated_time is None:
        return Refresh(False, FullPull.NO_WATERMARK, f"{company} has no watermark yet (its first pull)")
    if incremental.since(mark, run.now) is None:
        return Refresh(
            False,
            FullPull.WATERMARK_TOO_OLD,
            f"{company} was last pulled more than {incremental.CDC_WINDOW.days} days ago, beyond "
            "QuickBooks' change data capture window",
        )
    return Refresh(
        False,
        FullPull.NEW_DAY,
        "the rows depend on today's date (status or a relative date range) and the last full pull "
        "was on another day",
    )


@dataclass
class ChangeCounts:
    """What an upsert run found: objects added, changed, deleted, gone out of the filters, re-read."""

    added: int = 0
    changed: int = 0
    deleted: int = 0
    left_filter: int = 0
    rechecked: int = 0

    def add(self, changes: incremental.Changes) -> None:
        self.added += changes.added
        self.changed += changes.changed
        self.rechecked += changes.rechecked
        self.deleted += len(changes.deleted_ids)
        self.left_filter += len(changes.left_filter_ids)

    def stats(self) -> dict[str, Any]:
        return asdict(self)
