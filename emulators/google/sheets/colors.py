"""Cell colours: `backgroundColor` / `textFormat.foregroundColor` and their `*ColorStyle` twins.

Google keeps the two in step and answers both (gspread's cassette WorksheetTest.test_format: a
`backgroundColor` set by repeatCell reads back with `backgroundColorStyle.rgbColor` too, appended
after the other keys). The grid stores one canonical form, the plain Color (a style's `rgbColor`
wins when a request sets both); the style twin is added when a format is read back. Theme colours
(`themeColor` styles) are stored as given and get no plain twin."""

from __future__ import annotations

# (path to the object holding the pair, plain key, style key)
PAIRS = (
    ((), "backgroundColor", "backgroundColorStyle"),
    (("textFormat",), "foregroundColor", "foregroundColorStyle"),
)


def _holders(fmt: dict) -> list[tuple[tuple[str, ...], dict, str, str]]:
    out = []
    for path, plain, style in PAIRS:
        holder: object = fmt
        for key in path:
            holder = holder.get(key) if isinstance(holder, dict) else None
        if isinstance(holder, dict):
            out.append((path, holder, plain, style))
    return out


def _replace(fmt: dict, path: tuple[str, ...], holder: dict) -> dict:
    """A copy of `fmt` with the object at `path` replaced (formats are shared between cells)."""
    if not path:
        return holder
    return {**fmt, path[0]: _replace(fmt[path[0]], path[1:], holder)}


def canonical(fmt: dict | None) -> dict | None:
    """The stored form: an rgb `*ColorStyle` becomes the plain Color (same object when nothing to do)."""
    if not fmt:
        return fmt
    for path, holder, plain, style in _holders(fmt):
        rgb = holder[style].get("rgbColor") if isinstance(holder.get(style), dict) else None
        if rgb is not None:
            changed = {key: value for key, value in holder.items() if key != style}
            changed[plain] = rgb
            fmt = _replace(fmt, path, changed)
    return fmt


def mirrored(fmt: dict) -> dict:
    """The form Google answers: each plain Color followed by its `*ColorStyle.rgbColor` twin."""
    for path, holder, plain, style in _holders(fmt):
        if plain in holder and style not in holder:
            fmt = _replace(fmt, path, {**holder, style: {"rgbColor": holder[plain]}})
    return fmt
