"""Field masks as Google accepts them: `a,b`, `a.b` or `a/b`, `a(b,c)`, `*`."""

from __future__ import annotations

import re
from typing import Any

Mask = dict[str, "Mask"]  # name -> sub-mask; {} means "the whole field"
_TOKEN = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*|\*|[.,/()])")


class MaskError(ValueError):
    """A field mask that does not parse."""


def parse(text: str | None) -> Mask:
    """Parse a mask into a tree; `*` is kept as the key "*"."""
    tokens = [m.group(1) for m in _TOKEN.finditer(text or "")]
    if "".join(tokens) != re.sub(r"\s", "", text or ""):
        raise MaskError(text)
    mask: Mask = {}
    pos = _parse_list(tokens, 0, mask)
    if pos != len(tokens):
        raise MaskError(text)
    return mask


def _parse_list(tokens: list[str], pos: int, into: Mask) -> int:
    while pos < len(tokens) and tokens[pos] != ")":
        node = into
        while True:
            name = tokens[pos]
            if name in ".,/()":
                raise MaskError(name)
            node = node.setdefault(name, {})
            pos += 1
            if pos < len(tokens) and tokens[pos] in "./":
                pos += 1
                continue
            break
        if pos < len(tokens) and tokens[pos] == "(":
            pos = _parse_list(tokens, pos + 1, node)
            if pos >= len(tokens) or tokens[pos] != ")":
                raise MaskError("unbalanced")
            pos += 1
        if pos < len(tokens) and tokens[pos] == ",":
            pos += 1
    return pos


def select(data: Any, mask: Mask) -> Any:
    """The parts of response JSON named by the mask (lists are filtered element-wise)."""
    if not mask or "*" in mask:
        return data
    if isinstance(data, list):
        return [select(item, mask) for item in data]
    if not isinstance(data, dict):
        return data
    return {k: select(data[k], sub) for k, sub in mask.items() if k in data}


def apply(target: dict, source: dict, mask: Mask) -> None:
    """Copy the masked fields of `source` onto `target`; masked fields absent in source are unset.

    Nested dicts of `target` are replaced by copies, never edited, so they may be shared.
    """
    if "*" in mask:
        target.clear()
        target.update(source)
        return
    for key, sub in mask.items():
        if not sub or key not in source or not isinstance(source.get(key), dict):
            if key in source:
                target[key] = source[key]
            else:
                target.pop(key, None)
            continue
        child = target.get(key)
        child = target[key] = dict(child) if isinstance(child, dict) else {}  # copy: never edit shared dicts
        apply(child, source[key], sub)


def paths(mask: Mask, prefix: str = "") -> list[str]:
    """Leaf paths of a mask, dotted (for messages and validation)."""
    out = []
    for key, sub in mask.items():
        name = f"{prefix}.{key}" if prefix else key
        out.extend(paths(sub, name) if sub else [name])
    return out
