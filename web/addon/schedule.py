"""Everything the add-on knows about schedules, in one place: the words for an exporter's schedule, the
choices the new-exporter card offers, and how a choice goes into the definition. (When schedules become
cron expressions, only this module changes.)"""

from __future__ import annotations

from typing import Any

from exporters.schedules import SCHEDULES, label_of, minutes_of
from store.models import Exporter

DEFAULT_CHOICE = "60"


def schedule_words(exporter: Exporter) -> str:
    return label_of(exporter.schedule_minutes)


def schedule_choices() -> list[tuple[str, str]]:
    """(value, text) of each schedule the card offers."""
    return list(SCHEDULES)


def schedule_fields(choice: str) -> dict[str, Any]:
    """The definition's schedule fields for a chosen value (an unknown one is refused by validate)."""
    try:
        return {"schedule_minutes": minutes_of(choice)}
    except ValueError:
        return {"schedule_minutes": -1}
