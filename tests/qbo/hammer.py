"""A child process that asks for and force-refreshes one company's tokens, for the concurrency test."""

from __future__ import annotations

from multiprocessing.synchronize import Barrier

from redis import Redis

from connections.company_tokens import CompanyTokenStore, token_manager_for
from store.settings import Settings, configure
from tests.processes import at_once
from tests.qbo.intuit import EmulatorClock


def hammer(
    settings: Settings, company_id: int, offset: float, rounds: int, force_every: int, start: Barrier
) -> int:
    """`rounds` times: get an access token, and every `force_every`-th time force a refresh as after a 401;
    the refreshes this process made."""
    configure(settings)
    manager = token_manager_for(
        CompanyTokenStore(company_id, EmulatorClock(offset)), Redis.from_url(settings.redis_url)
    )
    start.wait(timeout=120)
    for round_ in range(rounds):
        token = manager.access_token()
        if round_ % force_every == force_every - 1:
            manager.force_refresh(token)
    return manager.refreshes


def hammer_at_once(
    settings: Settings, company_id: int, offset: float, processes: int, rounds: int, force_every: int = 2
) -> int:
    """Start `processes` hammers together; assert each finished cleanly; the refreshes they made."""
    return sum(
        at_once(hammer, (settings, company_id, offset, rounds, force_every), processes, preload=__name__)
    )
