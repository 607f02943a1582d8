"""The column contract: the writer owns the header it wrote; an analyst's edit stops the run, not the data."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gspread.utils import rowcol_to_a1

from sheets.errors import ColumnContractBroken


@dataclass(frozen=True)
class HeaderState:
    """What the writer last wrote to a tab (kept in `Exporter.sheet_state` between runs)."""

    labels: tuple[str, ...]
    keys: tuple[str, ...]
    sheet_id: int
    rows: int  # data rows under the header

    def as_json(self) -> dict[str, Any]:
        """The stored form (the keys `Exporter.sheet_state` has always had)."""
        return {
            "labels": list(self.labels),
            "keys": list(self.keys),
            "sheet_id": self.sheet_id,
            "rows": self.rows,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> HeaderState | None:
        """The state stored by `as_json`; None for a tab the writer has not written yet."""
        if not data:
            return None
        return cls(
            labels=tuple(str(label) for label in data.get("labels") or ()),
            keys=tuple(str(key) for key in data.get("keys") or ()),
            sheet_id=int(data.get("sheet_id") or 0),
            rows=int(data.get("rows") or 0),
        )


def _letter(index: int) -> str:
    return rowcol_to_a1(1, index + 1)[:-1]


def describe_change(before: Sequence[str], now: Sequence[str]) -> str:
    """The first difference between the header we wrote and the one in the sheet, in words."""
    i = next(
        (i for i, (a, b) in enumerate(zip(before, now, strict=False)) if a != b), min(len(before), len(now))
    )
    if len(now) > len(before) and now[i + 1 : i + 1 + len(before) - i] == list(before[i:]):
        return f"a column '{now[i]}' was inserted at column {_letter(i)}"
    if len(now) < len(before) and list(before[i + 1 : i + 1 + len(now) - i]) == list(now[i:]):
        return f"column {_letter(i)} '{before[i]}' was deleted"
    if i < len(before) and i < len(now):
        return f"column {_letter(i)} '{before[i]}' is now '{now[i]}'"
    if i < len(now):
        return f"a column '{now[i]}' was added at column {_letter(i)}"
    return f"column {_letter(i)} '{before[i]}' was deleted"


def check_header(tab: str, state: HeaderState | None, current: Sequence[str]) -> None:
    """Raise ColumnContractBroken if the header row differs from what the writer last wrote."""
    before = list(state.labels) if state is not None else []
    now = list(current)
    while now and now[-1] == "":
        now.pop()
    if not before or not now or now == before:
        return
    change = describe_change(before, now)
    raise ColumnContractBroken(
        f"The header row of '{tab}' was changed in the sheet since the last run: "
        f"{change}. "
        "Sheetbooks writes these columns and stopped rather than put data under the wrong headings; the tab "
        "was not changed. Undo the edit in the sheet, or edit the exporter and tick “Reset the tab on the "
        "next run” to let Sheetbooks rewrite it (columns added inside it will be removed).",
        change,
        tuple(now),
    )
