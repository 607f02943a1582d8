"""Backend rules: request classification and counting, persistence across restart, saves bump modifiedTime."""

from __future__ import annotations

import threading
from datetime import datetime

import pytest
import requests
from google.auth.transport.requests import AuthorizedSession
from google.oauth2 import service_account

from emulators.google.cli import parse_args
from emulators.google.traffic import classify
from tests.emulators.google.harness import point_at, running
from tests.infra import free_port


@pytest.mark.parametrize(
    ("method", "path", "name", "access"),
    [
        ("GET", "/v4/spreadsheets/abc", "sheets.get", "read"),
        ("POST", "/v4/spreadsheets", "sheets.create", "write"),
        ("POST", "/v4/spreadsheets/abc:batchUpdate", "sheets.batchUpdate", "write"),
        ("GET", "/v4/spreadsheets/abc/values/%27Sheet1%27%21A1%3AB2", "values.get", "read"),
        ("PUT", "/v4/spreadsheets/abc/values/%27a%2Fb%27%21A1", "values.update", "write"),
        ("POST", "/v4/spreadsheets/abc/values/%27Sheet1%27:append", "values.append", "write"),
        ("POST", "/v4/spreadsheets/abc/values/%27Sheet1%27:clear", "values.clear", "write"),
        ("POST", "/v4/spreadsheets/abc/values/Sheet1!A1:B2:append", "values.append", "write"),
        ("GET", "/v4/spreadsheets/abc/values/'Sheet1'!A1:B2", "values.get", "read"),
        ("GET", "/v4/spreadsheets/abc/values:batchGet", "values.batchGet", "read"),
        ("POST", "/v4/spreadsheets/abc/values:batchUpdate", "values.batchUpdate", "write"),
        ("POST", "/v4/spreadsheets/abc/values:batchClear", "values.batchClear", "write"),
        ("POST", "/drive/v3/files", "drive.files.create", "write"),
        ("GET", "/drive/v3/files", "drive.files.list", "read"),
        ("DELETE", "/drive/v3/files/abc", "drive.files.delete", "write"),
        ("POST", "/drive/v3/files/abc/permissions", "drive.permissions.create", "write"),
        ("POST", "/token", "oauth.token", "write"),
    ],
)
def test_classification_from_the_raw_path(method, path, name, access):
    route = classify(method, path)
    assert (route.name, route.access) == (name, access)


def test_viewer_and_admin_are_not_api_requests():
    assert classify("GET", "/spreadsheets/d/abc/edit") is None
    assert classify("GET", "/_emulator/requests") is None


def test_request_counts_by_route_and_by_user():
    with running() as google:
        client = google.gspread_for("counted@example.com")
        sheet = client.create("Counted")
        sheet.sheet1.update([["x"]], "A1")
        counts = google.admin("GET", "/requests")
        assert counts["by_route"]["drive.files.create"] == 1
        assert counts["by_route"]["values.update"] == 1
        assert counts["by_user"]["counted@example.com"]["values.update"] == 1
        assert google.admin("POST", "/requests/reset")["total"] == 0


def test_saving_bumps_drive_modified_time_on_the_emulator_clock():
    with running() as google:
        sheet = google.gspread_for("clock@example.com").create("Ticking")
        before = datetime.fromisoformat(sheet.get_lastUpdateTime())
        google.advance(1800)
        sheet.sheet1.update([["later"]], "A1")
        after = datetime.fromisoformat(sheet.get_lastUpdateTime())
        assert (after - before).total_seconds() >= 1800


def test_state_survives_a_restart(tmp_path):
    db, port = str(tmp_path / "google.db"), free_port()  # the key file names the token URI, so keep the port
    with running({"DB_PATH": db}, port) as google:
        issued = google.tokens("keeper@example.com")
        client = google.gspread_for("keeper@example.com")
        sheet = client.create("Kept")
        sheet.share("friend@example.com", perm_type="user", role="reader", notify=False)
        sheet.sheet1.update([["persisted"]], "A1")
        sheet.sheet1.add_protected_range("A1", description="keep me")
        sheet.sheet1.set_basic_filter("A1:B2")
        token = {"Authorization": f"Bearer {issued['access_token']}"}
        comments = f"{google.url}/drive/v3/files/{sheet.id}/comments"
        requests.post(comments, params={"fields": "id"}, json={"content": "noted"}, headers=token, timeout=10)
        key = google.admin("POST", "/service-accounts")
        sheet.share(key["client_email"], perm_type="user", role="reader", notify=False)
        google.advance(120)
        offset = google.backend.clock.offset

    with running({"DB_PATH": db}, port) as google:
        headers = {"Authorization": f"Bearer {issued['access_token']}"}
        files = requests.get(f"{google.url}/drive/v3/files", headers=headers, timeout=10).json()["files"]
        assert [f["name"] for f in files] == ["Kept"]
        assert google.gspread_for("friend@example.com").open("Kept").id == sheet.id
        assert google.backend.clock.offset == offset
        dump = google.admin("GET", f"/spreadsheets/{sheet.id}")
        assert "persisted" in str(dump["spreadsheet"])
        reopened = google.gspread_for("keeper@example.com").open_by_key(sheet.id)
        assert [p["description"] for p in reopened.list_protected_ranges(0)] == ["keep me"]
        assert "basicFilter" in reopened.fetch_sheet_metadata()["sheets"][0]
        listed = requests.get(comments, params={"fields": "comments(content)"}, headers=headers, timeout=10)
        assert listed.json() == {"comments": [{"content": "noted"}]}
        creds = service_account.Credentials.from_service_account_info(
            key, scopes=["https://www.googleapis.com/auth/spreadsheets"]
        )
        robot = point_at(AuthorizedSession(creds), google.url)
        assert robot.get(f"https://sheets.googleapis.com/v4/spreadsheets/{sheet.id}", timeout=10).ok


def test_admin_api_is_off_in_production_mode():
    with running({"ADMIN": False}) as google:
        assert (
            requests.post(f"{google.url}/_emulator/tokens", json={"email": "a@b.c"}, timeout=10).status_code
            == 404
        )


def test_unknown_api_urls_answer_google_json_404():
    with running() as google:
        token = {"Authorization": "Bearer " + google.tokens("lost@example.com")["access_token"]}
        answer = requests.get(f"{google.url}/drive/v3/files/abc/nothing-here", headers=token, timeout=10)
        assert answer.status_code == 404 and answer.json()["error"]["status"] == "NOT_FOUND"


def test_cli_defaults():
    args = parse_args([])
    assert (args.host, args.port, args.db, args.production) == ("127.0.0.1", 8002, None, False)
    assert parse_args(["--production", "--db", "g.db"]).production is True


def test_readers_see_the_old_or_the_new_version_never_a_mix():
    with running(
        {
            "QUOTA_READ_PER_MINUTE_PER_USER": 10**6,
            "QUOTA_WRITE_PER_MINUTE_PER_USER": 10**6,
            "QUOTA_READ_PER_MINUTE": 10**6,
            "QUOTA_WRITE_PER_MINUTE": 10**6,
        }
    ) as google:
        writer = google.gspread_for("atomic@example.com").create("Atomic").sheet1
        reader = google.gspread_for("atomic@example.com").open_by_key(writer.spreadsheet_id).sheet1
        writer.update([[0] * 20] * 50, "A1")
        seen: list[set] = []
        done = threading.Event()

        def read() -> None:
            while not done.is_set():
                seen.append({v for row in reader.get_values("A1:T50") for v in row})

        thread = threading.Thread(target=read)
        thread.start()
        for version in range(1, 15):
            writer.update([[version] * 20] * 50, "A1")
        done.set()
        thread.join()
        assert seen and all(len(values) == 1 for values in seen)
