"""The General Ledger over a long range QBO refuses: cut by date, fetched in pieces, joined without losses."""

from __future__ import annotations

from datetime import date

import pytest

from exporters.catalog import get_source
from exporters.reports.pieces import ReportIncomplete, by_date
from exporters.sources.base import CompanyContext, RunContext
from qbo.errors import QboFault
from store.documents import ExporterOptions, FixedRange
from tests.exporters.report_checks import Recording

LONG = FixedRange(start="2024-07-01", end="2025-12-31")  # crosses a fiscal year start; 3 months a piece


class Capping(Recording):
    """QBO stand-in that refuses (400) any report over more than `days` days."""

    def __init__(self, client, days: int) -> None:
        super().__init__(client)
        self.days = days

    def report(self, name: str, params: dict) -> dict:
        start, end = (date.fromisoformat(params[k]) for k in ("start_date", "end_date"))
        if (end - start).days >= self.days:
            self.sent.append((name, dict(params)))
            raise QboFault("2030", "Report too large", "Too many rows", http_status=400)
        return super().report(name, params)


def answered(stingy: Capping) -> list[tuple[str, str]]:
    return [(p["start_date"], p["end_date"]) for _n, p in stingy.sent if _days(p) < stingy.days]


def _days(params: dict) -> int:
    return (date.fromisoformat(params["end_date"]) - date.fromisoformat(params["start_date"])).days


def test_cutting_by_date_goes_along_months_then_days():
    assert by_date(date(2024, 1, 1), date(2024, 12, 31)) == [
        (date(2024, 1, 1), date(2024, 6, 30)),
        (date(2024, 7, 1), date(2024, 12, 31)),
    ]
    assert by_date(date(2024, 2, 1), date(2024, 2, 29)) == [
        (date(2024, 2, 1), date(2024, 2, 15)),
        (date(2024, 2, 16), date(2024, 2, 29)),
    ]
    assert by_date(date(2024, 2, 3), date(2024, 2, 4)) == [
        (date(2024, 2, 3), date(2024, 2, 3)),
        (date(2024, 2, 4), date(2024, 2, 4)),
    ]
    assert by_date(date(2024, 2, 3), date(2024, 2, 3)) is None


@pytest.mark.parametrize("layout", ["statement", "tidy"])
def test_a_general_ledger_qbo_refuses_whole_equals_the_whole_one_posting_and_total_for_total(acme, layout):
    realm, client = acme
    company = CompanyContext("Acme", realm)
    source = get_source("general_ledger")
    options = ExporterOptions(layout=layout, date_range=LONG)
    stingy = Capping(client, days=92)
    split = list(source.rows(stingy, company, options, RunContext()))
    whole = list(source.rows(client, company, options, RunContext()))
    pieces = answered(stingy)
    assert (
        len(pieces) >= 6 and pieces[0][0] == LONG.start.isoformat() and pieces[-1][1] == LONG.end.isoformat()
    )
    assert all(_days({"start_date": s, "end_date": e}) < 92 for s, e in pieces)
    labels = [str(r["account"]).strip() for r in whole]
    assert "Beginning Balance" in labels
    assert sum(1 for r in whole if str(r["account"]).startswith("Total for")) > 3
    assert len(whole) > 50
    assert split == whole  # every posting and section total, in QBO's order


def test_a_single_day_qbo_still_refuses_is_reported_not_dropped(acme):
    realm, client = acme
    stingy = Capping(client, days=0)
    options = ExporterOptions(layout="tidy", date_range=FixedRange(start="2024-01-01", end="2024-12-31"))
    with pytest.raises(ReportIncomplete, match="even for the single day 2024-01-01"):
        list(get_source("general_ledger").rows(stingy, CompanyContext("Acme", realm), options, RunContext()))
    assert len(stingy.sent) < 15  # the first half, its first half, ... down to the first day; then stop
