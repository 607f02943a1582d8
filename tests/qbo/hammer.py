"""A child process that asks for and force-refreshes one company's tokens, for the concurrency test."""

from __future__ import annotations

import traceback
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier

from redis import Redis

from exporters.companies import CompanyTokenStore, token_manager_for
from store.settings import Settings, configure
from tests.qbo.intuit import EmulatorClock


def hammer(
    settings: Settings,
    company_id: int,
    offset: float,
    rounds: int,
    start: Barrier,
    out: Queue,
    force_every: int = 2,
) -> None:
    """`rounds` times: get an access token, and every `force_every`-th time force a refresh as after a 401."""
    try:
        configure(settings)
        manager = token_manager_for(
            CompanyTokenStore(company_id, EmulatorClock(offset)), Redis.from_url(settings.redis_url)
        )
        start.wait(timeout=120)
        for round_ in range(rounds):
            token = manager.access_token()
            if round_ % force_every == force_every - 1:
                manager.force_refresh(token)
        out.put(("ok", manager.refreshes))
    except BaseException:  # report everything to the parent, which asserts
        out.put(("error", traceback.format_exc()))
