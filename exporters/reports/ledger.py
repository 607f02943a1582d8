"""A General Ledger fetched in pieces (`pieces.fetch_whole`, cut by date) joined back into one report.

Account sections match by account (the Header's id, else its label). A section's postings from every piece
follow one another in date order (pieces come in date order); its "Total for" row is the sum over pieces;
its "Beginning Balance" comes only from the first piece; the running balance of a later piece continues
from where the earlier pieces left it. Rows keep every piece's order (`order.merged_order`): a section new in
a later piece goes after its predecessor there, before its successor, and between them by account name.
"""

from __future__ import annotations

import copy
from decimal import Decimal

from exporters.columns import to_decimal
from exporters.reports.order import chart_name, merged_order
from exporters.reports.tidy import RUNNING_BALANCE
from qbo.client import JsonObject

BEGINNING_BALANCE = "Beginning Balance"


def joined(reports: list[JsonObject]) -> JsonObject:
    """One General Ledger from its pieces in date order; the Header's period runs from first to last."""
    if len(reports) == 1:
        return reports[0]
    result = copy.deepcopy(reports[0])
    amounts, balances = _money_cells(result)
    rows: list[JsonObject] = result.setdefault("Rows", {}).setdefault("Row", [])
    for report in reports[1:]:
        _join(rows, _rows(report), amounts, balances)
    header = result.setdefault("Header", {})
    last = reports[-1].get("Header") or {}
    if last.get("EndPeriod"):
        header["EndPeriod"] = last["EndPeriod"]
    return result


def _money_cells(report: JsonObject) -> tuple[list[int], list[int]]:
    """Cell positions of the amounts to add up, and of the running balances (ColKey rbal_...)."""
    amounts: list[int] = []
    balances: list[int] = []
    for index, column in enumerate((report.get("Columns") or {}).get("Column") or []):
        if column.get("ColType") != "Money":
            continue
        key = next((m.get("Value") for m in column.get("MetaData") or [] if m.get("Name") == "ColKey"), "")
        (balances if str(key).startswith(RUNNING_BALANCE) else amounts).append(index)
    return amounts, balances


def _key(section: JsonObject) -> str:
    first = (((section.get("Header") or {}).get("ColData")) or [{}])[0]
    return str(first.get("id") or first.get("value") or "")


def _is_section(row: JsonObject) -> bool:
    return row.get("type") == "Section" or "Header" in row or "Summary" in row


def _label(row: JsonObject) -> str:
    return str(((row.get("ColData") or [{}])[0]).get("value") or "")


def _balance(rows: list[JsonObject], balances: list[int]) -> Decimal | None:
    """The last running balance among the postings (and Beginning Balance) of a section."""
    for row in reversed(rows):
        if _is_section(row):
            continue
        cells = row.get("ColData") or []
        values = [to_decimal(cells[i].get("value")) for i in balances if i < len(cells)]
        if values and values[-1] is not None:
            return values[-1]
    return None


def _join(into: list[JsonObject], rows: list[JsonObject], amounts: list[int], balances: list[int]) -> None:
    """Add a later piece's rows of one level (the report, or a section) to the earlier pieces' rows."""
    carried = _balance(into, balances)
    opening = next((_balance([r], balances) for r in rows if _label(r) == BEGINNING_BALANCE), None)
    offset = carried - (opening or 0) if carried is not None else Decimal(0)
    sections = {_key(r): r for r in into if _is_section(r)}
    added: list[JsonObject] = []
    for row in rows:
        if not _is_section(row):
            if _label(row) != BEGINNING_BALANCE:  # the earlier pieces hold the range's beginning balance
                added.append(_shifted(row, balances, offset))
            continue
        if (same := sections.get(_key(row))) is not None:
            _join_section(same, row, amounts, balances)
        else:
            same = sections[_key(row)] = {**copy.deepcopy(row), "Rows": {"Row": []}}
            _join(same["Rows"]["Row"], _rows(row), amounts, balances)
        added.append(same)
    by_id = {id(r): r for r in (*into, *added)}

    def name(row_id: int) -> str | None:
        """Sections (accounts) by name, postings in the order first seen: the earlier pieces' first."""
        return _name(by_id[row_id]) if _is_section(by_id[row_id]) else None

    into[:] = [by_id[i] for i in merged_order([[id(r) for r in into], [id(r) for r in added]], name)]


def _rows(row: JsonObject) -> list[JsonObject]:
    return ((row.get("Rows") or {}).get("Row")) or []


def _name(section: JsonObject) -> str:
    return chart_name(_label(section.get("Header") or {}))


def _join_section(into: JsonObject, section: JsonObject, amounts: list[int], balances: list[int]) -> None:
    _join(into.setdefault("Rows", {}).setdefault("Row", []), _rows(section), amounts, balances)
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


def _shifted(row: JsonObject, balances: list[int], offset: Decimal) -> JsonObject:
    row = copy.deepcopy(row)
    cells = row.get("ColData") or []
    for index in balances:
        if offset and index < len(cells) and (value := to_decimal(cells[index].get("value"))) is not None:
            cells[index]["value"] = _text(value + offset)
    return row


def _text(amount: Decimal) -> str:
    """QBO's way of writing an amount: two decimals, never "-0.00"."""
    return f"{(amount if amount != 0 else Decimal(0)):.2f}"
