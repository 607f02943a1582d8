"""Every kind of schedule the editor offers builds a cron expression, reads back from it, says itself in
words and runs at the right wall-clock times across daylight-saving changes in two zones: no run lost at
the spring-forward (a skipped time runs just after the gap), none doubled at the fall-back (a fixed time
runs once; every-15/30-minutes and hourly follow elapsed time)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from exporters.schedule_kinds import LAST_DAY, Kind, KindError, ScheduleKind, cron_of, kind_of, words_of
from exporters.schedules import schedule_of

NY, LONDON = "America/New_York", "Europe/London"
# New York: spring-forward 2026-03-08 02:00 -> 03:00, fall-back 2026-11-01 02:00 -> 01:00.
# London: spring-forward 2026-03-29 01:00 -> 02:00, fall-back 2026-10-25 02:00 -> 01:00.
CASES = [
    (ScheduleKind(kind=Kind.EVERY_15), NY, "2026-03-08 01:30",
     ["03-08 01:45-0500", "03-08 03:00-0400", "03-08 03:15-0400", "03-08 03:30-0400"]),
    (ScheduleKind(kind=Kind.EVERY_15), LONDON, "2026-10-25 01:40",
     ["10-25 01:45+0100", "10-25 01:00+0000", "10-25 01:15+0000", "10-25 01:30+0000"]),
    (ScheduleKind(kind=Kind.EVERY_30), NY, "2026-11-01 00:50",
     ["11-01 01:00-0400", "11-01 01:30-0400", "11-01 01:00-0500", "11-01 01:30-0500"]),
    (ScheduleKind(kind=Kind.EVERY_30), LONDON, "2026-03-29 00:20",
     ["03-29 00:30+0000", "03-29 02:00+0100", "03-29 02:30+0100", "03-29 03:00+0100"]),
    (ScheduleKind(kind=Kind.HOURLY, minute=30), NY, "2026-11-01 00:00",
     ["11-01 00:30-0400", "11-01 01:30-0400", "11-01 01:30-0500", "11-01 02:30-0500"]),
    (ScheduleKind(kind=Kind.HOURLY, minute=30), LONDON, "2026-03-29 00:00",
     ["03-29 00:30+0000", "03-29 02:30+0100", "03-29 03:30+0100", "03-29 04:30+0100"]),
    (ScheduleKind(kind=Kind.EVERY_N_HOURS, every_hours=2, minute=15), NY, "2026-03-08 00:00",
     ["03-08 00:15-0500", "03-08 03:00-0400", "03-08 04:15-0400", "03-08 06:15-0400"]),
    (ScheduleKind(kind=Kind.EVERY_N_HOURS, every_hours=2, minute=15), LONDON, "2026-10-24 23:00",
     ["10-25 00:15+0100", "10-25 02:15+0000", "10-25 04:15+0000", "10-25 06:15+0000"]),
    (ScheduleKind(kind=Kind.DAILY, times=("01:30", "13:30")), NY, "2026-10-31 12:00",
     ["10-31 13:30-0400", "11-01 01:30-0400", "11-01 13:30-0500", "11-02 01:30-0500"]),
    (ScheduleKind(kind=Kind.DAILY, times=("01:30", "13:30")), LONDON, "2026-03-28 12:00",
     ["03-28 13:30+0000", "03-29 02:00+0100", "03-29 13:30+0100", "03-30 01:30+0100"]),
    (ScheduleKind(kind=Kind.WEEKLY, days=(0,), times=("02:30",)), NY, "2026-03-07 12:00",
     ["03-08 03:00-0400", "03-15 02:30-0400", "03-22 02:30-0400", "03-29 02:30-0400"]),
    (ScheduleKind(kind=Kind.WEEKLY, days=(0, 3), times=("01:30",)), LONDON, "2026-10-24 12:00",
     ["10-25 01:30+0100", "10-28 01:30+0000", "11-01 01:30+0000", "11-04 01:30+0000"]),
    (ScheduleKind(kind=Kind.MONTHLY, day_of_month=8, times=("02:15",)), NY, "2026-03-01 00:00",
     ["03-08 03:00-0400", "04-08 02:15-0400", "05-08 02:15-0400", "06-08 02:15-0400"]),
    (ScheduleKind(kind=Kind.MONTHLY, day_of_month=LAST_DAY, times=("01:30",)), LONDON, "2026-02-01 00:00",
     ["02-28 01:30+0000", "03-31 01:30+0100", "04-30 01:30+0100", "05-31 01:30+0100"]),
    (ScheduleKind(kind=Kind.WORKING_HOURS, from_hour=0, to_hour=3, days=(0,)), NY, "2026-11-01 00:00",
     ["11-01 01:00-0400", "11-01 02:00-0500", "11-01 03:00-0500", "11-08 00:00-0500"]),
    (ScheduleKind(kind=Kind.WORKING_HOURS, from_hour=0, to_hour=3, days=(0,)), LONDON, "2026-03-29 00:00",
     ["03-29 02:00+0100", "03-29 03:00+0100", "04-05 00:00+0100", "04-05 01:00+0100"]),
    (ScheduleKind(kind=Kind.CRON, cron="0 9 1-7 * *"), NY, "2026-10-31 12:00",
     ["11-01 09:00-0500", "11-02 09:00-0500", "11-03 09:00-0500", "11-04 09:00-0500"]),
    (ScheduleKind(kind=Kind.CRON, cron="0 */5 * * *"), LONDON, "2026-03-28 12:00",
     ["03-28 15:00+0000", "03-28 20:00+0000", "03-29 00:00+0000", "03-29 05:00+0100"]),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "zone", "after", "runs"), CASES)
def test_each_kind_runs_at_its_wall_clock_times_across_daylight_saving(kind, zone, after, runs):
    cron = cron_of(kind)
    assert kind_of(cron) == kind  # the editor shows a saved schedule as the kind it was made with
    schedule = schedule_of(cron, zone)
    start = datetime.fromisoformat(after).replace(tzinfo=ZoneInfo(zone))
    assert [at.strftime("%m-%d %H:%M%z") for at in schedule.next_runs(4, start)] == runs


def test_every_kind_says_itself_in_words_with_its_zone():
    said = {
        ScheduleKind(kind=Kind.WEEKLY, times=("07:00",)): "Every weekday at 07:00 (America/New_York)",
        ScheduleKind(kind=Kind.MONTHLY, day_of_month=1, times=("06:00",)): "Monthly on the 1st at 06:00",
        ScheduleKind(kind=Kind.MONTHLY, day_of_month=LAST_DAY, times=("06:00",)): "Monthly on the last day",
        ScheduleKind(kind=Kind.WORKING_HOURS): "Hourly from 09:00 to 17:00, every weekday",
        ScheduleKind(kind=Kind.DAILY, times=("07:00", "13:00")): "Daily at 07:00 and 13:00",
        ScheduleKind(kind=Kind.EVERY_N_HOURS, every_hours=6): "Every 6 hours at :00",
    }
    for kind, words in said.items():
        assert words in schedule_of(cron_of(kind), NY).describe()
    manual = ScheduleKind(kind=Kind.MANUAL)
    assert words_of(manual) == "Manual only" and cron_of(manual) == ""


def test_stored_crons_read_back_as_their_kind_and_others_stay_cron_expressions():
    assert kind_of("0 7 * * 1-5") == ScheduleKind(kind=Kind.WEEKLY, times=("07:00",), days=(1, 2, 3, 4, 5))
    assert kind_of("0 */6 * * *") == ScheduleKind(kind=Kind.EVERY_N_HOURS, every_hours=6)  # as 0006 migrated
    assert kind_of("0 6 L * *").day_of_month == LAST_DAY
    assert kind_of("5 9-17 * * 1-5") == ScheduleKind(kind=Kind.WORKING_HOURS, minute=5)
    for cron in ("0 */5 * * *", "0 9 * 1 *", "0 9 1 * 1", "15 7 * * MON"):
        assert kind_of(cron) == ScheduleKind(kind=Kind.CRON, cron=cron)


@pytest.mark.parametrize(
    ("kind", "field"),
    [
        (ScheduleKind(kind=Kind.DAILY, times=("07:00", "13:30")), "times"),
        (ScheduleKind(kind=Kind.DAILY, times=("7 am",)), "times"),
        (ScheduleKind(kind=Kind.WEEKLY, days=()), "days"),
        (ScheduleKind(kind=Kind.EVERY_N_HOURS, every_hours=5), "every_hours"),
        (ScheduleKind(kind=Kind.WORKING_HOURS, from_hour=17, to_hour=9), "to_hour"),
    ],
)
def test_fields_that_make_no_schedule_say_which_field(kind, field):
    with pytest.raises(KindError) as refused:
        cron_of(kind)
    assert refused.value.field == field
