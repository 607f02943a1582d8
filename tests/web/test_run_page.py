"""The run page says how an upsert run got its rows: only the changes, or everything and why, and when the
changes had to be written by replacing the whole tab."""

from __future__ import annotations

import html
import re

import pytest
from sqlmodel import col, select

from store import db
from store.models import Membership, User
from tests.exporters.test_pipeline import World
from tests.qbo.conftest import admin, clock  # noqa: F401 - the QBO emulator the runs read from
from tests.web.browser import Browser


@pytest.fixture
def world(user: Browser, settings, admin, clock) -> World:  # noqa: F811
    """Companies, a Google account and a spreadsheet in the signed-up user's own workspace."""
    with db.session_scope() as session:
        workspace_id = session.exec(
            select(Membership.workspace_id)
            .join(User, col(User.id) == col(Membership.user_id))
            .where(User.email == user.email)
        ).one()
    return World(settings, admin, clock, workspace_id)


def run_page(user: Browser, run_id: int | None) -> dict[str, str]:
    """The run page's rows, heading to text."""
    page = user.get(f"/runs/{run_id}")
    assert user.status == 200
    return {
        th: html.unescape(td)
        for th, td in re.findall(r"<tr><th>([^<]+)</th><td>([^<]*)</td></tr>", page.html)
    }


def test_the_run_page_says_whether_the_pull_was_incremental_and_why_not(user: Browser, world: World):
    company = world.company("Acme Landscaping", invoices=5)
    exporter_id = world.exporter([company], write_mode="upsert", tab="Upsert", columns=["id", "number"])

    first = run_page(user, world.run(exporter_id).id)
    assert first["Pull"] == "full, because Acme Landscaping has no watermark yet (its first pull)"
    assert "Write" not in first

    second = run_page(user, world.run(exporter_id).id)
    assert second["Pull"] == "incremental: 0 added, 0 changed, 0 deleted" and "Write" not in second

    world.spreadsheet.del_worksheet(world.spreadsheet.worksheet("Upsert"))  # the analyst deletes the tab
    third = run_page(user, world.run(exporter_id).id)
    assert third["Pull"] == "incremental: 0 added, 0 changed, 0 deleted"
    assert (
        third["Write"] == "fell back to replacing the whole tab, because the tab 'Upsert' does not exist yet"
    )


def test_the_run_page_says_why_a_source_is_always_read_whole(user: Browser, world: World):
    company = world.company("Acme Landscaping", invoices=3)
    exporter_id = world.exporter([company], source="invoice_lines", write_mode="upsert", tab="Lines")
    page = run_page(user, world.run(exporter_id).id)
    assert page["Pull"] == "full, because Invoice lines has no changes to pull: every run reads it whole"
