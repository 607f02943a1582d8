"""The exact error bodies of sheets-api.md §1.2 and §7, as gspread receives them from the full emulator."""

from __future__ import annotations

import gspread
import pytest
import requests

from tests.emulators.google.harness import running

SHEETS = "https://sheets.googleapis.com/v4/spreadsheets"


@pytest.fixture(scope="module")
def google():
    with running() as emulator:
        yield emulator


def _body(call) -> dict:
    with pytest.raises(gspread.exceptions.APIError) as info:
        call()
    return info.value.response.json()


def test_unknown_spreadsheet_is_the_404_body(google):
    gc = google.gspread_for("errors1@example.com")
    body = _body(lambda: gc.http_client.request("get", f"{SHEETS}/no-such-id"))
    assert body == {
        "error": {"code": 404, "message": "Requested entity was not found.", "status": "NOT_FOUND"}
    }


def test_unshared_spreadsheet_is_the_403_body(google):
    sheet = google.gspread_for("errors2@example.com").create("Mine")
    other = google.gspread_for("errors2-other@example.com")
    body = _body(lambda: other.http_client.request("get", f"{SHEETS}/{sheet.id}"))
    assert body == {
        "error": {
            "code": 403,
            "message": "The caller does not have permission",
            "status": "PERMISSION_DENIED",
        }
    }
    shared_read_only = sheet.share("errors2-other@example.com", perm_type="user", role="reader", notify=False)
    assert shared_read_only.ok
    write = _body(lambda: other.open_by_key(sheet.id).sheet1.update([["x"]], "A1"))
    assert write["error"]["status"] == "PERMISSION_DENIED"


def test_missing_expired_and_revoked_tokens_are_the_401_body(google):
    sheet = google.gspread_for("errors3@example.com").create("Auth")
    expected = {
        "error": {
            "code": 401,
            "message": "Request had invalid authentication credentials. Expected OAuth 2 access token, "
            "login cookie or other valid authentication credential. See "
            "https://developers.google.com/identity/sign-in/web/devconsole-project.",
            "status": "UNAUTHENTICATED",
        }
    }
    url = f"{google.url}/v4/spreadsheets/{sheet.id}"
    assert requests.get(url, timeout=10).json() == expected
    token = google.tokens("errors3@example.com")["access_token"]
    assert requests.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=10).ok
    google.advance(3600)
    expired = requests.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert (expired.status_code, expired.json()) == (401, expected)
    fresh = google.tokens("errors3@example.com")["access_token"]
    google.admin("POST", "/tokens/revoke", email="errors3@example.com")
    revoked = requests.get(url, headers={"Authorization": f"Bearer {fresh}"}, timeout=10)
    assert (revoked.status_code, revoked.json()) == (401, expected)


def test_last_visible_tab_and_column_limit_messages(google):
    sh = google.gspread_for("errors4@example.com").create("Limits")
    hidden = sh.add_worksheet("Hidden", 1, 1)
    hidden.hide()
    body = _body(lambda: sh.del_worksheet(sh.sheet1))
    assert body["error"] == {
        "code": 400,
        "message": "Invalid requests[0].deleteSheet: You can't remove all the visible sheets in a document.",
        "status": "INVALID_ARGUMENT",
    }
    wide = _body(lambda: sh.sheet1.resize(cols=18279))["error"]["message"]
    assert wide == (
        "Invalid requests[0].updateSheetProperties: This action would increase the number of columns "
        "in the sheet above the limit of 18278."
    )
