"""The schedules the editor offers, as minutes between runs (0: only on demand).

"Manual" is stored as 0, not None: the model's Python default (60) replaces a None on insert, and the
tick treats any falsy schedule as on-demand only.
"""

from __future__ import annotations

SCHEDULES: list[tuple[str, str]] = [
    ("15", "Every 15 minutes"),
    ("60", "Hourly"),
    ("360", "Every 6 hours"),
    ("1440", "Daily"),
    ("manual", "Manual only"),
]


def minutes_of(choice: str) -> int:
    return 0 if choice == "manual" else int(choice)


def choice_of(minutes: int | None) -> str:
    return "manual" if not minutes else str(minutes)


def label_of(minutes: int | None) -> str:
    return dict(SCHEDULES).get(choice_of(minutes), f"Every {minutes} minutes")
