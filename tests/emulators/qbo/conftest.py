"""Fixtures of the QBO emulator's own tests: each module runs the `emulator` it needs (seed, scope)."""

from __future__ import annotations

import pytest

from tests.emulators.qbo.emulator_harness import Api, signed_in


@pytest.fixture
def api(emulator) -> Api:
    """A signed-in client of the module's emulator (its first company)."""
    return signed_in(emulator)
