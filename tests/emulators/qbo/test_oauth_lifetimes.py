"""Refresh-token rotation after 24 h with a 24 h grace, the rolling window, the hard cap, revocation."""

from __future__ import annotations

import requests

from tests.emulators.qbo.emulator_harness import DAY, Api, connect, refresh, running


def _grant(emulator, realm: str) -> dict:
    return next(grant for grant in emulator.grants() if grant["realm_id"] == realm)


def test_rotation_after_24h_with_grace_then_invalid_grant():
    with running() as emulator:
        first, realm = connect(emulator)
        emulator.advance(DAY - 60)
        same = refresh(emulator, first["refresh_token"]).json()
        assert same["refresh_token"] == first["refresh_token"]

        emulator.advance(120)  # the token is now older than 24 h
        rotated = refresh(emulator, first["refresh_token"]).json()
        assert rotated["refresh_token"] != first["refresh_token"]
        assert _grant(emulator, realm)["bad_refresh_attempts"] == 0

        emulator.advance(DAY - 60)  # the previous token still works inside its grace period
        grace = refresh(emulator, first["refresh_token"])
        assert grace.status_code == 200 and grace.json()["refresh_token"] == rotated["refresh_token"]
        assert _grant(emulator, realm)["stale_refresh_attempts"] == 1

        emulator.advance(120)
        late = refresh(emulator, first["refresh_token"])
        assert late.status_code == 400 and late.json()["error"] == "invalid_grant"
        assert late.headers["intuit_tid"]
        grant = _grant(emulator, realm)
        assert grant["rejected_refresh_attempts"] == 1 and len(grant["superseded"]) == 1
        assert refresh(emulator, rotated["refresh_token"]).status_code == 200


def test_rotate_every_refresh_option():
    with running({"ROTATE_EVERY_REFRESH": True}) as emulator:
        first, _ = connect(emulator)
        assert refresh(emulator, first["refresh_token"]).json()["refresh_token"] != first["refresh_token"]


def test_refresh_token_expires_after_the_rolling_window_unless_used():
    with running() as emulator:
        first, _ = connect(emulator)
        emulator.advance(100 * DAY)
        kept = refresh(emulator, first["refresh_token"]).json()  # using it restarts the window
        assert kept["x_refresh_token_expires_in"] == 8726400
        emulator.advance(8726400 + 1)
        expired = refresh(emulator, kept["refresh_token"])
        assert expired.status_code == 400 and expired.json()["error"] == "invalid_grant"


def test_access_token_lives_one_hour():
    with running() as emulator:
        token, realm = connect(emulator)
        api = Api(emulator, token["access_token"], realm)
        assert api.get("preferences").status_code == 200
        emulator.advance(3601)
        assert api.get("preferences").status_code == 401


def test_hard_expiry_is_reported_on_request_and_enforced_after_five_years():
    with running() as emulator:
        token, _ = connect(emulator, headers={"x-include-refresh-token-hard-expires-in": "true"})
        assert token["x_refresh_token_hard_expires_in"] == 5 * 365 * DAY
        current = token["refresh_token"]
        for _ in range(19):  # keep it alive with a refresh every 96 days
            emulator.advance(96 * DAY)
            response = refresh(emulator, current)
            assert response.status_code == 200
            current = response.json()["refresh_token"]
            assert response.json()["x_refresh_token_expires_in"] <= 5 * 365 * DAY - 96 * DAY
        emulator.advance(96 * DAY)
        assert refresh(emulator, current).json()["error"] == "invalid_grant"


def test_revoke_kills_refresh_and_access_tokens_of_the_grant():
    with running() as emulator:
        token, realm = connect(emulator)
        other, _ = connect(emulator)
        response = requests.post(
            f"{emulator.url}/v2/oauth2/tokens/revoke",
            json={"token": token["access_token"]},
            auth=("sheetbooks-dev", "sheetbooks-dev-secret"),
            timeout=10,
        )
        assert response.status_code == 200
        assert Api(emulator, token["access_token"], realm).get("preferences").status_code == 401
        assert refresh(emulator, token["refresh_token"]).json()["error"] == "invalid_grant"
        assert Api(emulator, other["access_token"], realm).get("preferences").status_code == 200
        assert emulator.admin("POST", f"/grants/{realm}/revoke")["revoked"] == 1
        assert Api(emulator, other["access_token"], realm).get("preferences").status_code == 401
        assert all(grant["revoked"] for grant in emulator.grants())
