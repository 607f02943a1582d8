"""Per-minute quotas (§3): the exact 429 body gspread sees, per user and per project; the clock refills."""

from __future__ import annotations

import gspread
import pytest
import requests

from tests.emulators.google.harness import running

PROJECT = "123456789012"


def exact_429(access: str) -> dict:
    noun = access.capitalize()
    return {
        "error": {
            "code": 429,
            "message": f"Quota exceeded for quota metric '{noun} requests' and limit "
            f"'{noun} requests per minute per user' of service 'sheets.googleapis.com' "
            f"for consumer 'project_number:{PROJECT}'.",
            "status": "RESOURCE_EXHAUSTED",
            "details": [
                {
                    "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                    "reason": "RATE_LIMIT_EXCEEDED",
                    "domain": "googleapis.com",
                    "metadata": {
                        "consumer": f"projects/{PROJECT}",
                        "quota_limit": f"{noun}RequestsPerMinutePerUser",
                        "quota_metric": f"sheets.googleapis.com/{access}_requests",
                        "service": "sheets.googleapis.com",
                    },
                }
            ],
        }
    }


@pytest.fixture
def google():
    with running() as emulator:
        yield emulator


def test_read_quota_per_user_gives_gspread_the_exact_429_until_a_minute_passes(google):
    sheet = google.gspread_for("busy@example.com").create("Busy")
    google.admin("POST", "/quota", read_per_minute_per_user=2)
    client = google.gspread_for("busy@example.com")
    client.open_by_key(sheet.id)
    client.open_by_key(sheet.id)
    with pytest.raises(gspread.exceptions.APIError) as limited:
        client.open_by_key(sheet.id)
    assert limited.value.code == 429
    assert limited.value.error["status"] == "RESOURCE_EXHAUSTED"
    assert limited.value.response.json() == exact_429("read")

    assert google.gspread_for("other@example.com").openall() == []  # other users have their own bucket
    google.advance(60)
    assert client.open_by_key(sheet.id).title == "Busy"


def test_write_quota_uses_the_write_variant(google):
    sheet = google.gspread_for("writer@example.com").create("Writes")
    google.admin("POST", "/quota", write_per_minute_per_user=1)
    worksheet = sheet.sheet1
    worksheet.update([["a"]], "A1")
    with pytest.raises(gspread.exceptions.APIError) as limited:
        worksheet.update([["b"]], "A1")
    assert limited.value.response.json() == exact_429("write")


def test_project_quota_is_shared_by_all_users(google):
    google.admin("POST", "/quota", read_per_minute=3)
    for email in ("p1@example.com", "p2@example.com", "p3@example.com"):
        google.gspread_for(email).openall()
    with pytest.raises(gspread.exceptions.APIError) as limited:
        google.gspread_for("p4@example.com").openall()
    body = limited.value.response.json()["error"]
    assert body["details"][0]["metadata"]["quota_limit"] == "ReadRequestsPerMinutePerProject"
    assert "limit 'Read requests per minute' of service 'drive.googleapis.com'" in body["message"]


def test_injected_429_fault_for_the_next_call_only(google):
    sheet = google.gspread_for("flaky@example.com").create("Flaky")
    google.admin("POST", "/faults", route="sheets.read", status=429, count=1)
    client = google.gspread_for("flaky@example.com")
    with pytest.raises(gspread.exceptions.APIError) as limited:
        client.open_by_key(sheet.id)
    assert limited.value.response.json() == exact_429("read")
    assert client.open_by_key(sheet.id).id == sheet.id


def test_injected_5xx_faults_on_drive_and_token_until_cleared(google):
    google.admin("POST", "/faults", route="drive", status=503)
    google.admin("POST", "/faults", route="token", status=500)
    with pytest.raises(gspread.exceptions.APIError) as unavailable:
        google.gspread_for("down@example.com").openall()
    assert unavailable.value.code == 503
    assert (
        requests.post(f"{google.url}/token", data={"grant_type": "refresh_token"}, timeout=10).status_code
        == 500
    )

    requests.delete(f"{google.url}/_emulator/faults", timeout=10).raise_for_status()
    assert google.gspread_for("down@example.com").openall() == []


def test_a_fault_can_fire_at_a_rate(google):
    google.admin("POST", "/faults", route="any", status=500, rate=0.0)
    assert google.gspread_for("lucky@example.com").openall() == []
