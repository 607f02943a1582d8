"""run_export end to end: the QBO emulator, the store, the sheet writer on the Google emulator."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
import requests
from sqlmodel import select

from connections.clients import gspread_client_for
from connections.companies import save_connection
from connections.google_accounts import save_google_account
from exporters.export_run import run_export
from store import db
from store.documents import ExporterOptions, FixedRange, RelativeRange, RunStats
from store.models import Exporter, ExporterCompany, GoogleAccount, Run, RunStatus, Watermark, utcnow
from tests import factories
from tests.exporters.conftest import new_company
from tests.qbo.intuit import connect


def google_account(settings, workspace_id: int) -> int:
    email = f"analyst-{uuid.uuid4().hex[:6]}@example.com"
    tokens = requests.post(
        f"{settings.google_api_base}/_emulator/tokens", json={"email": email}, timeout=30
    ).json()
    info = {
        "token": tokens["access_token"],
        "refresh_token": tokens["refresh_token"],
        "expiry": "2100-01-01T00:00:00+00:00",
        "scopes": tokens["scope"].split(),
        "token_uri": settings.google_token_url,
        "email": email,
    }
    with db.session_scope() as session:
        account, _ = save_google_account(session, workspace_id, None, info)
        return account.id


class World:
    """A workspace with connected companies, a Google account and a spreadsheet."""

    def __init__(self, settings, admin, clock, workspace_id: int | None = None) -> None:
        self.settings, self.admin, self.clock = settings, admin, clock
        with db.session_scope() as session:
            self.workspace_id = workspace_id or factories.workspace(session).id
        self.account_id = google_account(settings, self.workspace_id)
        with db.session_scope() as session:
            self.gc = gspread_client_for(session.get(GoogleAccount, self.account_id))
        self.spreadsheet = self.gc.create(f"Books {uuid.uuid4().hex[:6]}")
        self.realms: dict[int, str] = {}

    def company(self, name: str, invoices: int = 30) -> int:
        # Generated a minute ago, so no generated object shares a second with a run's watermark (QBO times
        # have whole seconds: an update in the watermark's own second counts as a change, not a re-read).
        self.admin.advance(-60)
        try:
            realm = new_company(self.admin, name, invoices)
        finally:
            self.admin.advance(60)
        tokens = connect(self.settings, realm, self.clock)
        with db.session_scope() as session:
            company, _ = save_connection(session, self.workspace_id, None, realm, tokens, name)
            self.realms[company.id] = realm
            return company.id

    def exporter(self, company_ids: list[int], **fields) -> int:
        with db.session_scope() as session:
            exporter = Exporter(
                workspace_id=self.workspace_id,
                name=fields.pop("name", "Invoices"),
                source=fields.pop("source", "invoices"),
                google_account_id=self.account_id,
                spreadsheet_id=fields.pop("spreadsheet_id", self.spreadsheet.id),
                tab=fields.pop("tab", "Invoices"),
                **fields,
            )
            session.add(exporter)
            session.flush()
            for position, company_id in enumerate(company_ids):
                session.add(
                    ExporterCompany(exporter_id=exporter.id, company_id=company_id, position=position)
                )
            return exporter.id

    def run(self, exporter_id: int) -> Run:
        with db.session_scope() as session:
            run = Run(exporter_id=exporter_id, workspace_id=self.workspace_id)
            session.add(run)
            session.flush()
            run_id = run.id
        run_export(run_id)
        with db.session_scope() as session:
            return session.get(Run, run_id)

    def values(self, tab: str) -> list[list]:
        return self.spreadsheet.worksheet(tab).get_all_values()


@pytest.fixture
def world(settings, admin, clock) -> World:
    return World(settings, admin, clock)


def test_an_invoice_exporter_fills_the_tab_and_records_the_run(world):
    company = world.company("Acme Landscaping", invoices=30)
    exporter_id = world.exporter([company])
    run = world.run(exporter_id)
    assert run.status == RunStatus.SUCCEEDED, run.error
    table = world.values("Invoices")
    assert table[0] == [
        "Number",
        "Date",
        "Customer",
        "Customer ID",
        "Total",
        "Balance",
        "Due date",
        "Status",
        "Currency",
    ]
    assert len(table) - 1 == run.rows == 30
    assert {row[7] for row in table[1:]} <= {"Paid", "Open", "Overdue"}
    assert run.qbo_calls == 1  # one page; no COUNT for a source that fits in it
    assert run.sheets_calls >= 1 and run.started_at and run.finished_at
    assert "30" in run.progress
    with db.session_scope() as session:
        exporter = session.get(Exporter, exporter_id)
        assert exporter.sheet_state.labels[0] == "Number" and exporter.destination_error == ""


def test_a_run_after_a_successful_one_estimates_progress_by_its_rows_instead_of_a_count(world, admin):
    company = world.company("Big Co", invoices=1500)
    exporter_id = world.exporter([company], tab="Big")
    first = world.run(exporter_id)
    assert (first.status, first.rows, first.qbo_calls) == (RunStatus.SUCCEEDED, 1500, 3)  # 2 pages + COUNT
    admin.call("POST", "requests/reset")
    second = world.run(exporter_id)
    assert (second.status, second.rows, second.qbo_calls) == (RunStatus.SUCCEEDED, 1500, 2)  # pages, no COUNT


def test_two_companies_get_company_and_realm_columns(world):
    first, second = world.company("North Co", 12), world.company("South Co", 7)
    run = world.run(world.exporter([first, second], tab="Both"))
    assert run.status == RunStatus.SUCCEEDED, run.error
    table = world.values("Both")
    assert table[0][:2] == ["Company", "Realm ID"]
    assert sorted({(r[0], r[1]) for r in table[1:]}) == sorted(
        [("North Co", world.realms[first]), ("South Co", world.realms[second])]
    )
    assert run.rows == 19


def test_a_report_statement_is_written_with_qbo_labels(world):
    company = world.company("Acme Landscaping", 20)
    exporter_id = world.exporter(
        [company],
        source="profit_and_loss",
        tab="P&L",
        options=ExporterOptions(date_range=RelativeRange(relative="last_year")),
    )
    run = world.run(exporter_id)
    assert run.status == RunStatus.SUCCEEDED, run.error
    labels = [row[0].strip() for row in world.values("P&L")]
    assert labels[0] == "Account" and "Net Income" in labels and "Gross Profit" in labels


def test_incremental_upsert_fetches_only_the_changes(world, admin):
    company = world.company("Acme Landscaping", invoices=40)
    realm = world.realms[company]
    exporter_id = world.exporter([company], write_mode="upsert", tab="Upsert")
    first = world.run(exporter_id)
    assert first.status == RunStatus.SUCCEEDED, first.error
    assert first.stats.incremental is False and first.rows == 40
    assert first.stats.full_pull == "no_watermark"
    assert first.stats.full_pull_reason == "Acme Landscaping has no watermark yet (its first pull)"
    with db.session_scope() as session:
        assert (
            session.exec(select(Watermark).where(Watermark.exporter_id == exporter_id))
            .one()
            .last_updated_time
        )

    ids = [row[0] for row in world.values("Upsert")[1:]]
    for invoice_id in ids[:10]:
        admin.call("POST", f"companies/{realm}/entities/Invoice/{invoice_id}", json={"PrivateNote": "edited"})
    for invoice_id in ids[10:12]:
        admin.call("DELETE", f"companies/{realm}/entities/Invoice/{invoice_id}")
    admin.call("POST", "requests/reset")

    second = world.run(exporter_id)
    assert second.status == RunStatus.SUCCEEDED, second.error
    assert second.stats == RunStats(
        incremental=True, added=0, changed=10, deleted=2, left_filter=0, rechecked=0, truncated_cells=0
    )
    assert second.qbo_calls == 2  # one query page, one CDC call
    seen = admin.requests(realm)
    assert sum(n for (_m, kind), n in seen.items() if kind in ("query", "cdc")) == 2
    table = world.values("Upsert")
    assert len(table) - 1 == 38
    assert not set(ids[10:12]) & {row[0] for row in table[1:]}


def test_a_missing_spreadsheet_fails_the_run_and_marks_the_destination(world):
    company = world.company("Acme Landscaping", 3)
    exporter_id = world.exporter([company], spreadsheet_id="does-not-exist")
    run = world.run(exporter_id)
    assert run.status == RunStatus.FAILED and run.finished_at
    assert "deleted or is no longer shared" in run.error and "pick another spreadsheet" in run.error
    with db.session_scope() as session:
        assert "pick another spreadsheet" in session.get(Exporter, exporter_id).destination_error


def test_a_revoked_company_fails_the_run_asking_to_reconnect(world, admin):
    company = world.company("Revoked Ltd", 3)
    admin.revoke_grant(world.realms[company])
    with db.session_scope() as session:
        from store.models import Company

        row = session.get(Company, company)
        row.access_expires_at = None  # force a refresh, which Intuit now refuses
        session.add(row)
    run = world.run(world.exporter([company]))
    assert run.status == RunStatus.FAILED
    assert "QuickBooks connection for Revoked Ltd needs reconnecting" in run.error


def test_a_bad_where_box_fails_the_run_with_the_reason(world):
    company = world.company("Acme Landscaping", 3)
    run = world.run(
        world.exporter([company], options=ExporterOptions(where="TotalAmt > '1' OR Balance = '0'"))
    )
    assert run.status == RunStatus.FAILED and "OR" in run.error


def test_incremental_upsert_removes_rows_that_no_longer_match_the_filter(world, admin):
    company = world.company("Acme Landscaping", invoices=30)
    realm = world.realms[company]
    exporter_id = world.exporter(
        [company],
        write_mode="upsert",
        tab="Open",
        columns=["id", "number", "balance"],
        options=ExporterOptions(where="Balance > '0'"),
    )
    first = world.run(exporter_id)
    assert first.status == RunStatus.SUCCEEDED, first.error
    open_ids = [row[0] for row in world.values("Open")[1:]]
    assert len(open_ids) == first.rows >= 3
    admin.call("POST", f"companies/{realm}/entities/Invoice/{open_ids[0]}", json={"Balance": 0})
    admin.call("POST", f"companies/{realm}/entities/Invoice/{open_ids[1]}", json={"PrivateNote": "chased"})
    admin.call("POST", "requests/reset")

    second = world.run(exporter_id)
    assert second.status == RunStatus.SUCCEEDED, second.error
    assert (second.stats.incremental, second.stats.changed, second.stats.left_filter) == (True, 1, 1)
    assert second.stats.deleted == 0
    assert second.qbo_calls == 3  # changed and matching, changed at all, CDC
    table = world.values("Open")
    assert [row[0] for row in table[1:]] == open_ids[1:]


def test_rows_that_depend_on_the_date_get_a_full_pull_on_a_new_day(world):
    company = world.company("Acme Landscaping", invoices=12)
    with_status = world.exporter([company], write_mode="upsert", tab="Status")  # default columns: Status
    without = world.exporter([company], write_mode="upsert", tab="Plain", columns=["id", "number", "total"])
    for exporter_id in (with_status, without):
        assert world.run(exporter_id).stats.incremental is False
        assert world.run(exporter_id).stats.incremental is True  # same day: incremental
    with db.session_scope() as session:
        for mark in session.exec(select(Watermark).where(Watermark.company_id == company)).all():
            mark.last_full_pull_at -= timedelta(days=1)
            session.add(mark)
    status_run, plain_run = world.run(with_status), world.run(without)
    assert status_run.stats.incremental is False and status_run.rows == 12  # Overdue may have started
    assert status_run.stats.full_pull == "new_day"
    assert "the last full pull was on another day" in status_run.stats.full_pull_reason
    assert plain_run.stats.incremental is True and plain_run.qbo_calls == 2


def net_income(report: dict) -> Decimal:
    """Net Income straight from QBO's JSON (the Summary-only NetIncome section)."""
    row = next(r for r in report["Rows"]["Row"] if r.get("group") == "NetIncome")
    return Decimal(row["Summary"]["ColData"][-1]["value"])


def test_reports_of_two_companies_consolidate_in_tidy_layout_and_stack_as_blocks(world, make_client):
    first, second = world.company("North Co", 10), world.company("South Co", 14)
    options = ExporterOptions(layout="tidy", date_range=FixedRange(start="2024-01-01", end="2024-12-31"))
    tidy = world.run(world.exporter([first, second], source="profit_and_loss", tab="Tidy", options=options))
    assert tidy.status == RunStatus.SUCCEEDED, tidy.error
    raw = world.spreadsheet.worksheet("Tidy").get_all_values(value_render_option="UNFORMATTED_VALUE")
    header = raw[0]
    assert header[:6] == ["Company", "Realm ID", "Section path", "Account", "Account ID", "Row type"]
    at = {name: header.index(name) for name in ("Company", "Account", "Amount")}
    for company_id, name in ((first, "North Co"), (second, "South Co")):
        params = {"start_date": "2024-01-01", "end_date": "2024-12-31", "accounting_method": "Accrual"}
        expected = net_income(make_client(world.realms[company_id]).report("ProfitAndLoss", params))
        written = [
            r[at["Amount"]] for r in raw[1:] if r[at["Company"]] == name and r[at["Account"]] == "Net Income"
        ]
        assert [Decimal(str(v)) for v in written] == [expected], name
    blocks = world.run(
        world.exporter(
            [first, second],
            source="profit_and_loss",
            tab="Blocks",
            options=options.model_copy(update={"layout": "statement", "companies_layout": "blocks"}),
        )
    )
    assert blocks.status == RunStatus.SUCCEEDED, blocks.error
    labels = [row[0].strip() for row in world.values("Blocks")]
    assert labels[1] == "North Co" and "South Co" in labels and labels.count("Net Income") == 2


def test_a_report_qbo_refuses_fails_the_run_naming_the_company(world, admin):
    company = world.company("North Co", 5)
    exporter_id = world.exporter([company], source="balance_sheet", tab="BS")
    admin.fault(200, count=1, kind="report")  # "200 with Fault": QuickBooks answered with a SystemFault
    run = world.run(exporter_id)
    assert run.status == RunStatus.FAILED
    assert run.error.startswith("North Co: QuickBooks refused the request"), run.error


def test_incremental_pull_of_a_large_company_costs_two_calls_instead_of_a_full_pull(world, admin):
    """2,500 invoices: a full pull is COUNT + 3 pages; the next run reads only what changed (+ CDC)."""
    company = world.company("Big Co", invoices=2500)
    realm = world.realms[company]
    exporter_id = world.exporter(
        [company], write_mode="upsert", tab="Big", columns=["id", "number", "total", "balance"]
    )
    full = world.run(exporter_id)
    assert full.status == RunStatus.SUCCEEDED, full.error
    assert (full.rows, full.qbo_calls, full.stats.incremental) == (2500, 4, False)
    ids = [row[0] for row in world.values("Big")[1:]]
    for invoice_id in ids[100:105]:
        admin.call("POST", f"companies/{realm}/entities/Invoice/{invoice_id}", json={"PrivateNote": "edited"})
    for invoice_id in ids[105:110]:
        admin.call(
            "POST", f"companies/{realm}/entities/Invoice/{invoice_id}", json={"DocNumber": "N" + invoice_id}
        )
    for invoice_id in ids[200:202]:
        admin.call("DELETE", f"companies/{realm}/entities/Invoice/{invoice_id}")
    second = world.run(exporter_id)
    assert second.status == RunStatus.SUCCEEDED, second.error
    stats = second.stats
    assert (stats.incremental, stats.added, stats.changed, stats.deleted) == (True, 0, 10, 2)
    assert second.qbo_calls == 2
    # Written: the 5 renumbered rows; not the 5 whose change the tab doesn't show, nor the objects re-read
    # in the 5-minute overlap (their cells already hold them)
    assert second.rows == 5
    table = world.values("Big")
    assert len(table) - 1 == 2498 and not set(ids[200:202]) & {row[0] for row in table[1:]}


def test_a_watermark_older_than_cdcs_window_means_a_full_pull(world, admin):
    company = world.company("Acme Landscaping", invoices=8)
    realm = world.realms[company]
    exporter_id = world.exporter([company], write_mode="upsert", tab="Old", columns=["id", "number", "total"])
    assert world.run(exporter_id).stats.incremental is False
    assert world.run(exporter_id).stats.incremental is True
    with db.session_scope() as session:
        mark = session.exec(select(Watermark).where(Watermark.exporter_id == exporter_id)).one()
        mark.last_updated_time -= timedelta(days=31)
        session.add(mark)
    admin.call("POST", "requests/reset")
    run = world.run(exporter_id)
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert run.stats.incremental is False and run.rows == 8
    assert run.stats.full_pull == "watermark_too_old"
    assert run.stats.full_pull_reason.startswith("Acme Landscaping was last pulled more than 30 days ago")
    assert not [kind for (_m, kind) in admin.requests(realm) if kind == "cdc"]  # CDC would refuse > 30 days
    with db.session_scope() as session:
        mark = session.exec(select(Watermark).where(Watermark.exporter_id == exporter_id)).one()
        assert mark.last_updated_time.replace(tzinfo=None) > (utcnow() - timedelta(minutes=5)).replace(
            tzinfo=None
        )


def test_a_cdc_answer_at_its_cap_means_a_full_pull(world, admin):
    """CDC returns at most 1,000 objects and has no paging: at the cap the deletions may be incomplete."""
    company = world.company("Busy Co", invoices=1050)
    realm = world.realms[company]
    exporter_id = world.exporter([company], write_mode="upsert", tab="Busy", columns=["id", "number"])
    assert world.run(exporter_id).rows == 1050
    gone = [row[0] for row in world.values("Busy")[1:]][:1000]
    admin.call("POST", f"companies/{realm}/entities/Invoice/bulk", json={"delete": gone})
    run = world.run(exporter_id)
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert run.stats.incremental is False and run.rows == 50
    assert run.stats.full_pull == "cdc_capped" and run.stats.full_pull_reason.startswith("Busy Co has 1,000")
    assert len(world.values("Busy")) == 1 + 50


def test_changes_the_tab_cannot_take_in_place_are_written_by_replacing_it_and_the_run_says_why(world):
    company = world.company("Acme Landscaping", invoices=6)
    exporter_id = world.exporter(
        [company], write_mode="upsert", tab="Gone", columns=["id", "number", "total"]
    )
    assert world.run(exporter_id).status == RunStatus.SUCCEEDED
    world.spreadsheet.del_worksheet(world.spreadsheet.worksheet("Gone"))  # the analyst deletes the tab
    run = world.run(exporter_id)
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert run.stats.incremental is True and run.stats.fell_back_to_replace is True
    assert run.stats.fallback_reason == "the tab 'Gone' does not exist yet"
    assert len(world.values("Gone")) == 1 + 6  # every row is back, not only the changes


def test_an_upsert_of_a_source_without_changes_to_pull_reads_it_whole_and_says_so(world):
    company = world.company("Acme Landscaping", invoices=4)
    exporter_id = world.exporter([company], source="invoice_lines", write_mode="upsert", tab="Lines")
    for _ in range(2):
        run = world.run(exporter_id)
        assert run.status == RunStatus.SUCCEEDED, run.error
        assert (run.stats.incremental, run.stats.full_pull) == (False, "not_incremental")
        assert run.stats.full_pull_reason == "Invoice lines has no changes to pull: every run reads it whole"


def test_a_run_pushed_twice_on_the_queue_runs_once(world):
    exporter_id = world.exporter([world.company("Twice Co", invoices=5)], write_mode="append", tab="History")
    run = world.run(exporter_id)
    assert run.status == RunStatus.SUCCEEDED, run.error
    rows_before = world.values("History")

    run_export(run.id)  # the same job again (two reapers re-submitting one lost job)

    with db.session_scope() as session:
        again = session.get(Run, run.id)
    assert again.status == RunStatus.SUCCEEDED and again.finished_at == run.finished_at
    assert world.values("History") == rows_before  # no duplicated snapshot
