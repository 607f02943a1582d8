"""The emulator's viewer: the account list links to spreadsheets, which render a tab's formatted values."""

from __future__ import annotations

import pytest
import requests

from emulators.google.viewer import cell_class
from tests import pages
from tests.emulators.google.harness import running


@pytest.fixture(scope="module")
def google():
    with running() as emulator:
        yield emulator


def page(url: str) -> pages.Page:
    answer = requests.get(url, timeout=10)
    answer.raise_for_status()
    return pages.parse(url, answer.text)


def test_account_list_links_to_the_spreadsheet_that_shows_its_values_and_owner(google):
    sheet = google.gspread_for("viewer@example.com").create("Vendors")
    sheet.sheet1.update([["Vendor", "Balance"], ["Acme Ltd", "1250.5"]], "A1")

    home = page(f"{google.url}/?email=viewer@example.com")
    view = page(home.link("Vendors"))
    assert f"/spreadsheets/d/{sheet.id}" in view.url
    assert view.has("Vendor Balance") and view.has("Acme Ltd 1250.5")
    assert view.has("Owner: viewer@example.com")
    assert view.has("Sheet1")
    assert '<td class="right">1250.5</td>' in view.html


def test_cell_classes_bold_and_numbers_right_aligned():
    assert cell_class({"text": "Vendor", "bold": True}) == "bold"
    assert cell_class({"text": "$1,250.50"}) == "right"
    assert cell_class({"text": "(12.00)"}) == "right"
    assert cell_class({"text": "2026-01-31", "number_format": {"type": "DATE"}}) == "right"
    assert cell_class({"text": "Total", "h_align": "CENTER"}) == "center"
    assert cell_class({"text": "INV-1001"}) == ""


def test_edit_url_has_the_docs_google_com_shape(google):
    sheet = google.gspread_for("viewer2@example.com").create("Shape")
    assert page(f"{google.url}/spreadsheets/d/{sheet.id}/edit").has("Shape")
    assert requests.get(f"{google.url}/spreadsheets/d/nope/edit", timeout=10).status_code == 404


def test_tabs_hidden_marked_and_gid_selects_a_tab(google):
    sheet = google.gspread_for("viewer3@example.com").create("Tabs")
    staging = sheet.add_worksheet("Staging", rows=10, cols=3)
    staging.update([["staged value"]], "A1")
    staging.hide()
    view = page(f"{google.url}/spreadsheets/d/{sheet.id}/edit")
    assert view.has("Staging (hidden)") and not view.has("staged value")
    assert page(view.link("Staging")).has("staged value")


def test_formatting_and_the_frozen_header_show_in_the_grid(google):
    sheet = google.gspread_for("viewer4@example.com").create("Styled")
    ws = sheet.sheet1
    ws.update([["Vendor", "Balance"], ["Acme", 5]], "A1")
    ws.format(
        "A1:B1", {"textFormat": {"bold": True, "italic": True}, "backgroundColor": {"red": 1, "green": 0.8}}
    )
    ws.format("B2", {"textFormat": {"foregroundColor": {"red": 1}}})
    ws.freeze(rows=1)
    view = page(f"{google.url}/spreadsheets/d/{sheet.id}/edit")
    assert '<td class="bold italic" style="background:#ffcc00">Vendor</td>' in view.html
    assert '<td class="right" style="color:#ff0000">5</td>' in view.html
    assert view.html.count('<tr class="frozen">') == 1 and view.has("1 frozen")
