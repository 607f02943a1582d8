"""A1 notation: column letters, sheet-title quoting, and parsing ranges into grid coordinates."""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_COLUMNS = 18278  # ZZZ
_CELL = re.compile(r"^\$?([A-Za-z]{0,3})\$?(\d*)$")
_PLAIN_TITLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_CELL_LIKE = re.compile(r"^([A-Za-z]{1,3}\d+|[Rr]\d*[Cc]\d*|[A-Za-z]{1,3}|TRUE|FALSE)$", re.IGNORECASE)


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str) -> int:
    """A -> 0, AA -> 26."""
    index = 0
    for ch in letters.upper():
        index = index * 26 + ord(ch) - 64
    return index - 1


def quote_title(title: str) -> str:
    """A sheet title as Google writes it in a range: quoted only when it must be."""
    if _PLAIN_TITLE.match(title) and not _CELL_LIKE.match(title):
        return title
    return "'" + title.replace("'", "''") + "'"


@dataclass(frozen=True)
class Box:
    """A 0-based half-open rectangle; None means unbounded on that side."""

    r0: int | None
    r1: int | None
    c0: int | None
    c1: int | None

    def bounded(self, rows: int, cols: int) -> tuple[int, int, int, int]:
        """Concrete bounds, unbounded sides taken from the grid size."""
        return (
            self.r0 or 0,
            rows if self.r1 is None else self.r1,
            self.c0 or 0,
            cols if self.c1 is None else self.c1,
        )


WHOLE = Box(None, None, None, None)


def a1(r0: int, r1: int, c0: int, c1: int) -> str:
    """Bounds -> `A1` (a single cell) or `A1:C3`."""
    start = f"{column_letter(c0)}{r0 + 1}"
    if r1 - r0 <= 1 and c1 - c0 <= 1:
        return start
    return f"{start}:{column_letter(max(c1 - 1, c0))}{max(r1, r0 + 1)}"


def split_sheet(text: str) -> tuple[str | None, str | None]:
    """`'It''s'!A1` -> ("It's", "A1"); `Sheet1` -> (None, "Sheet1"); `'X'` -> ("X", None)."""
    text = text.strip()
    if text.startswith("'"):
        i, out = 1, []
        while i < len(text):
            if text[i] == "'":
                if text[i + 1 : i + 2] == "'":
                    out.append("'")
                    i += 2
                    continue
                break
            out.append(text[i])
            i += 1
        else:
            raise ValueError(text)
        rest = text[i + 1 :]
        if not rest:
            return "".join(out), None
        if not rest.startswith("!"):
            raise ValueError(text)
        return "".join(out), rest[1:]
    if "!" in text:
        sheet, _, ref = text.rpartition("!")
        return sheet, ref
    return None, text


def parse_cells(ref: str) -> Box:
    """`A1`, `A1:B2`, `A:A`, `1:1`, `A2:A`, `A1:1` -> Box; ValueError if not A1 notation."""
    parts = ref.strip().split(":")
    if len(parts) > 2 or not ref.strip():
        raise ValueError(ref)
    ends = []
    for part in parts:
        match = _CELL.match(part.strip())
        if not match or not (match.group(1) or match.group(2)):
            raise ValueError(ref)
        col = column_index(match.group(1)) if match.group(1) else None
        row = int(match.group(2)) - 1 if match.group(2) else None
        if row is not None and row < 0 or col is not None and col >= MAX_COLUMNS:
            raise ValueError(ref)
        ends.append((row, col))
    (ra, ca), (rb, cb) = ends[0], ends[-1]
    if len(parts) == 1:
        if ra is None or ca is None:
            raise ValueError(ref)
        return Box(ra, ra + 1, ca, ca + 1)
    if ra is None and rb is None and (ca is None or cb is None):
        raise ValueError(ref)
    if ca is None and cb is None and (ra is None or rb is None):
        raise ValueError(ref)
    r0, r1 = _span(ra, rb)
    c0, c1 = _span(ca, cb)
    return Box(r0, r1, c0, c1)


def _span(a: int | None, b: int | None) -> tuple[int | None, int | None]:
    """Two 0-based ends (None = open) -> half-open span, ordered."""
    if a is None and b is None:
        return None, None
    if a is None:
        return None, b + 1
    if b is None:
        return a, None
    lo, hi = min(a, b), max(a, b)
    return lo, hi + 1
