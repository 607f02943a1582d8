"""Reading cells back: values under ValueRenderOption / DateTimeRenderOption, and viewer cells."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from emulators.google.sheets import cells, numfmt
from emulators.google.sheets.cells import CellError, Slot

if TYPE_CHECKING:
    from emulators.google.sheets.model import Sheet, Spreadsheet

RENDER_OPTIONS = ("FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA")
DATE_OPTIONS = ("SERIAL_NUMBER", "FORMATTED_STRING")


def number_format(slot: Slot) -> dict | None:
    fmt = cells.fmt_of(slot)
    return fmt.get("numberFormat") if fmt else None


def json_number(value: float) -> int | float:
    """Integral numbers as JSON integers (Google writes 53, not 53.0)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def formatted(value: cells.Value, slot: Slot) -> str:
    """FORMATTED_VALUE text of a value held in `slot`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, CellError):
        return value.text()
    if cells.is_number(value):
        return numfmt.render(value, number_format(slot))
    return value


def read_value(spreadsheet: Spreadsheet, sheet: Sheet, slot: Slot, render: str, date_render: str) -> Any:
    """The JSON value of one cell in a values response ("" for empty)."""
    formula = cells.formula_of(slot)
    if render == "FORMULA" and formula is not None:
        return spreadsheet.formula_text(formula)
    value = spreadsheet.formula_value(sheet, slot)
    if value is None:
        return ""
    if render == "FORMATTED_VALUE" or isinstance(value, CellError):
        return formatted(value, slot)
    if cells.is_number(value):
        if date_render == "FORMATTED_STRING" and numfmt.is_date_format(number_format(slot)):
            return formatted(value, slot)
        return json_number(value)
    return value


def display_cell(spreadsheet: Spreadsheet, sheet: Sheet, slot: Slot) -> dict:
    """What the HTML viewer shows for one cell."""
    fmt = cells.fmt_of(slot) or {}
    value = spreadsheet.formula_value(sheet, slot)
    align = fmt.get("horizontalAlignment")
    if align is None and cells.is_number(value):
        align = "RIGHT"
    text_format = fmt.get("textFormat") or {}
    return {
        "text": formatted(value, slot),
        "bold": bool(text_format.get("bold")),
        "italic": bool(text_format.get("italic")),
        "number_format": numfmt.pattern_of(fmt.get("numberFormat")),
        "h_align": align,
        "background": css_color(fmt.get("backgroundColorStyle"), fmt.get("backgroundColor")),
        "color": css_color(text_format.get("foregroundColorStyle"), text_format.get("foregroundColor")),
    }


def css_color(style: dict | None, color: dict | None) -> str | None:
    """`#rrggbb` of a ColorStyle (rgbColor) or Color; None when unset (theme colours are not modelled)."""
    rgb = (style or {}).get("rgbColor") if style else color
    if not rgb:
        return None
    channels = [round(255 * float(rgb.get(name) or 0)) for name in ("red", "green", "blue")]
    return "#" + "".join(f"{max(0, min(255, c)):02x}" for c in channels)
