"""Typed comparison of QBO property values with query literals: numbers, booleans, dates, datetimes."""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache

from emulators.qbo.clock import COMPANY_TZ

_INT = re.compile(r"^-?\d+$")
_DECIMAL = re.compile(r"^-?\d+\.\d+$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")


def as_datetime(text: str) -> datetime | None:
    """Parse `2011-08-10T10:20:30-0700`, `...-07:00`, `...Z` or a naive time (company zone)."""
    if not _DATETIME.match(text):
        return None
    text = text.replace("Z", "+00:00")
    if re.search(r"[+-]\d{4}$", text):
        text = f"{text[:-2]}:{text[-2:]}"
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=COMPANY_TZ)


@lru_cache(maxsize=1_000_000)
def typed(text: str) -> tuple[str, object]:
    """Classify a string: ("number", float), ("date", date), ("datetime", datetime) or ("text", folded)."""
    if (_INT.match(text) or _DECIMAL.match(text)) and not re.match(r"^-?0\d", text):
        return "number", float(text)
    if _DATE.match(text):
        return "date", date.fromisoformat(text)
    moment = as_datetime(text)
    if moment is not None:
        return "datetime", moment
    return "text", text.casefold()


def typed_any(value: object) -> tuple[str, object]:
    """Classify any property value or literal as `typed` does strings (bools and numbers as they are)."""
    if isinstance(value, bool):
        return "bool", value
    if isinstance(value, int | float):
        return "number", float(value)
    return typed(str(value))


def sort_key(value: object) -> tuple:
    """A key that orders numbers numerically, dates chronologically and text case-insensitively."""
    if value is None:
        return (4, 0)
    kind, typed_value = typed_any(value)
    if kind == "date":
        return (2, datetime.combine(typed_value, datetime.min.time(), COMPANY_TZ).timestamp())  # type: ignore[arg-type]
    if kind == "datetime":
        return (2, typed_value.timestamp())  # type: ignore[union-attr]
    return ({"bool": 0, "number": 1, "text": 3}[kind], typed_value)


def coerce(field: object, literal: object, today: date) -> tuple[object, object] | None:
    """The field value and literal as two comparable values, or None when they cannot compare."""
    if type(literal).__name__ == "Today":
        literal = today.isoformat()
    left_kind, left = typed_any(field)
    right_kind, right = typed_any(literal)
    if left_kind == "bool" or right_kind == "bool":
        if right_kind == "text":
            right_kind, right = "bool", right == "true"
        return (left, right) if left_kind == right_kind else None
    if left_kind == right_kind:
        return left, right
    if left_kind == "datetime" and right_kind == "date":
        return left, datetime.combine(right, datetime.min.time(), COMPANY_TZ)  # type: ignore[arg-type]
    if left_kind == "date" and right_kind == "datetime":
        return left, right.astimezone(COMPANY_TZ).date()  # type: ignore[union-attr]
    return str(field).casefold(), str(literal).casefold()


def like(field: object, pattern: str) -> bool:
    """LIKE with `%` as the only wildcard, case-insensitive."""
    regex = ".*".join(re.escape(part) for part in pattern.split("%"))
    return field is not None and re.fullmatch(regex, str(field), re.IGNORECASE | re.DOTALL) is not None
