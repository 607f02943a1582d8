"""A small renderer for Sheets number formats (General, number, currency, percent, date/time patterns)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

EPOCH = datetime(1899, 12, 30)
DEFAULT_PATTERNS = {
    "NUMBER": "#,##0.00",
    "PERCENT": "0.00%",
    "CURRENCY": '"$"#,##0.00',
    "DATE": "m/d/yyyy",
    "TIME": "h:mm:ss am/pm",
    "DATE_TIME": "m/d/yyyy h:mm:ss",
    "SCIENTIFIC": "0.00E+00",
    "TEXT": "@",
}
DATE_TYPES = {"DATE", "TIME", "DATE_TIME"}
_LITERAL = re.compile(r'"([^"]*)"|\[\$([^\]-]*)(?:-[^\]]*)?\]|\[[^\]]*\]|\\(.)|_.|\*.')
_DATE_CODE = re.compile(r"yyyy|yy|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|ss|s|am/pm|a/p", re.IGNORECASE)
_MONTHS = [date(2000, m, 1).strftime("%B") for m in range(1, 13)]
_DAYS = [date(2024, 1, d).strftime("%A") for d in range(1, 8)]  # 2024-01-01 is a Monday


def pattern_of(number_format: dict | None) -> str | None:
    """The effective pattern of a NumberFormat (its type's default when no pattern is given)."""
    if not number_format:
        return None
    return number_format.get("pattern") or DEFAULT_PATTERNS.get(number_format.get("type", ""))


def is_date_format(number_format: dict | None) -> bool:
    """Whether numbers in this format are dates/times (DateTimeRenderOption applies)."""
    if not number_format:
        return False
    if number_format.get("type") in DATE_TYPES:
        return True
    pattern = pattern_of(number_format)
    return bool(pattern) and _is_date_pattern(pattern)


def render(value: float, number_format: dict | None) -> str:
    """The text Sheets shows for a number under `number_format` (en_US)."""
    pattern = pattern_of(number_format)
    if not pattern or pattern.lower() == "general" or pattern == "@":
        return general(value)
    sections = _split_sections(pattern)
    if value < 0 and len(sections) > 1:
        return _render_section(-value, sections[1], sign="")
    if value == 0 and len(sections) > 2:
        return _render_section(0, sections[2], sign="")
    return _render_section(abs(value), sections[0], sign="-" if value < 0 else "")


def general(value: float) -> str:
    """Sheets' General format: integers without a decimal point, up to 10 decimals, E notation when huge."""
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    text = f"{value:.15g}"
    if "e" in text:
        mantissa, exponent = f"{value:.5e}".split("e")
        mantissa = mantissa.rstrip("0").rstrip(".")
        return f"{mantissa}E{exponent[0]}{int(exponent[1:]):02d}"
    rounded = Decimal(text).quantize(Decimal("1e-10"), rounding=ROUND_HALF_UP)
    out = format(rounded, "f").rstrip("0").rstrip(".")
    return "0" if out in ("-0", "") else out


def _split_sections(pattern: str) -> list[str]:
    sections, current, quoted = [], "", False
    for ch in pattern:
        if ch == '"':
            quoted = not quoted
        if ch == ";" and not quoted:
            sections.append(current)
            current = ""
        else:
            current += ch
    return [*sections, current]


def _strip_literals(section: str) -> str:
    return _LITERAL.sub("", section)


def _is_date_pattern(pattern: str) -> bool:
    return bool(re.search(r"[ymdhs]", _strip_literals(_split_sections(pattern)[0]), re.IGNORECASE))


def _render_section(value: float, section: str, sign: str) -> str:
    if _is_date_pattern(section):
        return sign + _render_date(value, section)
    pieces: list[str] = []  # literal text and one "\0" marking where the number goes
    number = ""
    percent = False
    pos = 0
    while pos < len(section):
        match = _LITERAL.match(section, pos)
        if match:
            text = match.group(1) or match.group(2) or match.group(3) or ""
            if match.group(0).startswith("_"):
                text = " "
            pieces.append(text)
            pos = match.end()
            continue
        ch = section[pos]
        if ch in "0#?,.":
            if "\0" not in pieces:
                pieces.append("\0")
            number += ch
        elif ch in "Ee" and section[pos + 1 : pos + 2] in ("+", "-"):
            return sign + _scientific(value, section)
        elif ch == "%":
            percent = True
            pieces.append("%")
        elif ch != "@":
            pieces.append(ch)
        pos += 1
    if percent:
        value *= 100
    digits = _digits(value, number)
    return sign + "".join(digits if p == "\0" else p for p in pieces)


def _digits(value: float, placeholders: str) -> str:
    whole, _, frac = placeholders.partition(".")
    grouping = "," in whole
    min_int = whole.count("0")
    min_dec, max_dec = frac.count("0"), len(frac.replace(",", ""))
    rounded = Decimal(repr(value)).quantize(Decimal(1).scaleb(-max_dec), rounding=ROUND_HALF_UP)
    int_part, _, dec_part = format(rounded, "f").partition(".")
    int_part = int_part.lstrip("0").rjust(min_int, "0")
    if grouping and int_part:
        int_part = f"{int(int_part):,}".rjust(min_int, "0")
    dec_part = dec_part.rstrip("0").ljust(min_dec, "0")
    return int_part + ("." + dec_part if dec_part else "")


def _scientific(value: float, section: str) -> str:
    decimals = len(section.split(".")[1].split("E")[0].split("e")[0]) if "." in section else 0
    mantissa, exponent = f"{value:.{decimals}e}".split("e")
    return f"{mantissa}E{exponent[0]}{int(exponent[1:]):02d}"


def to_datetime(serial: float) -> datetime:
    """A serial number (days since 1899-12-30) as a naive datetime, rounded to the second."""
    return EPOCH + timedelta(seconds=round(serial * 86400))


def _render_date(serial: float, section: str) -> str:
    moment = to_datetime(serial)
    text = _LITERAL.sub(lambda m: m.group(1) or m.group(2) or m.group(3) or "", section)
    codes = list(_DATE_CODE.finditer(text))
    twelve_hour = any(c.group(0).lower() in ("am/pm", "a/p") for c in codes)
    out, last = [], 0
    for i, code in enumerate(codes):
        out.append(text[last : code.start()])
        last = code.end()
        lower = code.group(0).lower()
        if lower in ("m", "mm"):
            after_hour = i > 0 and codes[i - 1].group(0).lower() in ("h", "hh")
            before_second = i + 1 < len(codes) and codes[i + 1].group(0).lower() in ("s", "ss")
            if after_hour or before_second:
                out.append(f"{moment.minute:02d}" if lower == "mm" else str(moment.minute))
                continue
        out.append(_date_part(moment, lower, twelve_hour))
    out.append(text[last:])
    return "".join(out)


def _date_part(moment: datetime, lower: str, twelve_hour: bool) -> str:
    hour = (moment.hour % 12 or 12) if twelve_hour else moment.hour
    parts = {
        "yyyy": f"{moment.year:04d}",
        "yy": f"{moment.year % 100:02d}",
        "mmmm": _MONTHS[moment.month - 1],
        "mmm": _MONTHS[moment.month - 1][:3],
        "mm": f"{moment.month:02d}",
        "m": str(moment.month),
        "dddd": _DAYS[moment.weekday()],
        "ddd": _DAYS[moment.weekday()][:3],
        "dd": f"{moment.day:02d}",
        "d": str(moment.day),
        "hh": f"{hour:02d}",
        "h": str(hour),
        "ss": f"{moment.second:02d}",
        "s": str(moment.second),
    }
    if lower in ("am/pm", "a/p"):
        marker = "AM" if moment.hour < 12 else "PM"
        return marker if lower == "am/pm" else marker[0]
    return parts[lower]
