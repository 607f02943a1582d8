"""When an exporter runs on its own: a cron expression read in a time zone, or nothing (manual only).

Every kind of schedule the editor offers ("every weekday at 07:00", "the 1st of the month at 06:00",
"hourly during business hours") is a cron expression, so the store, the tick and the JSON API know one
shape: `{"cron": "0 7 * * 1-5", "timezone": "America/New_York"}`. The arithmetic is cronsim's, which
follows cron's own rule at daylight-saving changes: a time the spring-forward skips runs at the first
minute after the gap, and a time the fall-back repeats runs once. Nothing here adds minutes to dates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import islice, pairwise
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cronsim import CronSim, CronSimError
from pydantic import BaseModel, ConfigDict

from exporters.schedule_kinds import kind_of, words_of
from store.models import Exporter

SHORTEST_GAP = timedelta(minutes=15)  # Google's write budget and QBO's metered reads: not more often
GAPS_CHECKED = 200  # runs looked at for a gap shorter than SHORTEST_GAP (covers a week of */15)


class ScheduleError(ValueError):
    """The schedule can't be used; the message says what to change, `part` which part ("cron" or
    "timezone")."""

    def __init__(self, message: str, part: str = "cron") -> None:
        super().__init__(message)
        self.part = part


class ScheduleSpec(BaseModel):
    """A schedule as a front door hands it in (the JSON API's `{"cron", "timezone"}`); unchecked."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    cron: str
    timezone: str = "UTC"


@dataclass(frozen=True)
class Schedule:
    """A cron expression (five fields: minute hour day-of-month month day-of-week) in an IANA zone."""

    cron: str
    timezone: str = "UTC"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def next_after(self, moment: datetime) -> datetime:
        """The first run strictly after `moment`, in UTC."""
        return next(self._runs(moment)).astimezone(UTC)

    def next_runs(self, count: int = 5, after: datetime | None = None) -> list[datetime]:
        """The next `count` runs after `after` (default: now), in the schedule's zone (ISO 8601 with
        its offset when printed)."""
        return list(islice(self._runs(after or datetime.now(UTC)), count))

    def describe(self) -> str:
        """In words, with the zone: "Every weekday at 07:00 (America/New_York)"; a cron expression
        that is none of the editor's kinds as cronsim says it ("At minute 5 past every 5th hour")."""
        words = words_of(kind_of(self.cron)) or CronSim(self.cron, datetime.now(UTC)).explain()
        return f"{words} ({self.timezone})"

    def _runs(self, after: datetime) -> CronSim:
        # cronsim steps in the zone's wall-clock time; seconds are dropped so a run at 07:00:00 is "after"
        # a tick at 07:00:30 only once.
        local = after.astimezone(self.zone).replace(second=0, microsecond=0)
        return CronSim(self.cron, local)


def schedule_of(cron: str, timezone: str) -> Schedule | None:
    """The schedule an exporter stores ("" cron: manual only), checked; `ScheduleError` says what's wrong."""
    cron = " ".join(cron.split())
    if not cron:
        return None
    try:
        zone = ZoneInfo(timezone.strip() or "UTC")
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a file name
        raise ScheduleError(
            f"There is no time zone {timezone!r}: use an IANA name such as America/New_York or UTC.",
            "timezone",
        ) from None
    if len(cron.split(" ")) != 5:
        raise ScheduleError(
            "A cron expression has five fields: minute hour day-of-month month day-of-week "
            "(e.g. 0 7 * * 1-5 for weekdays at 07:00)."
        )
    try:
        runs = CronSim(cron, datetime.now(zone))
        first = list(islice(runs, GAPS_CHECKED))
    except (CronSimError, StopIteration) as exc:
        raise ScheduleError(f"The cron expression {cron!r} can't be read: {exc}.") from None
    except ValueError:  # an impossible date (30 2 * * *: "February 30th") never matches
        raise ScheduleError(f"The cron expression {cron!r} never matches a date.") from None
    if any(later - earlier < SHORTEST_GAP for earlier, later in pairwise(first)):
        raise ScheduleError("Exporters run at most every 15 minutes: widen the cron expression's minutes.")
    return Schedule(cron, zone.key)


def stored_schedule(cron: str, timezone: str) -> Schedule | None:
    """The schedule saved on an exporter (already checked when saved)."""
    return Schedule(cron, timezone or "UTC") if cron else None


def describe(schedule: Schedule | None) -> str:
    return "Manual only" if schedule is None else schedule.describe()


# -- an exporter's schedule ----------------------------------------------------------------------------


def schedule_of_exporter(exporter: Exporter) -> Schedule | None:
    return stored_schedule(exporter.schedule_cron, exporter.schedule_time_zone)


def next_slot(cron: str, timezone: str, now: datetime) -> datetime | None:
    """The first scheduled run after `now` (UTC), None for a manual exporter."""
    schedule = stored_schedule(cron, timezone)
    return None if schedule is None else schedule.next_after(now)


def label_of(exporter: Exporter) -> str:
    """The exporter's schedule in words, as every page shows it."""
    return describe(schedule_of_exporter(exporter))


def upcoming_runs(exporter: Exporter, count: int = 5) -> list[datetime]:
    """The next `count` scheduled runs in the schedule's zone (empty for a manual exporter)."""
    schedule = schedule_of_exporter(exporter)
    return [] if schedule is None else schedule.next_runs(count)
