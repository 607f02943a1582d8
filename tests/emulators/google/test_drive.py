"""Drive v3 through unmodified gspread (create, openall, open, share, lastUpdateTime, delete)."""

from __future__ import annotations

import gspread
import pytest
import requests

from tests.emulators.google.harness import running

SPREADSHEET = "application/vnd.google-apps.spreadsheet"


@pytest.fixture(scope="module")
def google():
    with running() as emulator:
        yield emulator


def test_gspread_create_open_by_title_and_openall_for_the_owner(google):
    client = google.gspread_for("owner1@example.com")
    created = client.create("Invoices 2026")
    assert created.title == "Invoices 2026"

    assert client.open("Invoices 2026").id == created.id
    assert [s.id for s in client.openall()] == [created.id]
    assert google.gspread_for("stranger1@example.com").openall() == []


def test_list_spreadsheet_files_paginates_and_honours_fields(google):
    client = google.gspread_for("owner2@example.com")
    ids = {client.create(f"Report {i}").id for i in range(3)}
    token = client.http_client.session.headers["Authorization"]
    base = f"{google.url}/drive/v3/files"
    query = {"q": f'mimeType="{SPREADSHEET}"', "pageSize": 2, "fields": "nextPageToken,files(id,name)"}
    first = requests.get(base, params=query, headers={"Authorization": token}, timeout=10).json()
    second = requests.get(
        base,
        params={**query, "pageToken": first["nextPageToken"]},
        headers={"Authorization": token},
        timeout=10,
    ).json()
    assert set(first) == {"nextPageToken", "files"} and set(first["files"][0]) == {"id", "name"}
    assert "nextPageToken" not in second
    assert {f["id"] for f in first["files"] + second["files"]} == ids


def test_last_update_time_and_metadata_fields(google):
    sheet = google.gspread_for("owner3@example.com").create("Timed")
    stamp = sheet.get_lastUpdateTime()
    assert stamp.endswith("Z") and "T" in stamp
    assert sheet.creationTime == stamp


def test_sharing_lets_the_reader_open_and_the_unshared_gets_permission_error(google):
    owner = google.gspread_for("owner4@example.com")
    sheet = owner.create("Shared plan")
    with pytest.raises(PermissionError):  # what gspread raises for a 403 on open_by_key
        google.gspread_for("reader4@example.com").open_by_key(sheet.id)

    sheet.share("reader4@example.com", perm_type="user", role="reader", notify=False)
    reader = google.gspread_for("reader4@example.com")
    assert reader.open_by_key(sheet.id).title == "Shared plan"
    assert [s.title for s in reader.openall()] == ["Shared plan"]


def test_unknown_spreadsheet_is_spreadsheet_not_found(google):
    client = google.gspread_for("owner5@example.com")
    with pytest.raises(gspread.exceptions.SpreadsheetNotFound):
        client.open_by_key("no-such-spreadsheet-id")
    with pytest.raises(gspread.exceptions.SpreadsheetNotFound):
        client.open("No such title")


def test_only_the_owner_deletes_and_delete_answers_204_empty_html(google):
    owner = google.gspread_for("owner6@example.com")
    sheet = owner.create("Doomed")
    sheet.share("writer6@example.com", perm_type="user", role="writer", notify=False)
    with pytest.raises(gspread.exceptions.APIError) as refused:
        google.gspread_for("writer6@example.com").del_spreadsheet(sheet.id)
    assert refused.value.code == 403

    token = owner.http_client.session.headers["Authorization"]
    answer = requests.delete(
        f"{google.url}/drive/v3/files/{sheet.id}", headers={"Authorization": token}, timeout=10
    )
    assert (answer.status_code, answer.text, answer.headers["Content-Type"].split(";")[0]) == (
        204,
        "",
        "text/html",
    )
    with pytest.raises(gspread.exceptions.SpreadsheetNotFound):
        owner.open_by_key(sheet.id)


def test_gspread_del_spreadsheet(google):
    owner = google.gspread_for("owner7@example.com")
    sheet = owner.create("Gone")
    owner.del_spreadsheet(sheet.id)
    assert owner.openall() == []


def test_files_get_of_an_unseen_file_is_drive_404(google):
    sheet = google.gspread_for("owner8@example.com").create("Private")
    token = google.tokens("nosy8@example.com")["access_token"]
    answer = requests.get(
        f"{google.url}/drive/v3/files/{sheet.id}", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    assert answer.status_code == 404
    assert answer.json()["error"]["errors"][0]["reason"] == "notFound"


def test_drive_query_filters_by_parent_folder_and_name_contains(google):
    token = {"Authorization": "Bearer " + google.tokens("owner9@example.com")["access_token"]}
    folder = requests.post(
        f"{google.url}/drive/v3/files",
        json={"name": "Exports", "mimeType": "application/vnd.google-apps.folder"},
        headers=token,
        timeout=10,
    ).json()
    client = google.gspread_for("owner9@example.com")
    client.http_client.session.headers.update(token)
    inside = client.create("In folder", folder_id=folder["id"])
    client.create("Outside")
    assert [s["id"] for s in client.list_spreadsheet_files(folder_id=folder["id"])] == [inside.id]
    found = requests.get(
        f"{google.url}/drive/v3/files",
        params={"q": "name contains 'folder' and trashed = false"},
        headers=token,
        timeout=10,
    ).json()
    assert [f["name"] for f in found["files"]] == ["In folder"]


def test_missing_token_is_401_on_drive(google):
    answer = requests.get(f"{google.url}/drive/v3/files", timeout=10)
    assert answer.status_code == 401 and answer.json()["error"]["status"] == "UNAUTHENTICATED"


def test_a_reader_copies_a_shared_spreadsheet_into_a_file_they_own(google):
    owner = google.gspread_for("owner10@example.com")
    original = owner.create("Plan")
    original.sheet1.update([["a", 1]], "A1")
    original.share("reader10@example.com", perm_type="user", role="reader", notify=False)
    reader = google.gspread_for("reader10@example.com")
    copy = reader.copy(original.id, copy_comments=False)
    assert copy.title == "Copy of Plan" and copy.sheet1.get_all_values() == [["a", "1"]]
    assert {p["role"] for p in copy.list_permissions()} == {"owner"}  # sharing is not copied
    copy.sheet1.update([["changed"]], "A1")
    assert original.sheet1.acell("A1").value == "a"
    with pytest.raises(gspread.exceptions.APIError) as unseen:
        google.gspread_for("stranger10@example.com").copy(original.id)
    assert unseen.value.code == 404


def test_comments_need_fields_and_are_copied_by_gspread(google):
    owner = google.gspread_for("owner11@example.com")
    sheet = owner.create("Commented")
    base, token = f"{google.url}/drive/v3/files/{sheet.id}/comments", owner.http_client.session.headers
    refused = requests.get(base, headers=token, timeout=10)
    assert refused.status_code == 400
    assert refused.json()["error"]["message"] == "The 'fields' parameter is required for this method."
    made = requests.post(
        base, params={"fields": "id,content"}, json={"content": "check Q3"}, headers=token, timeout=10
    )
    assert set(made.json()) == {"id", "content"}
    copy = owner.copy(sheet.id, title="Commented copy")
    listed = requests.get(
        f"{google.url}/drive/v3/files/{copy.id}/comments",
        params={"fields": "comments(content)"},
        headers=token,
        timeout=10,
    ).json()
    assert listed == {"comments": [{"content": "check Q3"}]}


def test_export_gives_the_first_tab_as_csv_and_refuses_formats_it_cannot_make(google):
    owner = google.gspread_for("owner12@example.com")
    sheet = owner.create("Exported")
    sheet.sheet1.update([["name", "note"], ["a, b", 'say "hi"'], ["c"]], "A1")
    sheet.add_worksheet("Second", 2, 2).update([["not exported"]], "A1")
    assert sheet.export(gspread.utils.ExportFormat.CSV) == (b'name,note\r\n"a, b","say ""hi"""\r\nc,\r\n')
    assert sheet.export(gspread.utils.ExportFormat.TSV).startswith(b"name\tnote\r\n")
    with pytest.raises(gspread.exceptions.APIError) as refused:
        sheet.export(gspread.utils.ExportFormat.PDF)
    assert refused.value.code == 400


def test_import_csv_replaces_every_tab_with_the_converted_rows(google):
    owner = google.gspread_for("owner13@example.com")
    sheet = owner.create("Imported")
    sheet.sheet1.update([["old"]], "A1")
    sheet.add_worksheet("Extra", 2, 2)
    owner.import_csv(sheet.id, "name,amount,when\nrent,1200,2026-01-31\n")
    assert [w.title for w in sheet.worksheets()] == ["Sheet1"]
    assert sheet.sheet1.get_all_values(value_render_option="UNFORMATTED_VALUE") == [
        ["name", "amount", "when"],
        ["rent", 1200, 46053],
    ]
    with pytest.raises(gspread.exceptions.APIError) as refused:
        google.gspread_for("stranger13@example.com").import_csv(sheet.id, "a\n")
    assert refused.value.code == 404


def test_ownership_moves_only_when_the_pending_owner_accepts(google):
    owner = google.gspread_for("owner14@example.com")
    sheet = owner.create("Handover")
    sheet.share("heir14@example.com", perm_type="user", role="writer", notify=False)
    heir_id = next(p["id"] for p in sheet.list_permissions() if p["emailAddress"] == "heir14@example.com")
    heir = google.gspread_for("heir14@example.com").open_by_key(sheet.id)
    with pytest.raises(gspread.exceptions.APIError) as early:
        heir.accept_ownership(heir_id)
    assert early.value.error["errors"][0]["reason"] == "consentRequiredForOwnershipTransfer"

    sheet.transfer_ownership(heir_id)
    assert {p["emailAddress"]: p.get("pendingOwner", False) for p in sheet.list_permissions()} == {
        "owner14@example.com": False,
        "heir14@example.com": True,
    }
    heir.accept_ownership(heir_id)
    roles = {p["emailAddress"]: p["role"] for p in heir.list_permissions()}
    assert roles == {"heir14@example.com": "owner", "owner14@example.com": "writer"}
    with pytest.raises(gspread.exceptions.APIError) as not_owner:
        owner.del_spreadsheet(sheet.id)
    assert not_owner.value.code == 403
