"""The App Engine cron endpoints answer only App Engine's cron."""

from __future__ import annotations

CRON = {"X-Appengine-Cron": "true"}


def test_outside_app_engine_the_cron_header_opens_nothing(client, monkeypatch) -> None:
    monkeypatch.delenv("GAE_ENV", raising=False)
    for url in ("/internal/tick", "/internal/keep-alive", "/internal/prune-runs"):
        assert client.get(url, headers=CRON).status_code == 403
        assert client.get(url).status_code == 403


def test_on_app_engine_only_requests_from_its_cron_run_the_tick_and_keep_alive(client, monkeypatch) -> None:
    monkeypatch.setenv("GAE_ENV", "standard")
    assert client.get("/internal/tick").status_code == 403
    tick = client.get("/internal/tick", headers=CRON)
    assert tick.status_code == 200 and tick.json == {
        "queued": [],
        "busy": [],
        "reaped": [],
        "failed": [],
        "emails": [],
    }
    keep_alive = client.get("/internal/keep-alive", headers=CRON)
    assert keep_alive.status_code == 200 and keep_alive.json == {"refreshed": []}
    assert client.get("/internal/prune-runs").status_code == 403
    prune = client.get("/internal/prune-runs", headers=CRON)
    assert prune.status_code == 200 and prune.json == {"deleted": 0}
