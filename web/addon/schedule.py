"""Everything the add-on knows about schedules, in one place: the words for an exporter's schedule, the
choices the new-exporter card offers (the common kinds, each a cron expression; the dashboard's editor
offers every kind), and how a choice goes into the definition (in the add-on user's zone)."""

from __future__ import annotations

from typing import Any

from exporters.schedules import ScheduleSpec, label_of
from store.models import Exporter

MANUAL = "manual"
CHOICES: list[tuple[str, str]] = [
    ("*/15 * * * *", "Every 15 minutes"),
    ("0 * * * *", "Hourly"),
    ("0 6 * * *", "Daily at 06:00"),
    ("0 7 * * 1-5", "Every weekday at 07:00"),
    ("0 6 1 * *", "Monthly on the 1st at 06:00"),
    (MANUAL, "Manual only"),
]
DEFAULT_CHOICE = "0 * * * *"


def schedule_words(exporter: Exporter) -> str:
    return label_of(exporter)


def schedule_choices() -> list[tuple[str, str]]:
    """(value, text) of each schedule the card offers."""
    return list(CHOICES)


def schedule_fields(choice: str, timezone: str = "UTC") -> dict[str, Any]:
    """The definition's schedule for a chosen value (an unknown one is refused by validate)."""
    return {"schedule": None if choice == MANUAL else ScheduleSpec(cron=choice, timezone=timezone)}
