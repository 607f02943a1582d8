"""Report sources on the QBO emulator: explicit parameters, both layouts, long ranges, several companies."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

from exporters.catalog import SOURCES, get_source
from exporters.dates import resolve_range
from exporters.sources.base import CompanyContext, RunContext
from store.documents import ExporterOptions, FixedRange, RelativeRange
from tests.exporters.report_checks import LAST_YEAR, Recording, assert_sections_tie
from tests.exporters.test_entity_sources import assert_typed

# Budget vs actuals needs a budget of the company: typed and tied out in test_budget_vs_actuals.py
REPORT_KEYS = [k for k, s in SOURCES.items() if s.kind == "report" and not getattr(s, "takes_budget", False)]


@pytest.mark.parametrize("key", REPORT_KEYS)
def test_every_report_in_tidy_layout_is_typed_and_sends_dates_and_basis(key, acme):
    realm, client = acme
    recorder = Recording(client)
    source = get_source(key)
    options = ExporterOptions(layout="tidy", date_range=LAST_YEAR)
    rows = list(source.rows(recorder, CompanyContext("Acme", realm), options, RunContext()))
    assert rows
    assert_typed(source.columns(options), rows)
    (name, params), *_ = recorder.sent
    assert params["accounting_method"] == "Accrual"
    assert params["start_date"] and params["end_date"]


def test_tidy_profit_and_loss_sections_tie_to_their_totals(acme):
    realm, client = acme
    source = get_source("profit_and_loss")
    options = ExporterOptions(layout="tidy", date_range=LAST_YEAR, accounting_method="Cash")
    rows = list(source.rows(client, CompanyContext("Acme", realm), options, RunContext()))
    assert {r["accounting_method"] for r in rows} == {"Cash"}
    assert assert_sections_tie(rows) >= 3


def test_months_over_three_years_are_fetched_in_one_request_and_nothing_is_dropped(acme):
    realm, client = acme
    recorder = Recording(client)
    source = get_source("profit_and_loss")
    options = ExporterOptions(
        date_range=FixedRange(start="2022-01-01", end="2024-12-31"), summarize_column_by="Month"
    )
    company = CompanyContext("Acme", realm)
    statement = source.statement([(company, recorder)], options, RunContext())
    assert [(p["start_date"], p["end_date"]) for _n, p in recorder.sent] == [("2022-01-01", "2024-12-31")]
    assert len(statement.columns) == 1 + 36 + 1 and statement.columns[-1].label == "Total"
    whole = source.statement(
        [(company, client)],
        ExporterOptions(date_range=options.date_range, summarize_column_by="Total"),
        RunContext(),
    )
    net = next(r for r in statement.rows if r["account"].strip() == "Net Income")
    net_whole = next(r for r in whole.rows if r["account"].strip() == "Net Income")
    assert net["total"] == net_whole["total"]
    tidy = list(source.rows(client, company, options.model_copy(update={"layout": "tidy"}), RunContext()))
    months = {(r["period_start"], r["period_end"]) for r in tidy}
    assert len(months) == 36
    net_months = sum(r["amount"] or 0 for r in tidy if r["account"] == "Net Income")
    assert net_months == net_whole["total"]


def test_several_companies_side_by_side_and_in_blocks(company_client):
    first = company_client("North Co", invoices=15)
    second = company_client("South Co", invoices=25)
    source = get_source("profit_and_loss")
    pairs = [
        (CompanyContext("North Co", first[0]), first[1]),
        (CompanyContext("South Co", second[0]), second[1]),
    ]
    side = source.statement(pairs, ExporterOptions(date_range=LAST_YEAR), RunContext())
    assert [c.label for c in side.columns] == ["Account", "North Co Total", "South Co Total"]
    net = next(r for r in side.rows if r["account"].strip() == "Net Income")
    singles = [source.statement([p], ExporterOptions(date_range=LAST_YEAR), RunContext()) for p in pairs]
    alone = [next(r for r in s.rows if r["account"].strip() == "Net Income")["total"] for s in singles]
    assert [net[f"{first[0]}:total"], net[f"{second[0]}:total"]] == alone
    blocks = source.statement(
        pairs, ExporterOptions(date_range=LAST_YEAR, companies_layout="blocks"), RunContext()
    )
    titles = [r["account"] for r in blocks.rows]
    assert titles[0] == "North Co" and "South Co" in titles
    assert len(blocks.rows) == len(singles[0].rows) + len(singles[1].rows) + 3


class Meeting(Recording):
    """A client whose report call waits until every company's call is in flight (fails if they take turns)."""

    def __init__(self, client, barrier: threading.Barrier) -> None:
        super().__init__(client)
        self.barrier = barrier

    def report(self, name: str, params: dict) -> dict:
        self.barrier.wait()  # BrokenBarrierError after the timeout when the companies are read one by one
        return super().report(name, params)


def test_the_companies_of_a_consolidated_report_are_fetched_at_the_same_time(company_client):
    companies = [company_client(name, invoices=5) for name in ("North Co", "South Co", "East Co")]
    barrier = threading.Barrier(len(companies), timeout=20)
    pairs = [(CompanyContext(f"Co {realm}", realm), Meeting(client, barrier)) for realm, client in companies]
    side = get_source("profit_and_loss").statement(pairs, ExporterOptions(date_range=LAST_YEAR), RunContext())
    assert [c.label for c in side.columns][1:] == [f"Co {realm} Total" for realm, _c in companies]
    assert all(len(client.sent) == 1 for _c, client in pairs)


@pytest.mark.parametrize(
    ("spec", "now", "expected"),
    [
        ({"relative": "today"}, datetime(2025, 3, 1, 5, 0, tzinfo=UTC), ("2025-02-28", "2025-02-28")),
        ({"relative": "last_month"}, datetime(2025, 3, 1, 5, 0, tzinfo=UTC), ("2025-01-01", "2025-01-31")),
        ({"relative": "this_quarter"}, datetime(2025, 4, 1, 9, 0, tzinfo=UTC), ("2025-04-01", "2025-06-30")),
        ({"relative": "last_quarter"}, datetime(2025, 4, 1, 9, 0, tzinfo=UTC), ("2025-01-01", "2025-03-31")),
        ({"relative": "year_to_date"}, datetime(2025, 1, 1, 5, 0, tzinfo=UTC), ("2024-01-01", "2024-12-31")),
        (
            {"relative": "last_n_days", "n": 7},
            datetime(2025, 3, 10, 12, 0, tzinfo=UTC),
            ("2025-03-04", "2025-03-10"),
        ),
        ({"relative": "last_week"}, datetime(2025, 3, 12, 12, 0, tzinfo=UTC), ("2025-03-02", "2025-03-08")),
        ({"relative": "last_year"}, datetime(2025, 3, 12, 12, 0, tzinfo=UTC), ("2024-01-01", "2024-12-31")),
    ],
)
def test_relative_ranges_are_resolved_on_the_date_in_the_exporters_time_zone(spec, now, expected):
    """05:00 UTC on Mar 1 is still Feb 28 in Los Angeles; Jan 1 05:00 UTC is still last year there."""
    today = RunContext(now=now, time_zone="America/Los_Angeles").today
    start, end = resolve_range(RelativeRange.model_validate(spec), today)
    assert (start.isoformat(), end.isoformat()) == expected


def test_bad_ranges_are_explained():
    """A range that cannot be resolved cannot be built, so no run meets one."""
    with pytest.raises(ValidationError, match=r"starts \(2025-02-01\) after it ends \(2025-01-01\)"):
        FixedRange(start="2025-02-01", end="2025-01-01")
    with pytest.raises(ValidationError, match="Unknown relative date range 'next_decade'; use one of: today"):
        RelativeRange(relative="next_decade")
    assert resolve_range(None, date(2025, 3, 1)) == (date(2025, 1, 1), date(2025, 3, 1))  # year to date


def test_report_filters_and_summaries_are_sent_to_qbo(acme):
    realm, client = acme
    recorder = Recording(client)
    options = ExporterOptions(
        date_range=LAST_YEAR, summarize_column_by="Quarter", customer_ids=["1", "2"], class_ids=["3"]
    )
    get_source("profit_and_loss").statement(
        [(CompanyContext("Acme", realm), recorder)], options, RunContext()
    )
    ((_name, params),) = recorder.sent
    assert params["summarize_column_by"] == "Quarter"
    assert params["customer"] == "1,2" and params["class"] == "3"
