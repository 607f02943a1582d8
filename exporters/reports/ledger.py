"""A General Ledger fetched in pieces (`pieces.fetch_whole`, cut by date) joined back into one report.

Account sections match by account (the Header's id, else its label). A section's postings from every piece
follow one another in date order (pieces come in date order); its "Total for" row is the sum over pieces;
its "Beginning Balance" comes only from the first piece; the running balance of a later piece continues
from where the earlier pieces left it. A section new in a later piece goes after its predecessor there,
before its successor, and between them by account name.
"""

from __future__ import annotations

import copy
from decimal import Decimal

from exporters.columns import to_decimal
from exporters.reports.tidy import RUNNING_BALANCE

BEGINNING_BALANCE = "Beginning Balance"


def joined(reports: list[dict]) -> dict:
    """One General Ledger from its pieces in date order; the Header's period runs from first to last."""
    if len(reports) == 1:
        return reports[0]
    result = copy.deepcopy(reports[0])
    amounts, balances = _money_cells(result)
    rows: list[dict] = result.setdefault("Rows", {}).setdefault("Row", [])
    for report in reports[1:]:
        _join(rows, ((report.get("Rows") or {}).get("Row")) or [], amounts, balances)
    header = result.setdefault("Header", {})
    last = reports[-1].get("Header") or {}
    if last.get("EndPeriod"):
        header["EndPeriod"] = last["EndPeriod"]
    return result


def _money_cells(report: dict) -> tuple[list[int], list[int]]:
    """Cell positions of the amounts to add up, and of the running balances (ColKey rbal_...)."""
    amounts, balances = [], []
    for index, column in enumerate((report.get("Columns") or {}).get("Column") or []):
        if column.get("ColType") != "Money":
            continue
        key = next((m.get("Value") for m in column.get("MetaData") or [] if m.get("Name") == "ColKey"), "")
        (balances if str(key).startswith(RUNNING_BALANCE) else amounts).append(index)
    return amounts, balances


def _key(section: dict) -> str:
    first = (((section.get("Header") or {}).get("ColData")) or [{}])[0]
    return str(first.get("id") or first.get("value") or "")


def _is_section(row: dict) -> bool:
    return row.get("type") == "Section" or "Header" in row or "Summary" in row


def _label(row: dict) -> str:
    return str(((row.get("ColData") or [{}])[0]).get("value") or "")


def _balance(rows: list[dict], balances: list[int]) -> Decimal | None:
    """The last running balance among the postings (and Beginning Balance) of a section."""
    for row in reversed(rows):
        if _is_section(row):
            continue
        cells = row.get("ColData") or []
        values = [to_decimal(cells[i].get("value")) for i in balances if i < len(cells)]
        if values and values[-1] is not None:
            return values[-1]
    return None


def _join(into: list[dict], rows: list[dict], amounts: list[int], balances: list[int]) -> None:
    """Add a later piece's rows of one level (the report, or a section) to the earlier pieces' rows."""
    carried = _balance(into, balances)
    opening = next((_balance([r], balances) for r in rows if _label(r) == BEGINNING_BALANCE), None)
    offset = carried - (opening or 0) if carried is not None else Decimal(0)
    sections = {_key(r): r for r in into if _is_section(r)}
    at = 0  # where the piece's next new row goes: after its predecessor
    for index, row in enumerate(rows):
        if _is_section(row):
            if (same := sections.get(_key(row))) is not None:
                _join_section(same, row, amounts, balances)
                at = _position(into, same) + 1
                continue
            fresh = {**copy.deepcopy(row), "Rows": {"Row": []}}
            _join(fresh["Rows"]["Row"], ((row.get("Rows") or {}).get("Row")) or [], amounts, balances)
            successor = next((sections[k] for r in rows[index + 1 :] if (k := _key(r)) in sections), None)
            at = _place(into, at, successor, fresh)
            into.insert(at, fresh)
            sections[_key(row)] = fresh
            at += 1
            continue
        if _label(row) == BEGINNING_BALANCE:
            continue  # the earlier pieces hold the range's beginning balance
        while at < len(into) and not _is_section(into[at]):
            at += 1  # postings follow the earlier pieces' postings
        into.insert(at, _shifted(row, balances, offset))
        at += 1


def _position(rows: list[dict], row: dict) -> int:
    return next(i for i, r in enumerate(rows) if r is row)


def _name(section: dict) -> str:
    """An account's own name (QBO labels a sub-account "Parent:Child"), for ordering."""
    return _label(section.get("Header") or {}).rsplit(":", 1)[-1].strip().lower()


def _place(into: list[dict], at: int, successor: dict | None, section: dict) -> int:
    """Where a section new in a later piece goes: after its predecessor there, before its successor, and
    between them by account name (QBO's chart order within an account type, which the report doesn't show)."""
    stop = _position(into, successor) if successor is not None else len(into)
    while at < stop and (not _is_section(into[at]) or _name(into[at]) < _name(section)):
        at += 1
    return at


def _join_section(into: dict, section: dict, amounts: list[int], balances: list[int]) -> None:
    _join(
        into.setdefault("Rows", {}).setdefault("Row", []),
        ((section.get("Rows") or {}).get("Row")) or [],
        amounts,
        balances,
    )
    later = (section.get("Summary") or {}).get("ColData") or []
    if not later:
        return
    if "Summary" not in into:
        into["Summary"] = copy.deepcopy(section["Summary"])
        return
    cells = into["Summary"].setdefault("ColData", [])
    for index in amounts:
        if index < len(cells) and index < len(later):
            cells[index]["value"] = _sum(cells[index].get("value"), later[index].get("value"))


def _sum(first: str | None, second: str | None) -> str:
    present = [v for v in (to_decimal(first), to_decimal(second)) if v is not None]
    if not present:
        return first or ""
    return _text(sum(present, Decimal(0)))


def _shifted(row: dict, balances: list[int], offset: Decimal) -> dict:
    row = copy.deepcopy(row)
    cells = row.get("ColData") or []
    for index in balances:
        if offset and index < len(cells) and (value := to_decimal(cells[index].get("value"))) is not None:
            cells[index]["value"] = _text(value + offset)
    return row


def _text(amount: Decimal) -> str:
    """QBO's way of writing an amount: two decimals, never "-0.00"."""
    return f"{(amount if amount != 0 else Decimal(0)):.2f}"
