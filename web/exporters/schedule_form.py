"""The editor's schedule fields: one kind of schedule (exporters.schedule_kinds) and the fields it uses, the
schedule's time zone (default: the workspace's), and the preview both the editor page and its JSON
endpoint show: the schedule in words and its next five runs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import Length, NumberRange, Optional

from exporters.schedule_kinds import (
    DAY_NAMES,
    HOUR_STEPS,
    KIND_LABELS,
    LAST_DAY,
    WEEKDAYS,
    Kind,
    KindError,
    ScheduleKind,
    cron_of,
    kind_of,
)
from exporters.schedules import ScheduleError, ScheduleSpec, schedule_of
from store.models import Exporter
from web.exporters.fields import MultiCheckboxField
from web.forms import Form

HOURS = [(h, f"{h:02d}:00") for h in range(24)]
DAYS_OF_MONTH = [(d, str(d)) for d in range(1, 32)] + [(LAST_DAY, "Last day")]
# Which fields each kind uses (the page shows only those when its script runs).
FIELDS_OF: dict[str, tuple[Kind, ...]] = {
    "schedule_minute": (Kind.HOURLY, Kind.EVERY_N_HOURS, Kind.WORKING_HOURS),
    "schedule_every_hours": (Kind.EVERY_N_HOURS,),
    "schedule_times": (Kind.DAILY, Kind.WEEKLY, Kind.MONTHLY),
    "schedule_days": (Kind.WEEKLY, Kind.WORKING_HOURS),
    "schedule_day_of_month": (Kind.MONTHLY,),
    "schedule_from_hour": (Kind.WORKING_HOURS,),
    "schedule_to_hour": (Kind.WORKING_HOURS,),
    "schedule_cron": (Kind.CRON,),
}


class ScheduleFields(Form):
    """The schedule part of the exporter form (and, alone, the preview endpoint's query)."""

    schedule = SelectField("Schedule", choices=KIND_LABELS, default=Kind.HOURLY)
    schedule_minute = IntegerField(
        "At minute", default=0, validators=[Optional(), NumberRange(min=0, max=59)]
    )
    schedule_every_hours = SelectField(
        "Every", choices=[(n, f"{n} hours") for n in HOUR_STEPS], coerce=int, default=6
    )
    schedule_times = StringField("At", default="07:00", validators=[Optional(), Length(max=200)])
    schedule_days = MultiCheckboxField(
        "On", choices=list(enumerate(DAY_NAMES)), coerce=int, default=list(WEEKDAYS)
    )
    schedule_day_of_month = SelectField("Day of the month", choices=DAYS_OF_MONTH, coerce=int, default=1)
    schedule_from_hour = SelectField("From", choices=HOURS, coerce=int, default=9)
    schedule_to_hour = SelectField("To", choices=HOURS, coerce=int, default=17)
    schedule_cron = StringField("Cron expression", validators=[Optional(), Length(max=120)])
    schedule_time_zone = StringField("Schedule time zone", validators=[Optional(), Length(max=64)])


def load_schedule(form: ScheduleFields, cron: str, zone: str) -> None:
    """Show a stored schedule as the kind it was made with."""
    kind = kind_of(cron)
    form.schedule.data = kind.kind
    form.schedule_minute.data = kind.minute
    form.schedule_every_hours.data = kind.every_hours
    form.schedule_times.data = ", ".join(kind.times)
    form.schedule_days.data = list(kind.days)
    form.schedule_day_of_month.data = kind.day_of_month
    form.schedule_from_hour.data, form.schedule_to_hour.data = kind.from_hour, kind.to_hour
    form.schedule_cron.data = cron if kind.kind == Kind.CRON else ""
    form.schedule_time_zone.data = zone


def load_exporter_schedule(form: ScheduleFields, exporter: Exporter) -> None:
    load_schedule(form, exporter.schedule_cron, exporter.schedule_time_zone)


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def kind_from(form: ScheduleFields) -> ScheduleKind:
    """The kind the fields describe; `KindError` names the field that doesn't fit."""
    choice = form.schedule.data if form.schedule.data in set(Kind) else Kind.HOURLY
    try:
        return ScheduleKind(
            kind=Kind(choice),
            minute=_int(form.schedule_minute.data, 0),
            every_hours=_int(form.schedule_every_hours.data, 6),
            times=tuple(t.strip() for t in (form.schedule_times.data or "").split(",") if t.strip()),
            days=tuple(_int(d, -1) for d in form.schedule_days.data or ()),
            day_of_month=_int(form.schedule_day_of_month.data, 1),
            from_hour=_int(form.schedule_from_hour.data, 9),
            to_hour=_int(form.schedule_to_hour.data, 17),
            cron=form.schedule_cron.data or "",
        )
    except ValidationError as exc:
        where = str(exc.errors()[0]["loc"][0]) if exc.errors() else "schedule"
        raise KindError("Choose a value from the list.", where) from None


def schedule_from(form: ScheduleFields, default_zone: str) -> ScheduleSpec | None:
    """The schedule the fields ask for (None: manual only); `KindError` when they make none."""
    cron = cron_of(kind_from(form))
    if not cron:
        return None
    zone = (form.schedule_time_zone.data or "").strip() or default_zone or "UTC"
    return ScheduleSpec(cron=cron, timezone=zone)


def field_of(error: KindError | ScheduleError, form: ScheduleFields) -> str:
    """The form field that shows a schedule error."""
    if isinstance(error, KindError):
        return f"schedule_{error.field}"
    if error.part == "timezone":
        return "schedule_time_zone"
    return "schedule_cron" if form.schedule.data == Kind.CRON else "schedule"


@dataclass
class Preview:
    """What the editor shows under the schedule as it is changed."""

    text: str = ""
    next_runs: list[str] = field(default_factory=list)  # ISO 8601 with the zone's offset
    shown: list[str] = field(default_factory=list)  # the same in the analyst's words
    error: str = ""
    field: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"text": self.text, "next_runs": self.next_runs, "shown": self.shown, "error": self.error,
                "field": self.field}  # fmt: skip


def preview(form: ScheduleFields, default_zone: str, count: int = 5) -> Preview:
    """The schedule in words and its next runs, or what to fix."""
    try:
        spec = schedule_from(form, default_zone)
        schedule = schedule_of(spec.cron, spec.timezone) if spec is not None else None
    except (KindError, ScheduleError) as error:
        return Preview(error=str(error), field=field_of(error, form))
    if schedule is None:
        return Preview(text="Manual only: it runs when you click “Run now” (or on a QuickBooks change).")
    runs = schedule.next_runs(count)
    return Preview(
        text=schedule.describe(),
        next_runs=[at.isoformat() for at in runs],
        shown=[at.strftime("%a %d %b %Y %H:%M %Z") for at in runs],
    )
