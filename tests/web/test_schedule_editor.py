"""The editor's schedule kinds: each saves its cron form in the workspace's zone (unless another is named),
reopens as the kind it was, says itself in words with its next runs (on the page and from the preview
endpoint the editor's script asks as the analyst changes it), and refuses fields that make no schedule."""

from __future__ import annotations

import re
from datetime import datetime

from sqlmodel import Session, select

from store.db import get_engine
from store.models import Exporter
from tests.web.browser import Browser
from tests.web.test_exporters import create, ready  # noqa: F401  (the fixture)


def saved() -> Exporter:
    with Session(get_engine()) as session:
        return session.exec(select(Exporter)).one()


def set_zone(browser: Browser, zone: str) -> None:
    page = browser.fill("/workspace/members", "Save time zone", time_zone=zone)
    assert page.has(f"New schedules follow {zone}"), page.text


def test_weekdays_at_seven_in_the_workspace_zone_saved_shown_and_reopened(ready: Browser) -> None:  # noqa: F811
    set_zone(ready, "America/New_York")
    assert (
        ready.get("/exporters/new").form("Save exporter").data()["schedule_time_zone"] == "America/New_York"
    )
    page = create(
        ready, destination="new", spreadsheet_title="Standup", schedule="weekly", schedule_times="07:00",
        schedule_days=["1", "2", "3", "4", "5"],
    )  # fmt: skip
    exporter = saved()
    assert (exporter.schedule_cron, exporter.schedule_time_zone) == ("0 7 * * 1-5", "America/New_York")
    assert page.has("Every weekday at 07:00 (America/New_York)")
    shown = re.findall(r'title="([^"]+)"', page.html.split('id="next-runs"')[1].split("</div>")[0])
    runs = [datetime.fromisoformat(at) for at in shown]
    assert len(runs) == 5 and all(at.weekday() < 5 and (at.hour, at.minute) == (7, 0) for at in runs)
    reopened = ready.get(f"/exporters/{exporter.id}/edit").form("Save exporter").data()
    assert reopened["schedule"] == "weekly" and reopened["schedule_times"] == "07:00"
    assert reopened["schedule_days"] == ["1", "2", "3", "4", "5"]


def test_monthly_on_the_last_day_in_another_zone(ready: Browser) -> None:  # noqa: F811
    page = create(
        ready, destination="new", spreadsheet_title="Close", schedule="monthly", schedule_times="06:00",
        schedule_day_of_month="0", schedule_time_zone="Australia/Sydney",
    )  # fmt: skip
    assert page.has("Monthly on the last day at 06:00 (Australia/Sydney)")
    assert saved().schedule_cron == "0 6 L * *"


def test_fields_that_make_no_schedule_keep_the_form_with_the_reason(ready: Browser) -> None:  # noqa: F811
    page = create(
        ready, destination="new", spreadsheet_title="Twice", schedule="daily", schedule_times="07:00, 13:30"
    )
    assert ready.status == 400 and page.has("share their minutes") and not saved_any()
    page = create(
        ready, destination="new", spreadsheet_title="Often", schedule="cron", schedule_cron="*/5 * * * *"
    )
    assert ready.status == 400 and page.has("at most every 15 minutes") and not saved_any()


def saved_any() -> bool:
    with Session(get_engine()) as session:
        return session.exec(select(Exporter)).first() is not None


def test_the_preview_says_the_schedule_and_its_next_five_runs_as_it_changes(ready: Browser) -> None:  # noqa: F811
    client = ready.client
    answer = client.get(
        "/exporters/schedule-preview",
        query_string={
            "schedule": "working_hours",
            "schedule_minute": "30",
            "schedule_from_hour": "9",
            "schedule_to_hour": "17",
            "schedule_days": ["1", "3"],
            "schedule_time_zone": "Europe/London",
        },
    ).get_json()
    assert (
        answer["text"] == "Hourly from 09:30 to 17:30, every Mon, Wed (Europe/London)" and not answer["error"]
    )
    runs = [datetime.fromisoformat(at) for at in answer["next_runs"]]
    assert len(runs) == 5 and all(
        at.minute == 30 and 9 <= at.hour <= 17 and at.weekday() in (0, 2) for at in runs
    )
    wrong = client.get("/exporters/schedule-preview", query_string={"schedule": "weekly"}).get_json()
    assert wrong["field"] == "schedule_days" and "at least one day" in wrong["error"]
    manual = client.get("/exporters/schedule-preview", query_string={"schedule": "manual"}).get_json()
    assert manual["next_runs"] == [] and manual["text"].startswith("Manual only")


def test_the_preview_needs_a_login(browser: Browser) -> None:
    assert browser.client.get("/exporters/schedule-preview").status_code in (302, 401)
