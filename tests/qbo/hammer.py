"""A child process that asks for and force-refreshes one company's tokens, for the concurrency test."""

from __future__ import annotations

import multiprocessing
import traceback
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier

from redis import Redis

from connections.company_tokens import CompanyTokenStore, token_manager_for
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


def forkserver() -> multiprocessing.context.BaseContext:
    """Fresh processes forked from a single-threaded server that imported the product once for the
    session (spawning imports it again in each of the 8 children of each test: ~1 s of CPU apiece)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    return context


def hammer_at_once(
    settings: Settings, company_id: int, offset: float, processes: int, rounds: int, force_every: int = 2
) -> int:
    """Start `processes` hammers together; assert each finished cleanly; the refreshes they made."""
    context = forkserver()
    start, out = context.Barrier(processes), context.Queue()
    children = [
        context.Process(target=hammer, args=(settings, company_id, offset, rounds, start, out, force_every))
        for _ in range(processes)
    ]
    for child in children:
        child.start()
    results = [out.get(timeout=300) for _ in children]
    for child in children:
        child.join(timeout=60)
    assert [kind for kind, _ in results] == ["ok"] * processes, [r for k, r in results if k != "ok"]
    return sum(count for _, count in results)
