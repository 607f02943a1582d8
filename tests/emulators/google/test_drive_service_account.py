"""Service accounts: an emulator-issued key works with unmodified google-auth; they own no files."""

from __future__ import annotations

import gspread
import pytest
from google.auth.exceptions import RefreshError
from google.auth.transport.requests import AuthorizedSession, Request
from google.oauth2 import service_account

from tests.emulators.google.harness import point_at, running

SCOPES = ["https://www.googleapis.com/auth/spreadsheets", "https://www.googleapis.com/auth/drive"]


@pytest.fixture(scope="module")
def google():
    with running() as emulator:
        yield emulator


def robot_client(google, info: dict) -> gspread.Client:
    creds = service_account.Credentials.from_service_account_info(info, scopes=SCOPES)
    return gspread.Client(auth=None, session=point_at(AuthorizedSession(creds), google.url))


def test_key_file_has_google_shape(google):
    info = google.admin(
        "POST", "/service-accounts", email="robot@sheetbooks-emulator.iam.gserviceaccount.com"
    )
    assert info["type"] == "service_account"
    assert info["private_key"].startswith("-----BEGIN PRIVATE KEY-----")
    assert info["token_uri"] == f"{google.url}/token"
    assert info["client_email"] == "robot@sheetbooks-emulator.iam.gserviceaccount.com"


def test_service_account_gets_a_token_and_opens_a_spreadsheet_shared_with_it(google):
    info = google.admin("POST", "/service-accounts")
    owner = google.gspread_for("boss@example.com")
    sheet = owner.create("Shared with the robot")
    robot = robot_client(google, info)

    with pytest.raises(PermissionError):
        robot.open_by_key(sheet.id)

    sheet.share(info["client_email"], perm_type="user", role="writer", notify=False)
    assert robot.open_by_key(sheet.id).title == "Shared with the robot"
    assert [s.id for s in robot.openall()] == [sheet.id]
    counts = google.admin("GET", "/requests")["by_user"][info["client_email"]]
    assert counts["sheets.get"] == 3  # the refused open, the open, and openall fetching metadata


def test_service_account_cannot_create_files(google):
    robot = robot_client(google, google.admin("POST", "/service-accounts"))
    with pytest.raises(gspread.exceptions.APIError) as refused:
        robot.create("Robot's own")
    assert refused.value.code == 403
    assert refused.value.error["errors"][0]["reason"] == "storageQuotaExceeded"


def test_service_account_cannot_copy_a_shared_file_either(google):
    info = google.admin("POST", "/service-accounts")
    sheet = google.gspread_for("boss2@example.com").create("Template")
    sheet.share(info["client_email"], perm_type="user", role="writer", notify=False)
    with pytest.raises(gspread.exceptions.APIError) as refused:
        robot_client(google, info).copy(sheet.id, copy_comments=False)
    assert refused.value.code == 403
    assert refused.value.error["errors"][0]["reason"] == "storageQuotaExceeded"


def test_a_key_the_emulator_did_not_issue_is_refused(google):
    info = google.admin("POST", "/service-accounts")
    other = google.admin("POST", "/service-accounts")
    forged = {**info, "private_key": other["private_key"]}  # signed with a key not registered for this kid
    creds = service_account.Credentials.from_service_account_info(forged, scopes=SCOPES)
    with pytest.raises(RefreshError, match="Invalid JWT Signature"):
        creds.refresh(Request())
