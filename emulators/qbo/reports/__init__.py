"""QBO Reports API for the emulator, computed from one ledger derived from the company's entities.

Seam: `build_report(name, params, company)` returns the bare report object (Header/Columns/Rows)
for `GET /v3/company/<realm>/reports/<name>?<params>`; bad parameters raise `ReportParamError`
and unknown names `UnsupportedReport` (a `ReportParamError`).
"""

from __future__ import annotations

from collections.abc import Callable

from .company_access import Company
from .errors import ReportParamError, UnsupportedReport

Builder = Callable[[Company, dict[str, str]], dict]


def _builders() -> dict[str, Builder]:
    from . import (
        aging,
        balance_sheet,
        cash_flow,
        general_ledger,
        profit_and_loss,
        profit_and_loss_detail,
        transaction_list,
        trial_balance,
    )

    return {
        "ProfitAndLoss": profit_and_loss.build,
        "BalanceSheet": balance_sheet.build,
        "TrialBalance": trial_balance.build,
        "CashFlow": cash_flow.build,
        "GeneralLedger": general_ledger.build,
        "ProfitAndLossDetail": profit_and_loss_detail.build,
        "TransactionList": transaction_list.build,
        "AgedReceivables": aging.receivables,
        "AgedPayables": aging.payables,
    }


def supported_reports() -> list[str]:
    """Report names the emulator computes."""
    return sorted(_builders())


def build_report(name: str, params: dict[str, str], company: Company) -> dict:
    """The bare report object for GET /reports/<name>?params."""
    builders = _builders()
    builder = builders.get(name) or next((b for n, b in builders.items() if n.lower() == name.lower()), None)
    if builder is None:
        raise UnsupportedReport(
            f"Report {name!r} is not supported (supported: {', '.join(sorted(builders))})"
        )
    return builder(company, {k: str(v) for k, v in (params or {}).items()})


__all__ = ["ReportParamError", "UnsupportedReport", "build_report", "supported_reports"]
