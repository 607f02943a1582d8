"""The kinds of schedule analysts pick ("every weekday at 07:00", "monthly on the last day at 06:00",
"hourly during business hours"), each a small typed form that builds its cron expression and is read back
from one, so the editor shows a stored schedule as the kind it was made with.

`cron_of(kind)` builds; `kind_of(cron)` reads back (a cron expression no kind writes stays `CRON`);
`words_of(kind)` says it the way pages do. The date arithmetic stays cronsim's (exporters.schedules):
nothing here computes a time.
"""

from __future__ import annotations

import re
from enum import StrEnum
from itertools import product

from pydantic import BaseModel, ConfigDict, Field


class Kind(StrEnum):
    MANUAL = "manual"
    EVERY_15 = "every_15"
    EVERY_30 = "every_30"
    HOURLY = "hourly"
    EVERY_N_HOURS = "every_n_hours"
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    WORKING_HOURS = "working_hours"
    CRON = "cron"


KIND_LABELS: list[tuple[str, str]] = [
    (Kind.EVERY_15, "Every 15 minutes"),
    (Kind.EVERY_30, "Every 30 minutes"),
    (Kind.HOURLY, "Hourly"),
    (Kind.EVERY_N_HOURS, "Every few hours"),
    (Kind.DAILY, "Daily"),
    (Kind.WEEKLY, "Weekly"),
    (Kind.MONTHLY, "Monthly"),
    (Kind.WORKING_HOURS, "Hourly during set hours"),
    (Kind.CRON, "Cron expression"),
    (Kind.MANUAL, "Manual only"),
]
DAY_NAMES = ("Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat")  # cron's day-of-week numbers 0..6
WEEKDAYS = (1, 2, 3, 4, 5)
HOUR_STEPS = (2, 3, 4, 6, 8, 12)  # the steps that divide the day evenly: no short gap at midnight
LAST_DAY = 0  # `day_of_month` for "the last day of the month" (cron's L)
TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class KindError(ValueError):
    """The kind's fields don't make a schedule; the message says which field and what to change."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


class ScheduleKind(BaseModel):
    """One kind of schedule and the fields it uses (the others keep their defaults and are ignored)."""

    model_config = ConfigDict(frozen=True)

    kind: Kind = Kind.HOURLY
    minute: int = Field(default=0, ge=0, le=59)  # hourly, every N hours, working hours
    every_hours: int = 6  # every N hours: one of HOUR_STEPS
    times: tuple[str, ...] = ("06:00",)  # daily: "HH:MM" each; weekly and monthly: the first
    days: tuple[int, ...] = WEEKDAYS  # weekly and working hours: cron day-of-week numbers
    day_of_month: int = Field(default=1, ge=0, le=31)  # monthly; LAST_DAY for the last day
    from_hour: int = Field(default=9, ge=0, le=23)  # working hours: first and last run of the day
    to_hour: int = Field(default=17, ge=0, le=23)
    cron: str = ""  # CRON: the expression as typed


def _hm(text: str) -> tuple[int, int]:
    match = TIME.match(text.strip())
    if match is None:
        shown = text.strip() or "An empty time"
        raise KindError(f"{shown!r} is not a time: write HH:MM, e.g. 07:00.", "times")
    return int(match[1]), int(match[2])


def _numbers(values: list[int]) -> str:
    """A cron list, with a run of consecutive numbers as a range (1,2,3,4,5 -> 1-5)."""
    values = sorted(set(values))
    parts: list[str] = []
    start = previous = values[0]
    for value in [*values[1:], None]:
        if value is not None and value == previous + 1:
            previous = value
            continue
        parts.append(str(start) if start == previous else f"{start}-{previous}")
        if value is not None:
            start = previous = value
    return ",".join(parts)


def _days(kind: ScheduleKind) -> str:
    if not kind.days:
        raise KindError("Choose at least one day.", "days")
    if any(day not in range(7) for day in kind.days):
        raise KindError("Days are 0 (Sunday) to 6 (Saturday).", "days")
    return "*" if len(set(kind.days)) == 7 else _numbers(list(kind.days))


def cron_of(kind: ScheduleKind) -> str:
    """The cron expression of the kind ("" for manual only); `KindError` when its fields don't fit."""
    if kind.kind == Kind.MANUAL:
        return ""
    if kind.kind == Kind.CRON:
        return " ".join(kind.cron.split())
    if kind.kind in (Kind.EVERY_15, Kind.EVERY_30):
        return "*/15 * * * *" if kind.kind == Kind.EVERY_15 else "*/30 * * * *"
    if kind.kind == Kind.HOURLY:
        return f"{kind.minute} * * * *"
    if kind.kind == Kind.EVERY_N_HOURS:
        if kind.every_hours not in HOUR_STEPS:
            offered = ", ".join(map(str, HOUR_STEPS))
            raise KindError(f"Every {offered} hours: those divide the day evenly.", "every_hours")
        # The hours listed, not */N: cron (and cronsim) move a listed time the spring-forward skips to just
        # after the gap, but drop a */N one; listed, no run is lost.
        return f"{kind.minute} {','.join(map(str, range(0, 24, kind.every_hours)))} * * *"
    if kind.kind == Kind.WORKING_HOURS:
        if kind.to_hour <= kind.from_hour:
            raise KindError("The last hour must come after the first (e.g. 09 to 17).", "to_hour")
        return f"{kind.minute} {kind.from_hour}-{kind.to_hour} * * {_days(kind)}"
    times = [_hm(t) for t in kind.times if t.strip()]
    if not times:
        raise KindError("Give a time, e.g. 07:00.", "times")
    if kind.kind == Kind.DAILY:
        return _daily(times)
    hour, minute = times[0]
    if kind.kind == Kind.WEEKLY:
        return f"{minute} {hour} * * {_days(kind)}"
    day = "L" if kind.day_of_month == LAST_DAY else str(kind.day_of_month)
    return f"{minute} {hour} {day} * *"


def _daily(times: list[tuple[int, int]]) -> str:
    """Several times a day are one cron expression when they are every hour listed at every minute listed
    (07:00 and 13:00; 07:00, 07:30, 13:00, 13:30); others need two exporters or a cron expression."""
    hours = sorted({h for h, _m in times})
    minutes = sorted({m for _h, m in times})
    if set(product(hours, minutes)) != set(times):
        raise KindError(
            "Times in one daily schedule share their minutes (07:00 and 13:00, or 07:30 and 13:30): "
            "07:00 and 13:30 would also run at 07:30 and 13:00.",
            "times",
        )
    return f"{_numbers(minutes)} {_numbers(hours)} * * *"


# -- reading a cron expression back ----------------------------------------------------------------------

NUMBER_LIST = re.compile(r"^\d+(-\d+)?(,\d+(-\d+)?)*$")


def _listed(field: str) -> list[int] | None:
    """The numbers of a cron list such as "1-5" or "0,30" (None for anything else: steps, names, *)."""
    if not NUMBER_LIST.match(field):
        return None
    values: list[int] = []
    for part in field.split(","):
        low, _, high = part.partition("-")
        values.extend(range(int(low), int(high or low) + 1))
    return values


def _single(field: str, top: int) -> int | None:
    return int(field) if field.isdigit() and int(field) <= top else None


def _weekdays(field: str) -> tuple[int, ...] | None:
    if field == "*":
        return tuple(range(7))
    days = _listed(field)
    if days is None or any(d > 7 for d in days):
        return None
    return tuple(sorted({d % 7 for d in days}))


def kind_of(cron: str) -> ScheduleKind:
    """The kind a stored cron expression was made with; one no kind writes is `CRON` with the expression."""
    cron = " ".join(cron.split())
    if not cron:
        return ScheduleKind(kind=Kind.MANUAL)
    fields = cron.split(" ")
    if len(fields) == 5 and (step := re.fullmatch(r"\*/(\d+)", fields[1])) and int(step[1]) in HOUR_STEPS:
        fields[1] = ",".join(map(str, range(0, 24, int(step[1]))))  # 0 */6 * * * (before 0008): its hours
    found = _recognised(fields) if len(fields) == 5 else None
    try:
        if found is not None and cron_of(found) == " ".join(fields):
            return found
    except KindError:  # e.g. every 5 hours: a cron expression, not a kind the editor offers
        pass
    return ScheduleKind(kind=Kind.CRON, cron=cron)


def _recognised(fields: list[str]) -> ScheduleKind | None:
    minute, hour, day, month, weekday = fields
    if month != "*":
        return None
    if (minute, hour, day, weekday) in (("*/15", "*", "*", "*"), ("*/30", "*", "*", "*")):
        return ScheduleKind(kind=Kind.EVERY_15 if minute == "*/15" else Kind.EVERY_30)
    m = _single(minute, 59)
    days = _weekdays(weekday)
    if m is not None and day == "*" and weekday == "*":
        if hour == "*":
            return ScheduleKind(kind=Kind.HOURLY, minute=m)
        stepped = _listed(hour) or []
        if len(stepped) > 1 and stepped[0] == 0 and 24 // len(stepped) in HOUR_STEPS:
            return ScheduleKind(kind=Kind.EVERY_N_HOURS, minute=m, every_hours=24 // len(stepped))
    if m is not None and days is not None and day == "*" and re.fullmatch(r"\d+-\d+", hour):
        low, high = map(int, hour.split("-"))
        return ScheduleKind(kind=Kind.WORKING_HOURS, minute=m, from_hour=low, to_hour=high, days=days)
    h = _single(hour, 23)
    if m is not None and h is not None and (day.isdigit() or day == "L") and weekday == "*":
        dom = LAST_DAY if day == "L" else int(day)
        return ScheduleKind(kind=Kind.MONTHLY, times=(f"{h:02d}:{m:02d}",), day_of_month=dom)
    if m is not None and h is not None and day == "*" and days is not None and weekday != "*":
        return ScheduleKind(kind=Kind.WEEKLY, times=(f"{h:02d}:{m:02d}",), days=days)
    minutes, hours = _listed(minute), _listed(hour)
    if minutes and hours and day == "*" and weekday == "*" and max(minutes) < 60 and max(hours) < 24:
        times = tuple(f"{hh:02d}:{mm:02d}" for hh, mm in product(sorted(hours), sorted(minutes)))
        return ScheduleKind(kind=Kind.DAILY, times=times)
    return None


# -- in words --------------------------------------------------------------------------------------------


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _day_words(days: tuple[int, ...]) -> str:
    if tuple(sorted(days)) == WEEKDAYS:
        return "weekday"
    if len(set(days)) == 7:
        return "day"
    if tuple(sorted(days)) == (0, 6):
        return "weekend day"
    return ", ".join(DAY_NAMES[d] for d in sorted(set(days)))


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def words_of(kind: ScheduleKind) -> str | None:
    """The kind in words ("Every weekday at 07:00"); None for a cron expression (cronsim explains those)."""
    time = kind.times[0] if kind.times else ""
    match kind.kind:
        case Kind.MANUAL:
            return "Manual only"
        case Kind.EVERY_15 | Kind.EVERY_30:
            return f"Every {15 if kind.kind == Kind.EVERY_15 else 30} minutes"
        case Kind.HOURLY:
            return f"Hourly at :{kind.minute:02d}"
        case Kind.EVERY_N_HOURS:
            return f"Every {kind.every_hours} hours at :{kind.minute:02d} (from midnight)"
        case Kind.DAILY:
            return f"Daily at {_and(list(kind.times))}"
        case Kind.WEEKLY:
            return f"Every {_day_words(kind.days)} at {time}"
        case Kind.MONTHLY:
            day = "last day" if kind.day_of_month == LAST_DAY else _ordinal(kind.day_of_month)
            return f"Monthly on the {day} at {time}"
        case Kind.WORKING_HOURS:
            hours = f"{kind.from_hour:02d}:{kind.minute:02d} to {kind.to_hour:02d}:{kind.minute:02d}"
            return f"Hourly from {hours}, every {_day_words(kind.days)}"
    return None
