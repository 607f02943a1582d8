from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.addon.host import AddonHost, running_addon
from tests.conftest import make_settings


@pytest.fixture
def addon(sqlite_url, redis_url, qbo_emulator, google_emulator) -> Iterator[AddonHost]:
    settings = make_settings(sqlite_url, redis_url, qbo_emulator.url, google_emulator.url)
    yield from running_addon(settings, google_emulator.url)
