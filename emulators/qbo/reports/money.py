"""Decimal amounts and their report string form ("937.50", "" for nothing)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0")
CENT = Decimal("0.01")


def to_decimal(value: object) -> Decimal:
    """A JSON number (or numeric string) as an exact Decimal; None and "" are zero."""
    if value is None or value == "":
        return ZERO
    return Decimal(str(value))


def cents(value: Decimal) -> Decimal:
    """Round half-up to cents."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def money(value: Decimal) -> str:
    """Two-decimal string, never "-0.00"."""
    rounded = cents(value)
    return f"{(rounded if rounded != 0 else ZERO):.2f}"


def blank_if_zero(value: Decimal) -> str:
    """Two-decimal string, or "" when the amount is zero."""
    return "" if cents(value) == 0 else money(value)


def parse_money(text: str) -> Decimal:
    """Inverse of `money` for reading report cells back ("" is zero)."""
    return to_decimal(text)
