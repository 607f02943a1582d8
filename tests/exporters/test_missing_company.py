"""A multi-company exporter goes on without a disconnected company when its owner chose "keep" or "mark":
the run writes the others and the missing company's rows stay in the tab, where they were (keep), or stay
marked as a disconnected company's (mark), in replace and in upsert mode. Emulators end to end."""

from __future__ import annotations

import pytest
from sqlmodel import select

from connections.companies import disconnect, save_connection
from store import db
from store.documents import ExporterOptions
from store.models import Company, Exporter, ExporterState, RunStatus, Watermark
from tests.exporters.test_pipeline import World
from tests.qbo.intuit import connect


@pytest.fixture
def world(settings, admin, clock) -> World:
    return World(settings, admin, clock)


def ok(run):
    assert run.status == RunStatus.SUCCEEDED, run.error
    return run


def rows_of(table: list[list], realm: str) -> list[list]:
    return [row for row in table[1:] if row[1] == realm]


def set_connected(world: World, company_id: int, connected: bool) -> None:
    """The analyst disconnects the company, or reconnects it through Intuit's consent page."""
    with db.session_scope() as session:
        company = session.get(Company, company_id)
        if not connected:
            disconnect(session, company)
            return
        realm = company.realm_id
    tokens = connect(world.settings, realm, world.clock)
    with db.session_scope() as session:
        save_connection(session, world.workspace_id, None, realm, tokens, "South Co")


def grey_italic_rows(world: World, tab: str) -> list[bool]:
    """Per data row, whether its first cell is in the disconnected company's grey italics."""
    meta = world.spreadsheet.fetch_sheet_metadata(
        params={"ranges": f"'{tab}'!A2:A", "fields": "sheets(data(rowData(values(userEnteredFormat,note))))"}
    )
    rows = meta["sheets"][0]["data"][0].get("rowData", [])
    return [
        bool(
            ((r.get("values") or [{}])[0].get("userEnteredFormat") or {}).get("textFormat", {}).get("italic")
        )
        for r in rows
    ]


@pytest.mark.parametrize("write_mode", ["replace", "upsert"])
@pytest.mark.parametrize("missing_company", ["keep", "mark"])
def test_a_run_goes_on_without_a_disconnected_company_and_keeps_its_rows(
    world, admin, write_mode, missing_company
):
    south = world.company("South Co", 4)  # first in the exporter's order: its rows lead the tab
    north = world.company("North Co", 6)
    exporter_id = world.exporter(
        [south, north],
        tab="Both",
        write_mode=write_mode,
        columns=["id", "number", "date", "total"],
        options=ExporterOptions(company_columns=True, missing_company=missing_company),
    )
    assert ok(world.run(exporter_id)).rows == 10
    before = world.values("Both")
    south_rows = rows_of(before, world.realms[south])
    assert len(south_rows) == 4 and before[1:5] == south_rows

    set_connected(world, south, False)
    with db.session_scope() as session:
        exporter = session.get(Exporter, exporter_id)
        assert exporter.state == ExporterState.ACTIVE  # it goes on with North
    north_realm = world.realms[north]
    first_north = rows_of(before, north_realm)[0][2]
    admin.call("POST", f"companies/{north_realm}/entities/Invoice/{first_north}", json={"DocNumber": "N-1"})

    run = ok(world.run(exporter_id))
    after = world.values("Both")
    assert after[0] == before[0]  # same columns
    assert after[1:5] == south_rows  # South's rows kept as they were, where they were
    assert "N-1" in [row[3] for row in rows_of(after, north_realm)]  # North refreshed
    assert len(after) == len(before)
    assert run.stats.continued_without == [
        "South Co (disconnected): "
        + (
            "its rows kept as they were"
            if missing_company == "keep"
            else "its rows kept, marked in grey italics"
        )
    ]
    assert "without South Co (disconnected)" in run.progress
    sheet = world.spreadsheet.worksheet("Both")
    if missing_company == "mark":
        assert grey_italic_rows(world, "Both") == [True] * 4 + [False] * 6
        assert sheet.get_note("A2").startswith("Not refreshed: South Co was disconnected")
    else:
        assert grey_italic_rows(world, "Both")[:4] == [False] * 4 and sheet.get_note("A2") == ""

    set_connected(world, south, True)  # back: its rows are read again, unmarked
    admin.call(
        "POST",
        f"companies/{world.realms[south]}/entities/Invoice/{south_rows[0][2]}",
        json={"DocNumber": "S-1"},
    )
    back = ok(world.run(exporter_id))
    assert back.stats.continued_without == []
    table = world.values("Both")
    assert table[1][3] == "S-1" and len(rows_of(table, world.realms[south])) == 4
    assert not any(grey_italic_rows(world, "Both")) and sheet.get_note("A2") == ""


def test_an_upsert_full_pull_without_a_company_keeps_its_rows(world):
    """A full pull (no watermark, a new day...) rewrites the tab: the missing company's rows stay in it."""
    south, north = world.company("South Co", 3), world.company("North Co", 2)
    exporter_id = world.exporter(
        [south, north],
        tab="Full",
        write_mode="upsert",
        options=ExporterOptions(company_columns=True, missing_company="keep"),
    )
    ok(world.run(exporter_id))
    before = world.values("Full")
    set_connected(world, south, False)
    with db.session_scope() as session:  # the watermarks are gone: the next pull is a full one
        for mark in session.exec(select(Watermark).where(Watermark.exporter_id == exporter_id)).all():
            session.delete(mark)
    run = ok(world.run(exporter_id))
    assert run.stats.incremental is False and run.stats.full_pull == "no_watermark"
    assert world.values("Full") == before and run.rows == 5
