"""The write modes as an exporter uses them: run_export end to end, read back with gspread."""

from __future__ import annotations

import pytest

from store import db
from store.documents import ExporterOptions
from store.models import Exporter, RunStatus
from tests.exporters.test_pipeline import World
from tests.qbo.conftest import admin, clock  # noqa: F401 - the QBO emulator the runs read from


@pytest.fixture
def world(settings, admin, clock) -> World:  # noqa: F811
    return World(settings, admin, clock)


def test_append_mode_adds_a_snapshot_of_every_run_under_the_last(world):
    company = world.company("Acme Landscaping", invoices=6)
    exporter_id = world.exporter([company], write_mode="append", tab="History")
    first = world.run(exporter_id)
    assert first.status == RunStatus.SUCCEEDED, first.error
    second = world.run(exporter_id)
    assert second.status == RunStatus.SUCCEEDED, second.error

    table = world.values("History")
    assert table[0][0] == "Number" and table[0][-1] == "Snapshot at"
    assert first.rows == second.rows == 6 and len(table) == 1 + 12
    raw = world.spreadsheet.worksheet("History").get_all_values(value_render_option="UNFORMATTED_VALUE")
    snapshots = [r[-1] for r in raw[1:]]
    assert len(set(snapshots[:6])) == len(set(snapshots[6:])) == 1 and snapshots[0] < snapshots[6]
    assert [r[:-1] for r in table[1:7]] == [r[:-1] for r in table[7:]]  # same invoices, twice
    assert second.stats.runs_left > 1000
    with db.session_scope() as session:
        assert session.get(Exporter, exporter_id).sheet_state.rows == 12


def test_append_mode_without_snapshots(world):
    company = world.company("Acme Landscaping", invoices=3)
    exporter_id = world.exporter(
        [company], write_mode="append", tab="Log", options=ExporterOptions(snapshot_column=False)
    )
    assert world.run(exporter_id).status == RunStatus.SUCCEEDED
    assert world.run(exporter_id).status == RunStatus.SUCCEEDED
    table = world.values("Log")
    assert "Snapshot at" not in table[0] and len(table) == 1 + 6


def test_upsert_mode_can_mark_rows_deleted_in_quickbooks(world, admin):  # noqa: F811
    company = world.company("Acme Landscaping", invoices=5)
    exporter_id = world.exporter(
        [company], write_mode="upsert", tab="Marked", options=ExporterOptions(on_deleted="mark")
    )
    assert world.run(exporter_id).status == RunStatus.SUCCEEDED
    gone = world.values("Marked")[2][0]
    admin.call("DELETE", f"companies/{world.realms[company]}/entities/Invoice/{gone}")
    run = world.run(exporter_id)
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert run.stats.deleted == 1 and len(world.values("Marked")) == 1 + 5
    assert "Deleted in QuickBooks" in world.spreadsheet.worksheet("Marked").get_note("A3")


def test_an_upsert_the_tab_cannot_take_becomes_a_full_refresh_and_says_why(world):
    company = world.company("Acme Landscaping", invoices=5)
    exporter_id = world.exporter([company], write_mode="upsert", tab="Keyed")
    first = world.run(exporter_id)
    assert first.status == RunStatus.SUCCEEDED and first.stats.incremental is False
    # no watermark yet: a full pull, not a fallback
    assert first.stats.full_pull == "no_watermark" and not first.stats.fell_back_to_replace
    assert first.stats.fallback_reason == ""
    world.spreadsheet.del_worksheet(world.spreadsheet.worksheet("Keyed"))  # the analyst deletes the tab
    run = world.run(exporter_id)
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert run.rows == 5 and run.stats.fallback_reason == "the tab 'Keyed' does not exist yet"
    assert len(world.values("Keyed")) == 1 + 5
