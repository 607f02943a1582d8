"""Compare JSON by structure: keys, nesting and value types, not values."""

from __future__ import annotations


def shape(value: object) -> object:
    """Keys, nesting and types of a JSON value, without its values (key order ignored)."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(item) for item in value]
    return type(value).__name__
