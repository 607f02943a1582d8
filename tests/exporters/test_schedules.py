"""Schedules are cron expressions in a time zone: next runs across daylight-saving changes, the checks
the editor and the API share, and the words pages show."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from exporters.schedules import Schedule, ScheduleError, schedule_of

NEW_YORK = "America/New_York"


def local(schedule: Schedule, after: datetime, count: int) -> list[str]:
    return [at.strftime("%m-%d %H:%M%z") for at in schedule.next_runs(count, after)]


def test_weekdays_at_seven_in_new_york_follow_the_local_clock_across_spring_forward():
    schedule = Schedule("0 7 * * 1-5", NEW_YORK)
    runs = local(schedule, datetime(2026, 3, 6, 13, tzinfo=UTC), 3)  # Friday 08:00 in New York
    # Monday and Tuesday after the change: still 07:00 on the wall, one hour earlier in UTC
    assert runs == ["03-09 07:00-0400", "03-10 07:00-0400", "03-11 07:00-0400"]
    assert schedule.next_after(datetime(2026, 3, 6, 13, tzinfo=UTC)) == datetime(2026, 3, 9, 11, tzinfo=UTC)


def test_a_time_the_spring_forward_skips_runs_once_just_after_the_gap():
    runs = local(Schedule("30 2 * * *", NEW_YORK), datetime(2026, 3, 7, 12, tzinfo=UTC), 3)
    assert runs == ["03-08 03:00-0400", "03-09 02:30-0400", "03-10 02:30-0400"]


def test_a_time_the_fall_back_repeats_runs_once():
    runs = local(Schedule("30 1 * * *", NEW_YORK), datetime(2026, 10, 31, 12, tzinfo=UTC), 3)
    assert runs == ["11-01 01:30-0400", "11-02 01:30-0500", "11-03 01:30-0500"]


def test_the_last_day_of_the_month_in_london():
    runs = local(Schedule("0 6 L * *", "Europe/London"), datetime(2027, 1, 15, tzinfo=UTC), 3)
    assert runs == ["01-31 06:00+0000", "02-28 06:00+0000", "03-31 06:00+0100"]


@pytest.mark.parametrize(
    ("cron", "zone", "part", "words"),
    [
        ("0 7 * *", "UTC", "cron", "five fields"),
        ("0 25 * * *", "UTC", "cron", "can't be read"),
        ("* * * * *", "UTC", "cron", "every 15 minutes"),
        ("*/5 9 * * *", "UTC", "cron", "every 15 minutes"),
        ("0 7 * * 1-5", "Mars/Olympus", "timezone", "no time zone"),
        ("0 7 * * 1-5", "x" * 5000, "timezone", "no time zone"),
    ],
)
def test_a_schedule_that_cant_be_used_says_which_part_and_why(cron, zone, part, words):
    with pytest.raises(ScheduleError) as refused:
        schedule_of(cron, zone)
    assert refused.value.part == part and words in str(refused.value)


def test_schedules_read_in_words_with_their_zone():
    assert schedule_of("0 7 * * 1-5", NEW_YORK).describe() == "Every weekday at 07:00 (America/New_York)"
    assert schedule_of("0 6 L * *", "UTC").describe() == "Monthly on the last day at 06:00 (UTC)"
    assert schedule_of("0 9 * 1 *", "UTC").describe() == "At 09:00 every day in January (UTC)"
    assert schedule_of("", NEW_YORK) is None
