"""Exporters and runs through /api/v1: created, read, changed, paused, run and cancelled, with the dashboard's
rules and messages."""

from __future__ import annotations

import html
from datetime import datetime

from flask.testing import FlaskClient
from rq import Queue, Worker
from sqlmodel import Session

from store.db import get_engine
from store.models import Run, RunStatus
from tests.web.api.conftest import Workspace, create_exporter, new_exporter
from workers.queue import get_redis, queue_names


def test_create_read_list_and_filter(api: FlaskClient, ours: Workspace) -> None:
    made = create_exporter(api, ours)
    assert made["spreadsheet_id"] and made["spreadsheet_title"] == "Board pack" and made["tab"] == "Invoices"
    assert made["schedule"] == {"cron": "0 7 * * 1-5", "timezone": "America/New_York"}
    assert made["schedule_text"] == "Every weekday at 07:00 (America/New_York)"
    runs = [datetime.fromisoformat(t) for t in made["next_runs"]]
    assert len(runs) == 5 and all(t.utcoffset() is not None and t.hour == 7 for t in runs)
    assert all(t.weekday() < 5 for t in runs) and runs == sorted(runs)

    got = api.get(f"/api/v1/exporters/{made['id']}", headers=ours.headers).get_json()
    assert got == made
    listed = api.get("/api/v1/exporters", headers=ours.headers).get_json()
    assert [e["id"] for e in listed["data"]] == [made["id"]] and listed["next_cursor"] is None
    for query, expected in [
        (f"company_id={ours.company_id}", [made["id"]]),
        (f"company_id={ours.company_id + 1000}", []),
        ("source=invoices", [made["id"]]),
        ("source=bills", []),
        ("status=active", [made["id"]]),
        ("status=disabled", []),
        (f"spreadsheet_id={made['spreadsheet_id']}", [made["id"]]),
        ("spreadsheet_id=someoneelses", []),
    ]:
        page = api.get(f"/api/v1/exporters?{query}", headers=ours.headers).get_json()
        assert [e["id"] for e in page["data"]] == expected, query
    writing = api.get(f"/api/v1/spreadsheets/{made['spreadsheet_id']}/exporters", headers=ours.headers)
    assert [e["id"] for e in writing.get_json()["data"]] == [made["id"]]


def test_update_pause_resume_delete(api: FlaskClient, ours: Workspace) -> None:
    made = create_exporter(api, ours)
    url = f"/api/v1/exporters/{made['id']}"
    changed = api.patch(
        url, json={"name": "Renamed", "schedule": None, "options": {"status": "open"}}, headers=ours.headers
    )
    assert changed.status_code == 200, changed.get_json()
    body = changed.get_json()
    assert body["name"] == "Renamed" and body["schedule"] is None and body["schedule_text"] == "Manual only"
    assert body["next_runs"] == [] and body["options"]["status"] == "open" and body["tab"] == "Invoices"

    paused = api.post(f"{url}/pause", headers=ours.headers).get_json()
    assert (
        paused["status"] == "disabled"
        and paused["enabled"] is False
        and "Disabled by" in paused["paused_reason"]
    )
    resumed = api.post(f"{url}/resume", headers=ours.headers).get_json()
    assert resumed["status"] == "active" and resumed["enabled"] is True

    assert api.delete(url, headers=ours.headers).get_json() == {"id": made["id"], "deleted": True}
    assert api.get(url, headers=ours.headers).status_code == 404


def test_trigger_poll_and_cancel(api: FlaskClient, ours: Workspace, settings) -> None:
    made = create_exporter(api, ours)
    trigger = f"/api/v1/exporters/{made['id']}/runs"
    queued = api.post(trigger, headers=ours.headers)
    assert queued.status_code == 202 and queued.get_json()["status"] == "queued"
    again = api.post(trigger, headers=ours.headers)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "run_active"

    redis = get_redis()
    Worker([Queue(name, connection=redis) for name in queue_names()], connection=redis).work(burst=True)
    run = api.get(f"/api/v1/runs/{queued.get_json()['id']}", headers=ours.headers).get_json()
    assert run["status"] == "succeeded", run
    assert run["rows"] > 0 and run["calls"]["quickbooks"] > 0 and run["calls"]["google_sheets"] > 0
    assert run["what_to_do"] == "" and run["finished_at"] is not None

    second = api.post(trigger, headers=ours.headers).get_json()
    cancelled = api.post(f"/api/v1/runs/{second['id']}/cancel", headers=ours.headers)
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    assert api.post(f"/api/v1/runs/{second['id']}/cancel", headers=ours.headers).status_code == 409
    Worker([Queue(name, connection=redis) for name in queue_names()], connection=redis).work(burst=True)
    with Session(get_engine()) as session:
        assert session.get(Run, second["id"]).status == RunStatus.CANCELLED  # the worker did not take it
    company = api.get(f"/api/v1/companies/{ours.company_id}", headers=ours.headers).get_json()
    assert company["api_calls_this_month"] == run["calls"]["quickbooks"]
    assert company["token_health"]["level"] == "ok" and company["realm_id"]


def test_api_and_dashboard_refuse_the_same_exporter_with_the_same_message(
    api: FlaskClient, ours: Workspace
) -> None:
    first = create_exporter(api, ours)
    taken = api.post(
        "/api/v1/exporters",
        json=new_exporter(ours, name="Second", spreadsheet_id=first["spreadsheet_id"]),
        headers=ours.headers,
    )
    assert taken.status_code == 409
    error = taken.get_json()["error"]
    assert error["code"] == "tab_taken" and error["field"] == "tab" and "Open invoices" in error["message"]

    browser = ours.browser
    browser.get("/exporters/new")
    form = browser.form("Save exporter")
    page = browser.submit(
        form,
        "Save exporter",
        name="Second",
        source="invoices",
        companies=form.choices["companies"],
        destination="existing",
        spreadsheet=first["spreadsheet_id"],
        tab="Invoices",
    )
    assert error["message"] in html.unescape(page.html)

    bad_cron = api.post(
        "/api/v1/exporters",
        json=new_exporter(ours, schedule={"cron": "*/5 * * * *", "timezone": "UTC"}),
        headers=ours.headers,
    )
    assert bad_cron.status_code == 422
    assert bad_cron.get_json()["error"]["field"] == "schedule.cron"
    assert "at most every 15 minutes" in bad_cron.get_json()["error"]["message"]


def test_bad_input_is_json_never_a_server_error(api: FlaskClient, ours: Workspace) -> None:
    malformed = api.post(
        "/api/v1/exporters", data="{not json", headers={**ours.headers, "Content-Type": "application/json"}
    )
    assert malformed.status_code == 400 and malformed.get_json()["error"]["code"] == "bad_request"
    unknown_field = api.post(
        "/api/v1/exporters", json={"name": "x", "source": "invoices", "surprise": 1}, headers=ours.headers
    )
    assert unknown_field.status_code == 422 and unknown_field.get_json()["error"]["field"] == "surprise"
    huge = api.get(f"/api/v1/exporters/{2**40}", headers=ours.headers)
    assert huge.status_code == 422 and huge.is_json
    assert api.get("/api/v1/exporters?cursor=abc", headers=ours.headers).status_code == 422
    missing = api.get("/api/v1/nowhere", headers=ours.headers)
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"
