"""Several child processes started at the same instant (a barrier), for the tests of what two ticks, or eight
token refreshers, do at once; forked from a server that imported the product once (spawning imports it again
in each child: ~1 s of CPU apiece)."""

from __future__ import annotations

import multiprocessing
import traceback
from collections.abc import Callable, Sequence
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from typing import Any


def _report(target: Callable[..., Any], args: Sequence[Any], start: Barrier, out: Queue) -> None:
    try:
        out.put(("ok", target(*args, start)))
    except BaseException:  # report everything to the parent, which asserts
        out.put(("error", traceback.format_exc()))


def at_once(target: Callable[..., Any], args: Sequence[Any], processes: int, preload: str) -> list[Any]:
    """Run `target(*args, start)` in `processes` children, forked from a forkserver that imported `preload`
    (the target's module); each waits on `start` (a Barrier) where the children should begin together.
    Asserts every child finished cleanly (else shows their tracebacks); what each returned."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__, preload])
    start, out = context.Barrier(processes), context.Queue()
    children = [context.Process(target=_report, args=(target, args, start, out)) for _ in range(processes)]
    for child in children:
        child.start()
    answers = [out.get(timeout=300) for _ in children]
    for child in children:
        child.join(timeout=60)
    assert [kind for kind, _ in answers] == ["ok"] * processes, [a for kind, a in answers if kind != "ok"]
    return [value for _, value in answers]
