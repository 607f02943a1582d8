"""Formula text with references to other tabs bound to their sheetId, as Sheets keeps them.

A stored formula is a template: each `Title!` prefix is replaced by `\\x01<sheetId>\\x02` (`\\x03` when the
user quoted the title, so quoting is kept as typed), so a rename changes what is rendered and a deleted
tab turns the whole reference into `#REF!`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from emulators.google.sheets.a1 import quote_title

_STRING = r'"(?:[^"]|"")*"'
_SHEET_PREFIX = re.compile(_STRING + r"|('(?:[^']|'')+'|(?<![#\w.])[A-Za-z_][A-Za-z0-9_.]*)!")  # not #REF!
_REF = r"(?:\$?[A-Za-z]{1,3}\$?\d*|\$?\d+)(?::(?:\$?[A-Za-z]{1,3}\$?\d*|\$?\d+))?"
_TOKEN = re.compile(r"\x01(\d+)([\x02\x03])")  # \x03: the user quoted the title


def bind(text: str, sheet_id_of: Callable[[str], int | None]) -> str:
    """Replace tab-name prefixes of known tabs with sheetId tokens (strings are left alone)."""

    def replace(match: re.Match) -> str:
        name = match.group(1)
        if name is None:
            return match.group(0)
        title = name[1:-1].replace("''", "'") if name.startswith("'") else name
        sheet_id = sheet_id_of(title)
        if sheet_id is None:
            return match.group(0)
        return f"\x01{sheet_id}\x03" if name.startswith("'") else f"\x01{sheet_id}\x02"

    return _SHEET_PREFIX.sub(replace, text)


def render(template: str, title_of: Callable[[int], str]) -> str:
    """The formula text a user sees: tokens become current (minimally quoted) titles."""
    if "\x01" not in template:
        return template

    def title(match: re.Match) -> str:
        text = title_of(int(match.group(1)))
        quoted = "'" + text.replace("'", "''") + "'" if match.group(2) == "\x03" else quote_title(text)
        return quoted + "!"

    return _TOKEN.sub(title, template)


def drop_sheet(template: str, sheet_id: int) -> str:
    """References into a deleted tab become #REF!."""
    return re.sub(f"\x01{sheet_id}[\x02\x03]{_REF}", "#REF!", template)


def referenced_sheets(template: str) -> set[int]:
    return {int(m[0]) for m in _TOKEN.findall(template)}
