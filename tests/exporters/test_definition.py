"""The exporter definition service (exporters.definition) and what it decides for runs: one owner per tab,
columns decided by the definition, a header rewritten by another exporter named in the run's error."""

from __future__ import annotations

import pytest

from connections.companies import remove_company
from connections.pausing import pause_exporters
from exporters.definition import (
    DefinitionRefused,
    ExporterDefinition,
    FieldError,
    definition_of,
    save,
    validate,
)
from store import db
from store.documents import ExporterOptions
from store.models import Company, Exporter, ExporterState, RunStatus
from tests.exporters.test_pipeline import World


@pytest.fixture
def world(settings, admin, clock) -> World:
    return World(settings, admin, clock)


def definition(world: World, company_ids: list[int], **fields) -> ExporterDefinition:
    values = {
        "name": "Invoices",
        "source": "invoices",
        "company_ids": company_ids,
        "google_account_id": world.account_id,
        "spreadsheet_id": world.spreadsheet.id,
        "tab": "Invoices",
        "columns": ["number", "date", "total"],
        "schedule": None,
        **fields,
    }
    return ExporterDefinition(**values)


def saved(world: World, wanted: ExporterDefinition) -> int:
    with db.session_scope() as session:
        exporter = save(session, world.workspace_id, wanted)
        return exporter.id


def test_a_multi_company_exporter_keeps_its_company_columns_when_a_company_goes(world):
    first, second = world.company("North Co", 5), world.company("South Co", 4)
    exporter_id = saved(world, definition(world, [first, second], tab="Both"))
    assert world.run(exporter_id).status == RunStatus.SUCCEEDED
    header = world.values("Both")[0]
    assert header == ["Company", "Realm ID", "Number", "Date", "Total"]
    with db.session_scope() as session:
        remove_company(session, session.get(Company, second))
    run = world.run(exporter_id)
    assert run.status == RunStatus.SUCCEEDED, run.error
    table = world.values("Both")
    assert table[0] == header  # formulas on column letters keep pointing at the same data
    assert {(r[0], r[1]) for r in table[1:]} == {("North Co", world.realms[first])} and run.rows == 5


def test_a_single_company_exporter_has_company_columns_only_when_defined_with_them(world):
    company = world.company("Solo Co", 3)
    plain = saved(world, definition(world, [company], tab="Plain"))
    marked = saved(
        world, definition(world, [company], tab="Marked", options=ExporterOptions(company_columns=True))
    )
    assert world.run(plain).status == world.run(marked).status == RunStatus.SUCCEEDED
    assert world.values("Plain")[0] == ["Number", "Date", "Total"]
    assert world.values("Marked")[0] == ["Company", "Realm ID", "Number", "Date", "Total"]


def test_every_front_door_gets_the_same_refusals(world):
    company = world.company("Rules Co", 2)
    first = saved(world, definition(world, [company], name="First"))
    with db.session_scope() as session:
        errors = validate(
            session, world.workspace_id, definition(world, [company], name="Second", tab="invoices")
        )
        assert errors == [
            FieldError(
                "tab",
                "The exporter “First” already writes the tab “Invoices” of this spreadsheet: choose another "
                "tab (two exporters in one tab replace each other's rows), or edit that exporter.",
                first,
            )
        ]
        assert validate(session, world.workspace_id, definition(world, [company]), exporter_id=first) == []
        bad = definition(
            world, [], tab=" ", columns=[], options=ExporterOptions(where="TxnDate > 'yesterday'"), name=""
        )
        assert {e.field for e in validate(session, world.workspace_id, bad)} == {
            "name",
            "company_ids",
            "columns",
            "options.where",
            "tab",
        }
    with db.session_scope() as session, pytest.raises(DefinitionRefused) as refused:
        save(session, world.workspace_id, definition(world, [company], name="Second"))
    assert [e.exporter_id for e in refused.value.errors] == [first]


def test_a_header_rewritten_by_another_exporter_names_it(world):
    company = world.company("Shared Co", 3)
    # two exporters saved before one tab had one owner
    mine = world.exporter([company], name="Mine", tab="Shared", columns=["number", "total"])
    theirs = world.exporter([company], name="Theirs", tab="Shared", columns=["date", "number"])
    assert world.run(mine).status == RunStatus.SUCCEEDED
    assert world.run(theirs).status == RunStatus.SUCCEEDED
    run = world.run(mine)
    assert run.status == RunStatus.FAILED
    assert f"rewritten by the exporter “Theirs” (#{theirs})" in run.error, run.error
    assert "another tab" in run.error
    with db.session_scope() as session:
        assert session.get(Exporter, mine).sheet_state.labels == ["Number", "Total"]


def test_the_definitions_switch_is_the_users_hold_and_leaves_a_companys_hold(world):
    """`enabled` in a definition goes through store.states: off is the saver's own hold, on lifts only that
    hold; an exporter held by a disconnected company stays held whatever the definition says."""
    company = world.company("Held Co", 1)
    with db.session_scope() as session:
        exporter = save(
            session, world.workspace_id, definition(world, [company], enabled=False), by="ann@x.io"
        )
        exporter_id = exporter.id
        assert (exporter.state, exporter.enabled) == (ExporterState.DISABLED, False)
        assert exporter.pauses.disabled_by == "ann@x.io" and definition_of(session, exporter).enabled is False
    with db.session_scope() as session:
        exporter = session.get(Exporter, exporter_id)
        save(session, world.workspace_id, definition(world, [company], enabled=True), exporter)
        assert (exporter.state, exporter.enabled, exporter.pauses.disabled_by) == (
            ExporterState.ACTIVE,
            True,
            None,
        )
        pause_exporters(session, session.get(Company, company))
    with db.session_scope() as session:
        exporter = session.get(Exporter, exporter_id)
        save(session, world.workspace_id, definition(world, [company], enabled=True), exporter)
        assert (exporter.state, exporter.enabled) == (ExporterState.PAUSED_COMPANY, False)
        assert definition_of(session, exporter).enabled is True  # the user's switch is still on
