"""Everything the add-on knows about schedules, in one place: the words for an exporter's schedule, the
choices the new-exporter card offers (exporters.schedules' presets), and how a choice goes into the
definition (a cron expression in the workspace's zone)."""

from __future__ import annotations

from typing import Any

from exporters.schedules import CUSTOM, MANUAL, SCHEDULE_CHOICES, ScheduleSpec, label_of
from store.models import Exporter

DEFAULT_CHOICE = "0 * * * *"


def schedule_words(exporter: Exporter) -> str:
    return label_of(exporter)


def schedule_choices() -> list[tuple[str, str]]:
    """(value, text) of each schedule the card offers (a custom cron expression is the dashboard's)."""
    return [(value, text) for value, text in SCHEDULE_CHOICES if value != CUSTOM]


def schedule_fields(choice: str, timezone: str = "UTC") -> dict[str, Any]:
    """The definition's schedule for a chosen value (an unknown one is refused by validate)."""
    return {"schedule": None if choice == MANUAL else ScheduleSpec(cron=choice, timezone=timezone)}
