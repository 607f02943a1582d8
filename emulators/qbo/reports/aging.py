"""AgedReceivables and AgedPayables: open balances per customer/vendor in days-past-due buckets."""

from __future__ import annotations

from .company_access import Company, fiscal_year_start_month, today
from .errors import ReportParamError
from .layout import Vector, add, amounts, cell, column, data_row, header, section, zeros
from .ledger import ledger_of
from .money import ZERO
from .params import parse_filters
from .periods import parse_date, resolve_macro


def _int(params: dict[str, str], name: str, default: int) -> int:
    value = params.get(name) or str(default)
    if not value.isdigit() or int(value) < 1:
        raise ReportParamError(f"{name}: expected a positive whole number, got {value!r}")
    return int(value)


def buckets(period: int, count: int) -> list[str]:
    """Column titles: Current, 1 - 30, 31 - 60, 61 - 90, 91 and over (for 30 days x 4)."""
    titles = ["Current"]
    titles += [f"{i * period + 1} - {(i + 1) * period}" for i in range(count - 1)]
    titles.append(f"{(count - 1) * period + 1} and over")
    return titles


def bucket_index(days_past_due: int, period: int, count: int) -> int:
    if days_past_due <= 0:
        return 0
    return min((days_past_due - 1) // period + 1, count)


def build_for(side: str, company: Company, raw: dict[str, str]) -> dict:
    """An aging report for "AR" (AgedReceivables) or "AP" (AgedPayables)."""
    period, count = _int(raw, "aging_period", 30), _int(raw, "num_periods", 4)
    macro = raw.get("date_macro") or None
    if raw.get("report_date"):
        as_of, macro = parse_date("report_date", raw["report_date"]), None
    elif raw.get("end_date"):
        as_of, macro = parse_date("end_date", raw["end_date"]), None
    else:
        as_of = resolve_macro(macro or "Today", today(company), fiscal_year_start_month(company))[1]
        macro = macro or "Today"
    filters = parse_filters(raw)
    party = "customer" if side == "AR" else "vendor"
    wanted = filters.ids.get(party)
    ledger = ledger_of(company)
    titles = buckets(period, count)
    width = len(titles) + 1
    per_party: dict[str | None, Vector] = {}
    for item in ledger.open_items(side, as_of):
        if wanted is not None and item.party_id not in wanted:
            continue
        vector = per_party.setdefault(item.party_id, zeros(width))
        vector[bucket_index((as_of - item.due_date).days, period, count)] += item.amount
        vector[-1] += item.amount
    kind = "Customer" if side == "AR" else "Vendor"
    rows, total = [], zeros(width)
    for party_id in sorted(per_party, key=lambda pid: ledger.party_name(kind, pid).lower()):
        vector = per_party[party_id]
        if vector[-1] == ZERO and not any(vector):
            continue
        rows.append(data_row([cell(ledger.party_name(kind, party_id), party_id or ""), *amounts(vector)]))
        total = add(total, vector)
    rows.append(section(None, None, [cell("TOTAL"), *amounts(total, blank_zero=False)], "GrandTotal"))
    name = "AgedReceivables" if side == "AR" else "AgedPayables"
    echo = {k: v for k, v in filters.header().items() if k == kind}
    return {
        "Header": header(
            company,
            name,
            start=as_of,
            end=as_of,
            macro=macro,
            basis="Accrual",
            summarize="Total",
            no_data=len(rows) == 1,
            echo=echo,
            options=[("report_date", as_of.isoformat())],
        ),
        "Columns": {
            "Column": [
                column("", kind, party),
                *(column(t, "Money", "current" if i == 0 else str(i - 1)) for i, t in enumerate(titles)),
                column("Total", "Money", "total"),
            ]
        },
        "Rows": {"Row": rows},
    }


def receivables(company: Company, raw: dict[str, str]) -> dict:
    return build_for("AR", company, raw)


def payables(company: Company, raw: dict[str, str]) -> dict:
    return build_for("AP", company, raw)
