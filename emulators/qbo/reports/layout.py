"""The report JSON building blocks: Header, Columns, cells, Data and Section rows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from .company_access import Company, currency, report_time
from .money import ZERO, blank_if_zero, money
from .periods import Period

Vector = list[Decimal]


def header(
    company: Company,
    report_name: str,
    *,
    start: date,
    end: date,
    macro: str | None,
    basis: str,
    summarize: str,
    no_data: bool,
    echo: dict[str, str] | None = None,
    options: Sequence[tuple[str, str]] = (),
) -> dict:
    """Header in the key order of the real sandbox sample; DateMacro only when a macro was used."""
    out: dict = {"Time": report_time(company), "ReportName": report_name}
    if macro:
        out["DateMacro"] = macro.lower()
    out.update(
        {
            "ReportBasis": basis,
            "StartPeriod": start.isoformat(),
            "EndPeriod": end.isoformat(),
            "SummarizeColumnsBy": summarize,
            "Currency": currency(company),
        }
    )
    out.update(echo or {})
    option_list = [{"Name": name, "Value": value} for name, value in options]
    option_list += [
        {"Name": "AccountingStandard", "Value": "GAAP"},
        {"Name": "NoReportData", "Value": "true" if no_data else "false"},
    ]
    out["Option"] = option_list
    return out


def column(title: str, col_type: str, key: str, period: Period | None = None) -> dict:
    """One Columns.Column entry; period columns carry StartDate/EndDate before ColKey."""
    meta = []
    if period is not None:
        meta += [
            {"Name": "StartDate", "Value": period.start.isoformat()},
            {"Name": "EndDate", "Value": period.end.isoformat()},
        ]
    meta.append({"Name": "ColKey", "Value": key})
    return {"ColTitle": title, "ColType": col_type, "MetaData": meta}


def money_columns(periods: Sequence[Period], total: bool = True) -> list[dict]:
    """Period columns (if any) then the Total column."""
    cols = [column(p.title, "Money", p.title, p) for p in periods]
    if total or not periods:
        cols.append(column("Total", "Money", "total"))
    return cols


def account_columns(periods: Sequence[Period], total: bool = True) -> dict:
    """Columns of a summary report: the account column, then money columns."""
    return {"Column": [column("", "Account", "account"), *money_columns(periods, total)]}


def cell(value: str, cell_id: str | None = None) -> dict:
    """A ColData entry; `id` only on entity cells."""
    return {"value": value, "id": cell_id} if cell_id is not None else {"value": value}


def amounts(vector: Vector, blank_zero: bool = True) -> list[dict]:
    """Money cells for a vector of amounts."""
    fmt = blank_if_zero if blank_zero else money
    return [cell(fmt(v)) for v in vector]


def blanks(width: int) -> list[dict]:
    return [cell("") for _ in range(width)]


def data_row(cells: list[dict], group: str | None = None) -> dict:
    row: dict = {"ColData": cells, "type": "Data"}
    if group:
        row["group"] = group
    return row


def section(
    header_cells: list[dict] | None,
    rows: list[dict] | None,
    summary_cells: list[dict] | None,
    group: str | None = None,
) -> dict:
    """A Section row; Header/Rows/Summary appear only when given (Summary-only computed lines)."""
    row: dict = {}
    if header_cells is not None:
        row["Header"] = {"ColData": header_cells}
    if rows:
        row["Rows"] = {"Row": rows}
    if summary_cells is not None:
        row["Summary"] = {"ColData": summary_cells}
    row["type"] = "Section"
    if group:
        row["group"] = group
    return row


def add(a: Vector, b: Vector, sign: int = 1) -> Vector:
    return [x + sign * y for x, y in zip(a, b, strict=True)]


def zeros(width: int) -> Vector:
    return [ZERO] * width


def labelled_section(
    label: str,
    rows: list[dict],
    total: Vector,
    group: str | None,
    total_label: str | None = None,
    total_column: bool = False,
) -> dict:
    """A titled section; an empty one keeps its Header and a blank Summary, except in the Total
    column next to period columns, which reads "0.00" (the real Days P&L cited in qbo-api.md §3.3)."""
    width = len(total)
    summary = amounts(total, blank_zero=False) if rows else blanks(width)
    if not rows and total_column and width > 1:
        summary[-1] = cell(money(ZERO))
    return section(
        [cell(label), *blanks(width)], rows, [cell(total_label or f"Total {label}"), *summary], group
    )


def computed_section(label: str, total: Vector, group: str) -> dict:
    """A Summary-only computed line such as Gross Profit; it always carries numbers, "0.00" too
    (also with NoReportData, as in the real Days P&L cited in qbo-api.md §3.3)."""
    return section(None, None, [cell(label), *amounts(total, blank_zero=False)], group)
