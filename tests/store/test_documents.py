"""Exporter options, sheet state and run stats are typed documents, checked when written and when read."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy import create_engine
from sqlalchemy.exc import StatementError
from sqlmodel import Session, select

from store.documents import ExporterOptions, FixedRange, RelativeRange, RunStats, SheetState
from store.models import Exporter, Run
from tests import factories


def test_an_invalid_option_is_refused_when_assigned_naming_the_option():
    exporter = Exporter(workspace_id=1, name="Invoices", source="invoices")
    with pytest.raises(ValidationError, match=r"(?s)oversize\s+Input should be 'fail' or 'truncate'"):
        exporter.options = {"oversize": "shorten"}
    with pytest.raises(ValidationError, match="(?s)custmer_ids.*Extra inputs are not permitted"):
        Exporter(workspace_id=1, name="Typo", source="invoices", options={"custmer_ids": ["1"]})
    with pytest.raises(ValidationError, match="starts .2025-02-01. after it ends"):
        ExporterOptions(date_range=FixedRange(start="2025-02-01", end="2025-01-01"))
    with pytest.raises(ValidationError, match="last_n_days needs a number of days of at least 1"):
        ExporterOptions(date_range={"relative": "last_n_days", "n": 0})
    with pytest.raises(TypeError, match="ExporterOptions expected, got str"):
        exporter.options = "tidy"
    assert exporter.options == ExporterOptions()  # what was refused left the exporter as it was


def test_an_invalid_document_never_reaches_the_database(database_url):
    """A bulk UPDATE bypasses the model's attributes; the column type still refuses it."""
    engine = create_engine(database_url)
    with Session(engine) as session:
        factories.exporter(session, factories.workspace(session).id)
        session.commit()
        with pytest.raises(StatementError, match="(?s)layout.*Input should be 'statement' or 'tidy'"):
            session.execute(sa.update(Exporter).values(options={"layout": "wide"}))
        session.rollback()
        assert session.exec(select(Exporter)).one().options.layout == "statement"
    engine.dispose()


def test_documents_round_trip_through_the_database_as_models(database_url):
    engine = create_engine(database_url)
    options = ExporterOptions(
        date_range=RelativeRange(relative="last_n_days", n=30),
        status="overdue",
        customer_ids=["58", "59"],
        where="TotalAmt > '100'",
        on_deleted="mark",
        refresh_on_changes=True,
        missing_company="keep",
    )
    with Session(engine) as session:
        exporter = factories.exporter(session, factories.workspace(session).id, options=options)
        exporter.sheet_state = SheetState(labels=["Number"], keys=["number"], sheet_id=5, rows=3)
        session.add(
            Run(
                exporter_id=exporter.id,
                workspace_id=exporter.workspace_id,
                stats={"full_pull": "no_watermark"},
            )
        )
        session.commit()
    with Session(engine) as session:
        exporter = session.exec(select(Exporter)).one()
        assert exporter.options == options and isinstance(exporter.options, ExporterOptions)
        assert exporter.sheet_state.header_state() == {
            "labels": ["Number"],
            "keys": ["number"],
            "sheet_id": 5,
            "rows": 3,
        }
        assert session.exec(select(Run)).one().stats == RunStats(full_pull="no_watermark")
    engine.dispose()


def test_version_0_dicts_read_as_the_current_version():
    """What the product stored before the models: keys missing, one id or several, short ranges, any case."""
    assert ExporterOptions.read({}) == ExporterOptions()
    read = ExporterOptions.read(
        {
            "date_range": {"relative": "last_n_days", "days": 7},
            "vendor": "12",
            "department": [4, "5"],
            "accounting_method": "cash",
            "status": "",
            "where": None,
            "an_old_key": 1,
        }
    )
    assert read == ExporterOptions(
        date_range=RelativeRange(relative="last_n_days", n=7),
        vendor_ids=["12"],
        department_ids=["4", "5"],
        accounting_method="Cash",
    )
    fixed = ExporterOptions.read({"date_range": {"start": "2024-01-01", "end": "2024-12-31"}})
    assert fixed.date_range == FixedRange(start="2024-01-01", end="2024-12-31")
    assert not SheetState.read({}).written and SheetState.read({}).header_state() == {}
    assert RunStats.read({"incremental": False, "added": 4, "pulled": 9}) == RunStats(
        incremental=False, added=4
    )


def test_a_current_document_is_not_upgraded_twice_and_a_newer_one_is_refused():
    assert ExporterOptions.read(ExporterOptions(vendor_ids=["1"]).model_dump(mode="json")).vendor_ids == ["1"]
    with pytest.raises(ValidationError, match="version 9 is unknown here"):
        ExporterOptions.read({"version": 9})
    with pytest.raises(ValidationError, match="stored documents are read with .read"):
        ExporterOptions(version=0)
