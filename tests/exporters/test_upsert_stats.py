"""Upsert run statistics say what happened to the tab: a deletion is counted once, an unchanged re-run
writes nothing. Runs against the QBO emulator (admin API edits and deletes) and the Google emulator."""

from __future__ import annotations

import pytest

from store.documents import ExporterOptions
from store.models import RunStatus
from tests.exporters.test_pipeline import World


@pytest.fixture
def world(settings, admin, clock) -> World:
    return World(settings, admin, clock)


def vendor_ids(world: World, tab: str) -> list[str]:
    return [row[0] for row in world.values(tab)[1:]]


def ok(run):
    assert run.status == RunStatus.SUCCEEDED, run.error
    return run


@pytest.mark.parametrize("on_deleted", ["remove", "mark"])
def test_a_vendor_deleted_once_is_reported_deleted_once(world, admin, on_deleted):
    company = world.company("Acme Landscaping", invoices=5)
    exporter_id = world.exporter(
        [company],
        source="vendors",
        write_mode="upsert",
        tab="Vendors",
        columns=["id", "display_name"],
        options=ExporterOptions(on_deleted=on_deleted),
    )
    first = ok(world.run(exporter_id))
    vendors = vendor_ids(world, "Vendors")
    assert first.rows == len(vendors) >= 2
    admin.call("DELETE", f"companies/{world.realms[company]}/entities/Vendor/{vendors[1]}")

    deleting = ok(world.run(exporter_id))
    assert deleting.stats.incremental is True and deleting.stats.deleted == 1
    # The next run's CDC window overlaps the last one by 5 minutes: it sees the same deletion again, and
    # the tab has nothing left to remove (or the row is already marked): not a second deletion.
    again = ok(world.run(exporter_id))
    assert again.stats.incremental is True
    assert (again.stats.deleted, again.rows) == (0, 0)
    left = vendor_ids(world, "Vendors")
    if on_deleted == "remove":
        assert left == vendors[:1] + vendors[2:]
    else:
        assert left == vendors
        assert "Deleted in QuickBooks" in world.spreadsheet.worksheet("Vendors").get_note("A3")


def test_an_unchanged_rerun_writes_no_rows_and_a_change_writes_one(world, admin):
    company = world.company("Acme Landscaping", invoices=12)
    realm = world.realms[company]
    exporter_id = world.exporter(
        [company], write_mode="upsert", tab="Invoices", columns=["id", "number", "total", "balance"]
    )
    assert ok(world.run(exporter_id)).rows == 12
    before = world.values("Invoices")
    target = before[3][0]
    admin.call("POST", f"companies/{realm}/entities/Invoice/{target}", json={"PrivateNote": "no column"})
    note_only = ok(world.run(exporter_id))
    assert note_only.stats.changed == 1 and note_only.rows == 0  # QuickBooks changed, the tab's cells did not
    admin.call("POST", f"companies/{realm}/entities/Invoice/{target}", json={"DocNumber": "X-77"})
    renumbered = ok(world.run(exporter_id))
    assert renumbered.rows == 1
    after = world.values("Invoices")
    assert after[3][1] == "X-77" and after[:3] + after[4:] == before[:3] + before[4:]
    # Nothing changed since: the renumbered invoice is read again (inside the 5-minute overlap) and the
    # run writes nothing.
    unchanged = ok(world.run(exporter_id))
    assert unchanged.stats.incremental is True
    assert unchanged.stats.rechecked + unchanged.stats.changed == 1  # read again...
    assert unchanged.rows == 0 and world.values("Invoices") == after  # ...and not written
