"""The exporter page says when an exporter goes on without a disconnected company, and why: before its
next run (the flash) and on each run that did (the run history)."""

from __future__ import annotations

from store.models import RunStatus
from tests.lifecycle.analyst import Analyst


def test_the_exporter_page_shows_the_run_went_on_without_a_disconnected_company(
    app, qbo_emulator, google_emulator
):
    ada = Analyst(app, qbo_emulator.url)
    ada.connect_google()
    north, south = ada.new_realm("North Co"), ada.new_realm("South Co")
    ada.connect_company(north)
    ada.connect_company(south)
    ids = [str(c.id) for c in ada.companies()]
    page = ada.create_exporter(
        name="Both books", companies=ids, tab="Both", spreadsheet_title="Books", missing_company="keep"
    )
    assert page.has("Created the exporter Both books"), page.text[:600]
    [exporter] = ada.exporters()
    assert ada.run_now(exporter.id) == {exporter.id}
    assert ada.runs(exporter.id)[-1].status == RunStatus.SUCCEEDED

    south_id = next(c.id for c in ada.companies() if c.realm_id == south)
    ada.disconnect_company(south_id)
    page = ada.page(exporter.id)
    assert page.has("Running without South Co (disconnected): this exporter goes on with its other companies")
    assert page.has("keeps the missing rows as they were") and not page.has("Paused")

    ada.run_now(exporter.id)
    run = ada.runs(exporter.id)[-1]
    assert run.status == RunStatus.SUCCEEDED, run.error
    page = ada.page(exporter.id)
    assert page.has(f"Done: {run.rows:,} rows; without South Co (disconnected): its rows kept as they were")

    ada.connect_company(south)
    page = ada.page(exporter.id)
    assert not page.has("Running without")
