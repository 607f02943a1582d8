"""Turning input values into cell parts: RAW as-is, USER_ENTERED parsed as if typed (en_US)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from emulators.google.sheets import cells
from emulators.google.sheets.numfmt import EPOCH

SKIP = object()  # a JSON null: leave the cell as it is
_NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?(?:[eE][+-]?\d+)?"
_PLAIN = re.compile(rf"^([+-]?)({_NUMBER})$")
_PERCENT = re.compile(rf"^([+-]?)({_NUMBER})\s*%$")
_CURRENCY = re.compile(rf"^([+-]?)\$\s*({_NUMBER})$|^\$\s*([+-])({_NUMBER})$")
_DATE_FORMATS = (
    ("%Y-%m-%d", "DATE", "yyyy-mm-dd"),
    ("%Y-%m-%d %H:%M:%S", "DATE_TIME", "yyyy-mm-dd hh:mm:ss"),
    ("%Y-%m-%d %H:%M", "DATE_TIME", "yyyy-mm-dd hh:mm"),
    ("%Y-%m-%dT%H:%M:%S", "DATE_TIME", "yyyy-mm-dd hh:mm:ss"),
    ("%m/%d/%Y", "DATE", "m/d/yyyy"),
    ("%m/%d/%Y %H:%M:%S", "DATE_TIME", "m/d/yyyy h:mm:ss"),
)

Parsed = tuple[cells.Value, str | None, dict | None]  # value, formula text, implied number format


def serial(moment: datetime) -> float | int:
    """Days since 1899-12-30 (integral for midnight)."""
    days = (moment - EPOCH).total_seconds() / 86400
    return int(days) if days.is_integer() else days


def parse(raw: Any, option: str) -> Parsed | object:
    """Input value -> (value, formula, implied numberFormat), or SKIP for null. ValueError if too long."""
    if raw is None:
        return SKIP
    if isinstance(raw, bool) or cells.is_number(raw):
        return raw, None, None
    if isinstance(raw, list | dict):
        raise TypeError("Invalid value")
    text = str(raw)
    cells.check_length(text)
    if text == "":
        return None, None, None
    if option == "RAW":
        return text, None, None
    return user_entered(text)


def user_entered(text: str) -> Parsed:
    """A string as if typed into the Sheets UI (en_US locale)."""
    if text.startswith("=") and len(text) > 1:
        return None, text, None
    if text.startswith("'"):
        return text[1:] or None, None, None
    stripped = text.strip()
    if stripped.upper() in ("TRUE", "FALSE"):
        return stripped.upper() == "TRUE", None, None
    for parser in (_plain, _percent, _currency, _date):
        parsed = parser(stripped)
        if parsed is not None:
            return parsed
    return text, None, None


def _number(sign: str, digits: str) -> float | int | None:
    if not digits or not re.search(r"\d", digits):
        return None
    value = float(digits.replace(",", ""))
    value = -value if sign == "-" else value
    return int(value) if value.is_integer() and abs(value) < 2**53 and "e" not in digits.lower() else value


def _decimals(digits: str) -> int:
    return len(digits.split(".")[1]) if "." in digits else 0


def _plain(text: str) -> Parsed | None:
    match = _PLAIN.match(text)
    if not match or (value := _number(match.group(1), match.group(2))) is None:
        return None
    digits = match.group(2)
    if "," in digits:
        return value, None, {"type": "NUMBER", "pattern": "#,##0.00" if "." in digits else "#,##0"}
    if "e" in digits.lower():
        return value, None, {"type": "SCIENTIFIC", "pattern": "0.00E+00"}
    return value, None, None


def _percent(text: str) -> Parsed | None:
    match = _PERCENT.match(text)
    if not match or (value := _number(match.group(1), match.group(2))) is None:
        return None
    pattern = "0.00%" if _decimals(match.group(2)) else "0%"
    ratio = round(value / 100, 15)
    ratio = int(ratio) if float(ratio).is_integer() else ratio
    return ratio, None, {"type": "PERCENT", "pattern": pattern}


def _currency(text: str) -> Parsed | None:
    match = _CURRENCY.match(text)
    if not match:
        return None
    sign, digits = (match.group(1), match.group(2)) if match.group(2) is not None else match.group(3, 4)
    value = _number(sign or "", digits)
    if value is None:
        return None
    pattern = '"$"#,##0.00' if _decimals(digits) or "," in digits else '"$"#,##0'
    return value, None, {"type": "CURRENCY", "pattern": pattern}


def _date(text: str) -> Parsed | None:
    for layout, kind, pattern in _DATE_FORMATS:
        try:
            moment = datetime.strptime(text, layout)
        except ValueError:
            continue
        return serial(moment), None, {"type": kind, "pattern": pattern}
    return None
